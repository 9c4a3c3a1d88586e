"""Derived data products: rules on sources and the bilingual citation (Art. 25; F-7)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.dongchang.products.rules import (
    CitedSource,
    Grant,
    citations,
    source_errors,
    source_text,
)

TODAY = date(2026, 11, 30)
PUBLISHED = date(2026, 3, 1)


def _errors(acquired_on="2026-11-20", **overrides):
    facts = {"today": TODAY, "published_on": PUBLISHED, "data_public": True,
             "has_access": False, "grant": None, "commercial": False}
    facts.update(overrides)
    return source_errors(acquired_on, **facts)


def test_art25_open_data_needs_only_a_possible_date():
    assert _errors() == {}


@pytest.mark.parametrize("acquired_on", ["", None, "2026-02-30", "2026-12-01", "2026-02-28"])
def test_art25_the_date_obtained_must_be_possible(acquired_on):
    assert set(_errors(acquired_on)) == {"acquired_on"}


def test_art25_the_date_obtained_may_be_today_or_the_day_of_publication():
    assert _errors(TODAY.isoformat()) == {}
    assert _errors(PUBLISHED.isoformat()) == {}


def test_art25_data_obtained_through_a_grant_is_dated_inside_it():
    grant = Grant("innovation", date(2026, 10, 1), date(2027, 9, 30))
    assert _errors("2026-10-01", grant=grant, data_public=False) == {}
    early = _errors("2026-09-30", grant=grant, data_public=False)
    assert set(early) == {"acquired_on"} and early["acquired_on"][0].params == {
        "date": "2026-10-01"}
    revoked = Grant("innovation", date(2026, 10, 1), date(2027, 9, 30), date(2026, 10, 15))
    assert set(_errors("2026-11-01", grant=revoked, data_public=False)) == {"acquired_on"}
    never = Grant("innovation", None)
    assert set(_errors(grant=never, data_public=False)) == {"access_request_id"}


def test_art25_gated_data_needs_a_grant_unless_membership_gives_access():
    assert set(_errors(data_public=False)) == {"access_request_id"}
    assert _errors(data_public=False, has_access=True) == {}
    assert _errors(data_public=False, grant=Grant("social_services", date(2026, 10, 1))) == {}


@pytest.mark.parametrize(("grant", "refused"), [
    (None, True),
    (Grant("research", date(2026, 10, 1)), True),
    (Grant("innovation", date(2026, 10, 1)), True),
    (Grant("commercial", date(2026, 10, 1)), False),
])
def test_art25_a_commercial_product_rests_only_on_a_commercial_grant(grant, refused):
    errors = _errors(data_public=False, has_access=True, grant=grant, commercial=True)
    assert bool(errors) is refused
    if refused:
        assert set(errors) == {"access_request_id"}


def test_art25_research_grants_are_named_when_they_cannot_back_a_commercial_product():
    research = _errors(data_public=False, grant=Grant("research", date(2026, 10, 1)),
                       commercial=True)["access_request_id"][0]
    other = _errors(data_public=False, grant=Grant("innovation", date(2026, 10, 1)),
                    commercial=True)["access_request_id"][0]
    assert "research" in research and research != other


def test_art25_a_commercial_product_may_use_open_data_freely():
    assert _errors(commercial=True) == {}


SOURCE = CitedSource(title="东昌府区市场主体经营异常名录", resource_code="371502-SCJG-00001",
                     department="区市场监督管理局", acquired_on="2026-11-20",
                     url="http://portal.example/dataset/cond-open")


@pytest.mark.parametrize("language", ["zh_Hans_CN", "en"])
def test_art25_citation_states_department_title_code_and_date(language):
    text = citations("养老地图", "聊城某科技公司", [SOURCE])[language]
    for part in ("区市场监督管理局", "东昌府区市场主体经营异常名录", "371502-SCJG-00001",
                 "2026-11-20", "养老地图", "聊城某科技公司"):
        assert part in text


def test_art25_citation_is_chinese_and_english():
    both = citations("养老地图", "", [SOURCE])
    assert "获取日期" in both["zh_Hans_CN"] and "[DS/OL]" in both["zh_Hans_CN"]
    assert "Obtained on" in both["en"] and "resource code" in both["en"]


def test_f3_an_entry_hidden_from_the_reader_is_cited_without_its_details():
    hidden = CitedSource(title=None, resource_code="", department="", acquired_on="2026-11-20")
    for language in ("zh_Hans_CN", "en"):
        text = source_text(hidden, language)
        assert "2026-11-20" in text
    assert "not open to you" in source_text(hidden, "en")


@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=5))
def test_art25_every_source_gets_its_own_numbered_line(titles):
    sources = [CitedSource(title=t, resource_code=f"C{i}", department="D", acquired_on="2026-01-01")
               for i, t in enumerate(titles)]
    for text in citations("P", "", sources).values():
        for number in range(1, len(titles) + 1):
            assert f"[{number}] " in text
