"""Issue 17 item 8 "Done when": a registrant picks a product's sources from pickers, in Chinese
and English (Debian Chromium, screenshots of every step under test-artifacts/journeys/).

A citizen whose request for the civil affairs bureau's conditionally open list was approved
(both sides signed the agreement) goes from the home page to 登记数据产品, types part of the
entry's title into the entry picker and clicks the title, then picks the approved request
from the request picker (which offers only their own), and registers the product. Nobody types
a URL name or a request number; the product page names the source by its title.
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

CARE = "东昌府区养老机构名录"
PRODUCT = "东昌府区养老服务地图"
OPEN_FILE = [{"name": "名录", "url": "https://files.example.gov.cn/list.csv", "format": "CSV",
              "audience": "open"}]


@pytest.fixture
def approved(sysadmin):
    """The civil affairs bureau's conditionally open list, and citizen-zhang's approved request
    for it, the agreement signed by both sides (access began today)."""
    org = factories.Organization(name="dcf-mzj", title="区民政局", image_url="")
    factories.User(name="mzj-admin", password=PASSWORD)
    helpers.call_action("organization_member_create", id=org["id"], username="mzj-admin",
                        role="admin")
    factories.User(name="citizen-zhang", fullname="张市民", password=PASSWORD)
    entry = create_entry(sysadmin, org["id"], name="elderly-care", title=CARE,
                         resources=OPEN_FILE, **conditional(share_class="unconditional"))
    request = helpers.call_action(
        "dongchang_access_request_create", context={"user": "citizen-zhang"},
        dataset_id=entry["id"], applicant_kind="citizen", purpose="social_services",
        use_scenario="为老年人提供养老机构地图")
    helpers.call_action("dongchang_access_request_approve", context={"user": "mzj-admin"},
                        id=request["id"])
    shown = helpers.call_action("dongchang_access_request_show",
                                context={"user": "citizen-zhang"}, id=request["id"])
    if shown["agreement_required"]:
        helpers.call_action("dongchang_agreement_sign", context={"user": "mzj-admin"},
                            id=request["id"])
        helpers.call_action("dongchang_agreement_sign", context={"user": "citizen-zhang"},
                            id=request["id"], security_measures="加密存储，专人管理")
    return {"entry": entry, "request": request}


def _pick(person, field_id: str, typed: str, name: str, label: str) -> None:
    """Choose from CKAN's autocomplete picker as a person does: open it, type part of the name,
    see the names offered, click one."""
    page = person.page
    page.locator(f"#{field_id} + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    option = page.locator(".select2-results__option", has_text=name).first
    option.wait_for()
    person.shot(label)
    option.click()


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
def test_journey_i17_registrant_picks_sources_from_pickers(people, approved, prefix):
    citizen = people("registrant", prefix)
    citizen.login("citizen-zhang", PASSWORD)
    page = citizen.home()
    page = citizen.click(page.locator("a[href$='/data-product/register']"), "register-form")
    page.fill("[name=title]", PRODUCT)
    page.fill("[name=notes]", "基于区民政局养老机构名录的养老服务地图。")
    page.select_option("#field-product_kind", "app")
    page.fill("[name=developer_name]", "张市民")

    _pick(citizen, "field-sources-0-dataset_id", "养老", CARE, "entry-picker-offers-the-title")
    _pick(citizen, "field-sources-0-access_request_id", "养老", CARE,
          "request-picker-offers-my-approved-request")
    # the pickers show names and send identifiers
    shown = page.locator(".select2-selection__rendered")
    assert shown.nth(0).inner_text().strip() == CARE
    assert CARE in shown.nth(1).inner_text()
    assert page.input_value("#field-sources-0-dataset_id") == "elderly-care"
    assert page.input_value("#field-sources-0-access_request_id") == approved["request"]["id"]
    page.fill("#field-sources-0-acquired_on", dt.date.today().isoformat())
    citizen.shot("sources-picked")

    page = citizen.submit("form.dongchang-product-form button[name=save]")
    assert CARE in page.locator("body").inner_text(), page.url
    citizen.shot("product-registered")
    assert citizen.broken == []
