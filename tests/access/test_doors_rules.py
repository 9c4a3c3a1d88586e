"""The portal is the only door (issue 16 item 3): which files are gated, and which gated files
are refused as links. Pure: ``access/rules/doors`` and ``visibility.file_is_gated``."""
from __future__ import annotations

import pytest

from ckanext.dongchang.access.rules import doors, visibility

LINK = {"url": "https://files.example.gov.cn/a.csv"}


@pytest.mark.parametrize(("share", "open_", "declared", "gated"), [
    ("unconditional", "unconditional", None, False),
    ("unconditional", "unconditional", "open", False),
    ("unconditional", "unconditional", "shared", True),
    ("unconditional", "unconditional", "owner", True),
    ("conditional", "conditional", "open", True),
    ("unconditional", "not_open", None, True),
    ("not_shared", "not_open", None, True),
    ("nonsense", "unconditional", "open", True),  # unknown classes fail closed
])
def test_f16_a_file_is_gated_unless_the_public_may_use_it(share, open_, declared, gated):
    assert visibility.file_is_gated(declared, share, open_) is gated


def test_f16_a_link_on_a_gated_file_is_refused_on_its_url():
    entry = {"share_class": "conditional", "open_class": "conditional",
             "resources": [dict(LINK, audience="open"), {"url_type": "upload", "url": "a.csv"},
                           {"url_type": doors.UPSTREAM, "url": ""}, {"url": ""}]}
    errors = doors.gated_link_errors(entry)
    assert [(m.params["position"], m.params["subfield"]) for m in errors["resources"]] == [
        (1, "url")]
    assert "upload the file" in errors["resources"][0]
    assert "register an upstream" in errors["resources"][0]


def test_f16_the_same_link_on_an_unconditionally_open_entrys_open_file_is_accepted():
    entry = {"share_class": "unconditional", "open_class": "unconditional",
             "resources": [dict(LINK, audience="open"), dict(LINK)]}
    assert doors.gated_link_errors(entry) == {}
    shared = dict(entry, resources=[dict(LINK, audience="shared")])
    assert doors.gated_link_errors(shared)["resources"][0].params["position"] == 1


def test_f16_a_class_change_that_gates_a_stored_link_is_refused_but_old_links_are_left():
    stored = [dict(LINK), {"url_type": "upload", "url": "b.csv"}]
    opened = {"share_class": "unconditional", "open_class": "unconditional"}
    closed = {"share_class": "unconditional", "open_class": "not_open"}
    errors = doors.class_change_errors(stored, opened, closed)
    assert [m.params["number"] for m in errors["resources"]] == [1]
    assert doors.class_change_errors(stored, closed, closed) == {}  # gated before: its next edit
    assert doors.class_change_errors(stored, closed, opened) == {}


@pytest.mark.parametrize(("address", "valid"), [
    ("https://data.dept.internal/export.csv", True), ("http://10.0.0.5:8080/x", True),
    ("ftp://data.dept.internal/x", False), ("/relative/path", False), ("", False),
    ("https://user:secret@host/x", False), ("https:// host/x", False), (None, False),
    ("https://[bad", False),
])
def test_f16_an_upstream_address_is_an_absolute_http_address(address, valid):
    assert doors.upstream_address_valid(address) is valid
