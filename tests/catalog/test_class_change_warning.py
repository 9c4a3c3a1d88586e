"""Warn before a class change on a published entry and say what happens (issue 17 item 6).

The edit form of a published entry says, before saving, what a change of its share or open
class does: a change that widens access waits for the Bureau and the published version stays
public meanwhile; one that only narrows it acts at once and the entry goes back to review. A
small script (an asset, so the CSP needs no inline code) turns the note into an alert when a
class field changes and asks for confirmation on saving.
"""
from __future__ import annotations

import pytest
from ckan.tests import factories

from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import class_fields
from tests.factories import CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def world(app):
    org = Department(name="dcf-scjg", title="区市场监督管理局")
    editor = Official(name="scjg-editor", department=org, capacity="editor")
    sysadmin = factories.Sysadmin()
    CatalogEntry(user=sysadmin, owner_org=org, name="published-entry",
                 **class_fields("unconditional", "conditional"))
    CatalogEntry(user=sysadmin, owner_org=org, name="draft-entry", catalog_state="draft")
    return {"editor": Api(app, editor), "app": app}


def test_i17_the_edit_form_of_a_published_entry_warns_about_class_changes(world):
    editor = world["editor"]
    response = editor.get("/dataset/edit/published-entry")
    page = editor.page("/dataset/edit/published-entry")
    warning = page.select_one(".dongchang-class-change-warning")
    assert warning is not None
    text = warning.get_text(" ", strip=True)
    assert "区大数据局" in text and "保持公开" in text and "退出公开目录" in text
    assert warning["data-watch"] == "share_class open_class"
    assert warning.get("data-confirm")
    body = response.get_data(as_text=True)
    assert "class-change" in body and ".js" in body  # the asset with the script
    assert " onchange=" not in body and " onsubmit=" not in body  # no inline handlers (CSP)
    draft = editor.page("/dataset/edit/draft-entry")
    assert draft.select_one(".dongchang-class-change-warning") is None


def test_i17_after_a_narrowing_class_change_the_page_says_the_entry_left_the_catalog(world):
    editor = world["editor"]
    entry = editor.ok("package_show", id="published-entry")
    fields = class_fields("unconditional", "not_open")
    response = editor.app.post("/dataset/edit/published-entry", headers=editor.headers,
                               data={**{k: v for k, v in entry.items()
                                        if isinstance(v, str)}, **fields, "save": ""},
                               follow_redirects=True)
    assert response.status_code == 200
    assert "已退出公开目录" in response.get_data(as_text=True)
    assert editor.ok("package_show", id="published-entry")["catalog_state"] == "submitted"
