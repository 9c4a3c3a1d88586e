"""The feed's paging rules (``dcat/rules.py``), pure: cursors and paging links."""
from __future__ import annotations

import pytest

from ckanext.dongchang.dcat import rules


def test_f9_a_cursor_is_the_last_entry_s_creation_millisecond_and_id():
    cursor = rules.cursor_after({"metadata_created": "2026-12-03T10:15:30.123987",
                                 "id": "0b1c-42"})
    assert cursor == rules.Cursor("2026-12-03T10:15:30.123Z", "0b1c-42")
    assert rules.decode_cursor(cursor.encode()) == cursor
    assert rules.cursor_after({"metadata_created": "2026-12-03T18:15:30+08:00",
                               "id": "a"}).created == "2026-12-03T10:15:30.000Z"


def test_f9_the_next_page_starts_strictly_after_the_cursor():
    text = rules.Cursor("2026-12-03T10:15:30.123Z", "abc").solr_filter()
    assert text == ('metadata_created:{2026-12-03T10:15:30.123Z TO *] OR '
                    '(metadata_created:"2026-12-03T10:15:30.123Z" AND id:{"abc" TO *])')
    assert rules.SORT == "metadata_created asc, id asc"


@pytest.mark.parametrize("text", [
    "", "abc", "2026-12-03T10:00:00Z", "2026-12-03T10:00:00Z_", "not-a-date_abc",
    "2026-12-03T10:00:00Z_a b", '2026-12-03T10:00:00Z_a"] OR id:*', "2026-12-03T10:00:00Z_*",
    "2026-12-03T10:00:00Z_" + "a" * 101])
def test_f9_only_cursors_the_feed_gives_out_are_read(text):
    with pytest.raises(ValueError):
        rules.decode_cursor(text)


def test_f9_paging_links_carry_the_query_percent_encoded():
    link = rules.page_url("http://site/catalog.ttl",
                          {"q": 'a b"', "modified_since": "", "fq": "x:1", "other": "no"},
                          cursor="2026-12-03T10:15:30.123Z_abc")
    assert link == ("http://site/catalog.ttl?q=a%20b%22&fq=x%3A1"
                    "&cursor=2026-12-03T10%3A15%3A30.123Z_abc")
    assert rules.page_url("http://site/catalog.ttl", {}, page=2) == \
        "http://site/catalog.ttl?page=2"
