"""Issue 17 items 5 and 6 in a real browser, both languages: a published entry leaves the
catalog only through the Bureau, and a class change is announced before saving.

A department editor starts from the home page, finds her published entry by the search box,
opens its form and sees the class-change note turn into a warning when she changes the open
class (she leaves without saving); the form offers no visibility select and no unpublish
button. On the entry page she asks for its withdrawal; the entry stays public. The Bureau
clicks from the home page to its workbench and review queue, sees the reason and approves;
then a visitor no longer finds the entry. Every step is reached by clicking.
"""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from tests.browser.conftest import PASSWORD
from tests.conftest import PLUGINS
from tests.entries import create_entry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

NAME = "street-lamps"
TITLE = "东昌府区路灯设施信息"
REASON = "路灯设施已移交市城管局统一发布"
TEXT = {
    "": {"withdraw": "申请撤回", "send": "提交撤回申请", "pending": "保持公开",
         "requested": "撤回申请",
         "approve": "批准撤回", "withdrawn": f"“{TITLE}”已撤回，退出目录。"},
    "/en": {"withdraw": "Request withdrawal", "send": "Send the withdrawal request",
            "pending": "stays public", "requested": "Withdrawal requested",
            "approve": "Approve the withdrawal",
            "withdrawn": f"{TITLE} was withdrawn from the catalog."},
}


@pytest.fixture
def department():
    org = factories.Organization(name="dcf-csgl", title="区城市管理局", image_url="")
    factories.User(name="csgl-editor", password=PASSWORD)
    helpers.call_action("organization_member_create", id=org["id"], username="csgl-editor",
                        role="editor")
    bureau = factories.Organization(name="dcf-dsjj", title="区大数据局", is_bureau="true")
    factories.User(name="bureau-wang", password=PASSWORD)
    helpers.call_action("organization_member_create", id=bureau["id"], username="bureau-wang",
                        role="admin")
    create_entry(factories.Sysadmin(), org["id"], name=NAME, title=TITLE)
    return org


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
def test_journey_i17_editor_withdraws_a_published_entry_through_the_bureau(
        people, department, prefix):
    text = TEXT[prefix]
    editor, bureau, visitor = (people("editor", prefix), people("bureau", prefix),
                               people("visitor", prefix))

    # 1. From the home page the editor finds her entry with the search box.
    editor.login("csgl-editor")
    page = editor.find(TITLE, TITLE, "entry-page")

    # 2. Its form has no visibility select and no unpublish button; changing the open class
    #    turns the note into a warning (item 6). She leaves without saving.
    editor.click(f"a[href$='/dataset/edit/{NAME}']")
    assert page.locator("select[name=private]").count() == 0
    assert page.locator("button[value=go-metadata-unpublish]").count() == 0
    note = page.locator(".dongchang-class-change-warning")
    assert "alert" not in (note.get_attribute("class") or "")
    page.select_option("#field-open_class", "not_open")
    assert "alert-warning" in note.get_attribute("class")
    assert note.get_attribute("role") == "alert"
    editor.shot("class-change-warning")
    page.go_back()

    # 3. On the entry page she asks for the withdrawal; the entry stays public.
    page.locator("summary", has_text=text["withdraw"]).click()
    page.fill("form.dongchang-withdraw textarea[name=reason]", REASON)
    editor.shot("withdrawal-form")
    editor.submit("form.dongchang-withdraw button[type=submit]", confirm=True)
    assert text["pending"] in page.locator(".dongchang-withdrawal-pending").inner_text()
    editor.shot("withdrawal-requested")
    assert visitor.page.goto(visitor.url(f"/dataset/{NAME}")).status == 200

    # 4. The Bureau goes from the home page to its workbench and review queue, and approves.
    bureau.login("bureau-wang")
    bureau.open_workbench()
    page = bureau.click("a[href$='/dongchang/review']")
    entry = page.locator(f"section.dongchang-review-entry[data-entry={NAME}]")
    assert text["requested"] in entry.inner_text() and REASON in entry.inner_text()
    bureau.shot("review-queue-withdrawal")
    bureau.submit(f"section[data-entry={NAME}] form[action$='/publish'] button", confirm=True)
    assert text["withdrawn"] in page.locator(".flash-messages").inner_text()
    bureau.shot("withdrawal-approved")

    # 5. The public no longer finds the entry.
    assert visitor.page.goto(visitor.url(f"/dataset/{NAME}")).status == 404
    visitor.shot("entry-gone")
