"""Issue 17 "Done when": each role reaches its task from the home page by clicking, in both
languages (Debian Chromium, screenshots of every step under test-artifacts/journeys/).

* A department admin answers access requests from the workbench: header → 工作台 → the
  request → refuse with reasons, then the other → approve; the header badge counts down.
* The Big Data Bureau reviews a change of a published entry with its diff: header →
  workbench → the entry in the review queue → its published/proposed table → publish; the
  public then sees the change.
* A company that applies for commercial use without an awarded tender is told to go to the
  tender, follows the message's link to the tenders covering the entry, and opens the tender.

Only the home page's address is typed; the rest is clicking, as a person would.
"""
from __future__ import annotations

import datetime as dt

import pytest
from ckan.tests import factories, helpers

from tests.browser.conftest import PASSWORD
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

LANGUAGES = pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
CARE, RELIEF = "东昌府区养老机构名录", "东昌府区低保对象名录"
REFUSAL = "请说明具体用途和数据保护措施"
OLD_TITLE, NEW_TITLE = "东昌府区养老机构名录", "东昌府区养老服务机构名录"
CREDIT = "东昌府区企业信用信息"
TENDER = "东昌府区企业信用数据商业利用公开招标"
# The file each conditionally open entry holds: its open version, given to those approved.
OPEN_FILE = [{"name": "名录", "url": "https://files.example.gov.cn/list.csv", "format": "CSV",
              "audience": "open"}]
TEXT = {
    "": {"refused": "未获批准", "approved": "已批准", "published": "已发布",
         "proposed": "拟修改为", "title": "资源名称", "tenders": "商业用途招标"},
    "/en": {"refused": "Refused", "approved": "Approved", "published": "Published",
            "proposed": "Proposed", "title": "Resource name",
            "tenders": "Tenders for commercial use"},
}


def _day(offset: int) -> str:
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


def _member(org: dict, name: str, role: str) -> None:
    factories.User(name=name, password=PASSWORD)
    helpers.call_action("organization_member_create", id=org["id"], username=name, role=role)


def _bureau() -> dict:
    bureau = factories.Organization(name="dcf-dsjj", title="区大数据局", is_bureau="true")
    _member(bureau, "bureau-wang", "admin")
    return bureau


def _badge(person) -> int:
    return int(person.page.locator(".dongchang-workbench-link .badge").inner_text())


# --- the department admin's inbox -------------------------------------------------------------

@pytest.fixture
def inbox(sysadmin):
    """The civil affairs bureau (one admin) with two requests of a citizen to decide."""
    org = factories.Organization(name="dcf-mzj", title="区民政局", image_url="")
    _member(org, "mzj-admin", "admin")
    factories.User(name="citizen-zhang", password=PASSWORD)
    for name, title in (("elderly-care", CARE), ("relief", RELIEF)):
        entry = create_entry(sysadmin, org["id"], name=name, title=title,
                             resources=OPEN_FILE, **conditional(share_class="unconditional"))
        helpers.call_action("dongchang_access_request_create",
                            context={"user": "citizen-zhang"}, dataset_id=entry["id"],
                            applicant_kind="citizen", purpose="social_services",
                            use_scenario=f"为社区老人提供服务：{title}")
    return org


@LANGUAGES
def test_journey_i17_department_admin_answers_requests_from_the_workbench(people, inbox,
                                                                          prefix):
    text = TEXT[prefix]
    admin = people("admin", prefix)
    admin.login("mzj-admin")
    assert _badge(admin) == 2

    # 1. Header → workbench: both requests wait, with their due dates.
    page = admin.open_workbench()
    rows = page.locator("[data-department=dcf-mzj] .dongchang-workbench-requests tbody tr")
    assert rows.count() == 2

    # 2. The first request: refused, with reasons.
    admin.click(rows.filter(has_text=CARE).locator("a"), "request-page")
    form = page.locator("form[action$='/refuse']")
    form.locator("textarea[name=reason]").fill(REFUSAL)
    admin.shot("refusal-reasons")
    admin.submit("form[action$='/refuse'] button[type=submit]")
    assert text["refused"] in page.locator(".dongchang-state").inner_text()
    assert REFUSAL in page.locator(".dongchang-reason").inner_text()
    admin.shot("refused")

    # 3. Back on the workbench, one request is left and the badge says so: approved.
    page = admin.open_workbench("workbench-one-left")
    assert _badge(admin) == 1
    rows = page.locator("[data-department=dcf-mzj] .dongchang-workbench-requests tbody tr")
    assert rows.count() == 1 and RELIEF in rows.inner_text()
    admin.click(rows.locator("a"), "second-request")
    admin.submit("form[action$='/approve'] button[type=submit]")
    assert text["approved"] in page.locator(".dongchang-state").inner_text()
    admin.shot("approved")
    admin.open_workbench("workbench-empty")
    assert _badge(admin) == 0


# --- the Bureau's review with a diff ----------------------------------------------------------

@pytest.fixture
def changed_entry(app, sysadmin):
    """A published entry whose editor changed its title: the change waits for the Bureau."""
    org = factories.Organization(name="dcf-mzj", title="区民政局", image_url="")
    _member(org, "mzj-editor", "editor")
    _bureau()
    create_entry(sysadmin, org["id"], name="elderly-care", title=OLD_TITLE)
    with app.flask_app.test_request_context():  # the held change is told in the page language
        helpers.call_action("package_patch", context={"user": "mzj-editor"},
                            id="elderly-care", title=NEW_TITLE)
    return org


@LANGUAGES
def test_journey_i17_bureau_reviews_a_change_with_its_diff_and_publishes(people, changed_entry,
                                                                         prefix):
    text = TEXT[prefix]
    bureau, visitor = people("bureau", prefix), people("visitor", prefix)
    bureau.login("bureau-wang")
    assert _badge(bureau) == 1

    # 1. Header → workbench → the entry in its review queue (listed as the public knows it
    #    until the Bureau publishes the change).
    page = bureau.open_workbench()
    page = bureau.click(page.locator(".dongchang-workbench-review a", has_text=OLD_TITLE),
                        "review-queue")
    assert page.url.endswith("#review-elderly-care"), page.url

    # 2. The entry shows what the public sees now against what the department proposes.
    entry = page.locator("section.dongchang-review-entry[data-entry=elderly-care]")
    diff = entry.locator("table.dongchang-revision")
    headings = diff.locator("th").all_inner_texts()
    assert text["published"] in headings and text["proposed"] in headings, headings
    row = diff.locator("tr", has_text=text["title"])
    assert row.count() == 1 and OLD_TITLE in row.inner_text() and NEW_TITLE in row.inner_text()
    entry.scroll_into_view_if_needed()
    bureau.shot("diff")

    # 3. Publish, after confirming; the queue is empty and the badge says so.
    bureau.submit("section[data-entry=elderly-care] form[action$='/publish'] button",
                  confirm=True)
    assert NEW_TITLE in page.locator(".flash-messages").inner_text()
    assert page.locator("section[data-entry=elderly-care]").count() == 0
    assert _badge(bureau) == 0
    bureau.shot("published")

    # 4. The public finds the entry under its new title.
    page = visitor.find(NEW_TITLE, NEW_TITLE, "sees-new-title")
    assert NEW_TITLE in page.locator("h1").first.inner_text()


# --- the company and the tender ---------------------------------------------------------------

@pytest.fixture
def tender(sysadmin):
    """A conditionally open entry of the market regulator, a tender for its commercial use
    open for bids, and a company that has not won it."""
    org = factories.Organization(name="dcf-scjg", title="区市场监督管理局", image_url="")
    _bureau()
    factories.User(name="company-li", password=PASSWORD)
    create_entry(sysadmin, org["id"], name="enterprise-credit", title=CREDIT,
                 resources=OPEN_FILE, **conditional(share_class="unconditional"))
    return helpers.call_action(
        "dongchang_tender_create", context={"user": "bureau-wang"}, title=TENDER,
        dataset_ids=["enterprise-credit"], method="public_tender",
        notice="招标公告：企业信用数据商业利用。", scope="企业征信服务",
        bidding_start=_day(-5), bidding_end=_day(20))


@LANGUAGES
def test_journey_i17_company_finds_the_tender_from_the_commercial_use_message(people, tender,
                                                                             prefix):
    text = TEXT[prefix]
    company = people("company", prefix)
    company.login("company-li")

    # 1. Home → search → the entry → apply.
    page = company.find(CREDIT, CREDIT, "entry-page")
    company.click(page.locator(".dongchang-notice a.btn-primary"), "application-form")

    # 2. Commercial use without an awarded tender: the form says to go to the tender.
    page.select_option("select[name=applicant_kind]", "legal_person")
    page.select_option("select[name=purpose]", "commercial")
    page.fill("textarea[name=use_scenario]", "企业征信服务")
    company.submit("form button[name=save]")
    link = page.locator(".dongchang-tender-link a")
    assert link.count() == 1 and link.is_visible()
    company.shot("told-to-go-to-the-tender")

    # 3. The message's link → the tenders covering this entry → the tender.
    page = company.click(link, "tenders")
    assert text["tenders"] in page.locator("h1").first.inner_text()
    assert CREDIT in page.locator(".dongchang-tender-entry").inner_text()
    page = company.click(page.locator("table.dongchang-tenders a", has_text=TENDER), "tender")
    assert tender["id"] in page.locator("main, body").first.inner_text()
    assert CREDIT in page.locator("body").inner_text()
