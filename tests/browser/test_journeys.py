"""What people do, in a real browser, in both languages (issue 10, F-4, F-15): from the home
page, by clicking (issue 17)."""
from __future__ import annotations

import io

import pytest
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from tests.browser.conftest import PASSWORD
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

TEXT = {  # what each person should read, per language
    "": {"apply": "申请", "awaiting": "待审", "refused": "未获批准", "approved": "已批准",
         "granted": "您已获准使用本数据"},
    "/en": {"apply": "Apply for access", "awaiting": "Awaiting decision", "refused": "Refused",
            "approved": "Approved", "granted": "Your access to this data was granted"},
}


CARE_HOMES = "机构名称,地址\n东昌府区福利院,东昌路1号\n".encode()


@pytest.fixture
def care_entry(sysadmin):
    """A conditionally open entry whose open version is uploaded to the portal (issue 16 item
    3: a gated file is served by the portal, never by a link)."""
    org = factories.Organization(name="dcf-mzj", title="区民政局")
    admin = factories.User(name="mzj-admin", password=PASSWORD)
    factories.User(name="citizen-zhang", password=PASSWORD)
    helpers.call_action("organization_member_create", id=org["id"], username=admin["name"],
                        role="admin")
    entry = create_entry(sysadmin, org["id"], name="elderly-care", title="东昌府区养老机构名录",
                         resources=[], **conditional(share_class="unconditional"))
    helpers.call_action("resource_create", {"user": sysadmin["name"]},
                        package_id=entry["id"], name="养老机构名录", format="CSV",
                        audience="open", upload=FileStorage(io.BytesIO(CARE_HOMES),
                                                            filename="care-homes.csv"))
    return helpers.call_action("package_show", id=entry["id"])


def _apply(citizen, scenario: str, text: dict) -> None:
    """From the home page: search box → the entry → its apply button → the form."""
    page = citizen.find("养老机构", "东昌府区养老机构名录")
    notice = page.locator(".dongchang-notice")
    assert text["apply"] in notice.inner_text()
    citizen.shot("sees-apply-notice")
    citizen.click(notice.locator("a.btn-primary"))
    page.select_option("select[name=applicant_kind]", "citizen")
    page.select_option("select[name=purpose]", "social_services")
    page.fill("textarea[name=use_scenario]", scenario)
    citizen.shot("fills-request")
    citizen.submit("form button[name=save]")
    assert text["awaiting"] in page.locator(".dongchang-state").inner_text()
    citizen.shot("request-submitted")


def _open_request(person, state: str, own: bool = False):
    """From the home page: workbench → the department's inbox (``own``: my requests) → the
    request in ``state``, as listed there."""
    person.open_workbench()
    person.click(".dongchang-workbench-mine h2 a" if own
                 else "[data-department=dcf-mzj] a[href$='/organization/dcf-mzj/requests']")
    rows = person.page.locator("table.dongchang-requests tbody tr", has_text=state)
    return person.click(rows.locator("a"))


def _decide(admin, decision: str, reason: str | None = None, state: str = ""):
    """From the home page: the request waiting on the workbench (or, ``state`` given, the
    one in that state in the inbox) → the decision."""
    if state:
        page = _open_request(admin, state)
    else:
        page = admin.open_workbench()
        admin.click(page.locator(".dongchang-workbench-requests tbody tr a"))
    form = page.locator(f"form[action$='/{decision}']")
    if reason is not None:
        form.locator("textarea[name=reason]").fill(reason)
    admin.shot(f"before-{decision}")
    admin.submit(f"form[action$='/{decision}'] button[type=submit]")
    admin.shot(f"after-{decision}")
    return page


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
def test_journey_citizen_applies_is_refused_applies_again_and_downloads(people, care_entry,
                                                                        prefix):
    text = TEXT[prefix]
    citizen, admin = people("citizen", prefix), people("admin", prefix)
    citizen.login("citizen-zhang", PASSWORD)
    admin.login("mzj-admin", PASSWORD)

    _apply(citizen, "想了解养老机构", text)
    page = _decide(admin, "refuse", "请说明具体用途和数据保护措施")
    assert text["refused"] in page.locator(".dongchang-state").inner_text()

    page = _open_request(citizen, text["refused"], own=True)
    assert "请说明具体用途和数据保护措施" in page.locator(".dongchang-reason").inner_text()
    citizen.shot("reads-refusal-reason")

    _apply(citizen, "为社区老人开发养老机构查询小程序，数据加密存储，不对外提供", text)
    page = _decide(admin, "approve")
    assert text["approved"] in page.locator(".dongchang-state").inner_text()
    # Art. 25 ¶4: access starts once both sides have signed the agreement (协议)
    _decide(admin, "sign", state=text["approved"])
    page = _open_request(citizen, text["approved"], own=True)
    sign = page.locator("form.dongchang-sign")
    sign.locator("textarea[name=security_measures]").fill("数据加密存储，不对外提供")
    citizen.shot("signs-agreement")
    citizen.submit("form.dongchang-sign button[type=submit]")
    assert page.locator("form.dongchang-sign").count() == 0

    page = citizen.find("养老机构", "东昌府区养老机构名录")
    # A grantee is told the access was granted (and until when); nothing asks to apply any more
    notices = page.locator(".dongchang-notice")
    assert notices.count() == 1
    assert text["granted"] in page.locator(".dongchang-notice.dongchang-grant").inner_text()
    with page.expect_download() as download:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = '';"
            " document.body.appendChild(a); a.click(); }",
            citizen.url(f"/dataset/{care_entry['id']}/resource/"
                        f"{care_entry['resources'][0]['id']}/download"))
    with open(download.value.path(), encoding="utf-8") as handle:
        content = handle.read()
    assert "东昌府区福利院" in content
    citizen.shot("downloaded")


def test_journey_a_harvester_finds_the_conditional_entry_as_restricted(web, care_entry):
    """A harvesting portal reads the live catalog over HTTP, as the municipal portal would."""
    import urllib.request

    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS

    with urllib.request.urlopen(f"{web.url}/catalog.ttl", timeout=60) as response:
        graph = Graph().parse(data=response.read(), format="turtle")
    access = Namespace("http://publications.europa.eu/resource/authority/access-right/")
    datasets = [s for s in graph.subjects(DCTERMS.identifier, None)
                if str(graph.value(s, DCTERMS.identifier)) == care_entry["resource_code"]]
    assert len(datasets) == 1
    dataset = datasets[0]
    assert graph.value(dataset, DCTERMS.accessRights) == URIRef(access["RESTRICTED"])
    for distribution in graph.objects(dataset, DCAT.distribution):
        assert graph.value(distribution, DCAT.downloadURL) is None
        assert str(graph.value(distribution, DCAT.accessURL)).endswith(
            "/dataset/elderly-care/request")
    resource_id = care_entry["resources"][0]["id"]
    assert f"{resource_id}/download" not in graph.serialize(format="turtle")
