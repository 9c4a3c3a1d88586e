"""Journey 1 of issue 10, in a real browser and both languages (Art. 15, 17, 22, 28; F-10).

A department editor describes a new catalog entry in CKAN's dataset form and is told, on the
form and in the page's language, that conditional opening needs a legal basis; she adds it,
attaches the data file on CKAN's second form stage and submits the draft for review on "My
catalog". The Big Data Bureau publishes it from the review queue; only then does a visitor who is
not logged in see it, as published, and find it in the public search. Every assertion is about
what the person sees; every page is reached from the home page by clicking (issue 17).
"""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from tests.browser.conftest import PASSWORD
from tests.conftest import PLUGINS
from tests.entries import LEGAL_BASIS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

NAME = "market-entities"
TITLE = "东昌府区市场主体登记信息"
CODE = "371502-SCJG-00101"
TEXT = {  # what each person should read, per language
    "": {
        "legal_basis_label": "有条件开放或不予开放的法律依据",
        "legal_basis_error": "请提供有条件开放或不予开放的法律依据（法律法规或者国家有关文件）。",
        "draft": "草稿", "submitted": "已提交审核", "published": "已发布",
        "state_label": "目录状态",
        "submitted_flash": f"{TITLE}已提交区大数据局审核。",
        "published_flash": f"{TITLE}已发布。",
        "queue_empty": "暂无待审核的目录条目。", "login_to_apply": "登录后申请",
    },
    "/en": {
        "legal_basis_label": "Legal basis for limited opening",
        "legal_basis_error": "Give the basis in laws and regulations or relevant national"
                             " documents for conditional opening or not opening.",
        "draft": "Draft", "submitted": "Submitted for review", "published": "Published",
        "state_label": "Catalog state",
        "submitted_flash": f"{TITLE} was submitted to the Big Data Bureau for review.",
        "published_flash": f"{TITLE} was published.",
        "queue_empty": "No entries are waiting for review.", "login_to_apply": "Log in to apply",
    },
}


@pytest.fixture
def department():
    """The market regulator with one editor, and the Bureau's reviewer (a sysadmin)."""
    org = factories.Organization(name="dcf-scjg", title="区市场监督管理局", image_url="")
    factories.User(name="scjg-editor", password=PASSWORD)
    helpers.call_action("organization_member_create", id=org["id"], username="scjg-editor",
                        role="editor")
    factories.Sysadmin(name="bureau-li", password=PASSWORD)
    return org


def _wait_for_scripts(person) -> None:
    """CKAN's JS modules (URL preview, data item panels, ...) must have started on the form."""
    try:
        person.page.wait_for_function(
            "() => window.ckan && ckan.module && Object.keys(ckan.module.instances).length > 0",
            timeout=15_000)
    except Exception as error:  # Playwright's TimeoutError: say what the page failed to load
        raise AssertionError(f"CKAN's JavaScript modules did not start on {person.page.url};"
                             f" failed requests: {person.broken}") from error


def _describe_entry(person, org_id: str) -> None:
    """What a careful editor types, except the legal basis for conditional opening."""
    page = person.page
    page.fill("#field-title", TITLE)
    # The URL preview cannot make a slug of a Chinese title: the editor writes one.
    page.locator(".slug-preview button").click()
    page.fill("#field-name", NAME)
    page.fill("#field-resource_code", CODE)
    page.select_option("#field-organizations", org_id)
    page.fill("#field-notes", "区市场监管局登记的市场主体基本信息，覆盖全区。")
    page.select_option("#field-catalog_category", "base")
    page.select_option("#field-update_cycle", "monthly")
    page.select_option("#field-share_class", "unconditional")
    page.select_option("#field-open_class", "conditional")
    page.fill("#field-open_conditions", "须申请并签署数据使用协议")
    page.fill("#field-open_reason", "含自然人经营者的个人信息")
    page.select_option("#field-security_grade", "general")
    page.select_option("#field-confidentiality_review_status", "passed")
    page.fill("#field-confidentiality_reviewer", "王芳")
    page.fill("#field-confidentiality_reviewed_on", "2026-11-02")
    # One data item; the form's second, blank item panel is left as it is.
    page.fill("#field-data_items-0-name", "统一社会信用代码")
    page.select_option("#field-data_items-0-type", "string")
    _pick(page, "field-data_items-0-source_org", "市场监督", "区市场监督管理局")


def _pick(page, field_id: str, typed: str, name: str) -> None:
    """Choose from CKAN's autocomplete picker as a person does (issue 17 item 8): open it, type
    part of the name, click the name in the list."""
    page.locator(f"#{field_id} + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=name).first.click()


SAVE = "form#dataset-edit button[name=save]"


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
def test_journey_f10_editor_fixes_legal_basis_submits_and_bureau_publishes(
        people, department, prefix):
    text = TEXT[prefix]
    editor, bureau, visitor = (people("editor", prefix), people("bureau", prefix),
                               people("visitor", prefix))

    # 1. The editor describes the entry and forgets the legal basis for conditional opening.
    editor.login("scjg-editor", PASSWORD)
    editor.open_workbench()
    page = editor.click("a[href*='/dataset/new']")
    _wait_for_scripts(editor)
    _describe_entry(editor, department["id"])
    editor.shot("describes-entry")
    editor.submit(SAVE)

    # 2. The form comes back with that one error, on that field, in the page's language.
    group = page.locator(".form-group:has(> .controls #field-open_legal_basis)")
    assert text["legal_basis_label"] in group.locator("label").inner_text()
    assert group.locator(".error-block").inner_text() == text["legal_basis_error"]
    assert page.locator(".error-block").all_inner_texts() == [text["legal_basis_error"]]
    summary = page.locator(".error-explanation").inner_text()
    assert text["legal_basis_label"] in summary and text["legal_basis_error"] in summary
    assert page.input_value("#field-open_reason") == "含自然人经营者的个人信息"  # nothing lost
    assert page.input_value("#field-data_items-0-name") == "统一社会信用代码"
    editor.shot("sees-legal-basis-error")

    # 3. She adds it and saves; CKAN's second stage asks for the data, she links the file.
    page.fill("#field-open_legal_basis", LEGAL_BASIS)
    editor.submit(SAVE)
    assert page.url.endswith(f"/dataset/{NAME}/resource/new"), page.url
    editor.shot("resource-stage")
    # A file of a conditionally open entry is served by the portal (issue 16 item 3): she
    # uploads it; a link would be refused.
    page.locator("#resource-upload-button").click()
    table = "统一社会信用代码,名称\n91371502MA000001,聊城市东昌府区示例商贸有限公司\n"
    page.set_input_files("#field-resource-upload", files=[{
        "name": "registrations.csv", "mimeType": "text/csv", "buffer": table.encode()}])
    page.fill("#field-name", "2026年市场主体登记信息")
    # Issue 16: each file says who it is for; this one is the open version (left empty, a file
    # of a conditionally open entry would be the shared version, which the public never sees).
    page.select_option("#field-audience", "open")
    editor.submit("button[name=save][value=go-metadata]")
    assert page.url.endswith(f"/dataset/{NAME}"), page.url
    assert TITLE in page.locator("h1").first.inner_text()
    editor.shot("entry-saved")
    assert editor.broken == []

    # Until the Bureau publishes it, nobody outside the department sees it.
    assert visitor.page.goto(visitor.url(f"/dataset/{NAME}")).status == 404
    visitor.shot("draft-not-found")

    # 4. On "My catalog" (from her workbench) the editor finds her draft and submits it.
    editor.open_workbench()
    page = editor.click("a[href$='/dongchang/my-catalog']")
    row = page.locator(f"tr[data-entry={NAME}]")
    assert TITLE in row.inner_text() and f"({text['draft']})" in row.inner_text()
    editor.shot("my-catalog-draft")
    editor.submit(f"tr[data-entry={NAME}] button[type=submit]")
    assert text["submitted_flash"] in page.locator(".flash-messages").inner_text()
    row = page.locator(f"tr[data-entry={NAME}]")
    assert f"({text['submitted']})" in row.inner_text()
    assert row.locator("button").count() == 0
    editor.shot("submitted-for-review")

    # 5. The Bureau finds it in the review queue (workbench) and publishes it.
    bureau.login("bureau-li", PASSWORD)
    bureau.open_workbench()
    page = bureau.click("a[href$='/dongchang/review']")
    entry = page.locator(f"section.dongchang-review-entry[data-entry={NAME}]")
    assert TITLE in entry.locator("h2").inner_text()
    assert department["title"] in entry.inner_text()
    bureau.shot("review-queue")
    # The Bureau confirms before publishing (issue 17 item 10: publish asks first).
    bureau.submit(f"section[data-entry={NAME}] form[action$='/publish'] button", confirm=True)
    assert text["published_flash"] in page.locator(".flash-messages").inner_text()
    assert page.locator(f"section[data-entry={NAME}]").count() == 0
    assert text["queue_empty"] in page.locator("p.empty").inner_text()
    bureau.shot("published")

    # 6. A visitor finds the entry with the home page's search box and sees it published.
    page = visitor.find(CODE, TITLE, "finds-entry-by-its-code")
    assert TITLE in page.locator("h1").first.inner_text()
    state = page.locator("tr", has=page.locator("th", has_text=text["state_label"]))
    state = state.locator("td")
    assert state.inner_text().strip() == text["published"]
    # Conditionally open: the data itself is applied for, the metadata is public.
    assert text["login_to_apply"] in page.locator(".dongchang-notice").inner_text()
    visitor.shot("sees-published-entry")
