"""Issue 16 "Done when": governed data delivery, in a real browser and both languages.

The civil affairs bureau uploads two versions of its conditionally open register of care
homes — the open version (names of the responsible people left out) and the shared version for
departments (every field) — to its published entry; the Big Data Bureau publishes the change.
A citizen applies; the department approves, and the grant covers the open version only. The
citizen downloads the open version from the entry page (the shared version is not even listed
to them), fetches it through the API with their token and reads its rows through the DataStore
API (datastore_search). The department revokes the grant:
both stop working on the next request. The Bureau reads the use in the access log.
Every page is reached from the home page by clicking (issue 17).
"""
from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.request

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

TITLE = "东昌府区养老机构名录"
OPEN_NAME, SHARED_NAME = "养老机构名录（开放版）", "养老机构名录（共享版，全字段）"
OPEN_CSV = "机构名称,地址,床位数\n东昌府区福利院,东昌路1号,120\n古楼街道敬老院,楼北街8号,60\n"
SHARED_CSV = ("机构名称,地址,床位数,负责人,联系电话\n"
              "东昌府区福利院,东昌路1号,120,王芳,13906350001\n"
              "古楼街道敬老院,楼北街8号,60,李强,13906350002\n")
REVOCATION = "申请人将数据用于申请用途以外的商业推广"
TEXT = {
    "": {"held": "审核", "approved": "已批准", "revoked": "已撤销"},
    "/en": {"held": "review", "approved": "Approved", "revoked": "Revoked"},
}


@pytest.fixture
def care_entry(sysadmin):
    org = factories.Organization(name="dcf-mzj", title="区民政局", image_url="")
    bureau = factories.Organization(name="dcf-dsjj", title="区大数据局", is_bureau="true")
    for name, department in (("mzj-admin", org), ("bureau-wang", bureau)):
        factories.User(name=name, password=PASSWORD)
        helpers.call_action("organization_member_create", id=department["id"],
                            username=name, role="admin")
    factories.User(name="citizen-zhang", fullname="张伟", password=PASSWORD)
    return create_entry(sysadmin, org["id"], name="elderly-care", title=TITLE, resources=[],
                        **conditional(share_class="unconditional"))


def _upload(admin, name: str, audience: str, content: str) -> None:
    """Entry page → Manage → Add new resource → upload, naming who the file is for."""
    page = admin.find("养老机构", TITLE)
    admin.click("a[href$='/dataset/edit/elderly-care']")
    admin.click("a[href$='/dataset/elderly-care/resource/new']")
    page.locator("#resource-upload-button").click()
    page.set_input_files("#field-resource-upload", files=[{
        "name": f"{audience}.csv", "mimeType": "text/csv", "buffer": content.encode()}])
    page.fill("#field-name", name)
    page.select_option("#field-audience", audience)
    admin.shot(f"uploads-{audience}")
    admin.submit("form#resource-edit button[name=save][value=go-dataset-complete]")
    # on a published entry the new file waits for the Bureau, and the page says so
    assert text_held(admin) in page.content()


def _records(table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(table)))


def text_held(person) -> str:
    return TEXT[person.prefix]["held"]


def _fetch(url: str, token: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": token})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
def test_journey_f16_open_version_only_then_revoked_and_logged(people, care_entry, web,
                                                               sysadmin, prefix):
    text = TEXT[prefix]
    admin, bureau, citizen = (people("admin", prefix), people("bureau", prefix),
                              people("citizen", prefix))
    admin.login("mzj-admin")
    bureau.login("bureau-wang")
    citizen.login("citizen-zhang")

    # 1. The department uploads the open and the shared version; the Bureau publishes them.
    _upload(admin, OPEN_NAME, "open", OPEN_CSV)
    _upload(admin, SHARED_NAME, "shared", SHARED_CSV)
    page = bureau.open_workbench()
    bureau.click(page.locator(".dongchang-workbench-review a", has_text=TITLE), "review")
    bureau.submit("section[data-entry=elderly-care] form[action$='/publish'] button",
                  confirm=True)
    bureau.shot("files-published")

    # 2. The citizen applies for the open version; the department approves from its workbench:
    #    the grant offers and covers the open version only.
    page = citizen.find("养老机构", TITLE)
    assert SHARED_NAME not in page.content()
    citizen.click(page.locator(".dongchang-notice a.btn-primary"))
    page.select_option("select[name=applicant_kind]", "citizen")
    page.select_option("select[name=purpose]", "social_services")
    page.fill("textarea[name=use_scenario]", "为社区老人开发养老机构查询小程序，数据加密存储")
    citizen.submit("form button[name=save]")
    citizen.shot("applied")
    page = admin.open_workbench()
    admin.click(page.locator(".dongchang-workbench-requests tbody tr a"), "request")
    offered = page.locator("input[name=resource_ids]")
    labels = page.locator("form[action$='/approve'] label").all_inner_texts()
    assert offered.count() == 1 and any(OPEN_NAME in label for label in labels), labels
    admin.submit("form[action$='/approve'] button[type=submit]")
    assert text["approved"] in page.locator(".dongchang-state").inner_text()
    # Art. 25 ¶4: access starts once both sides have signed the agreement
    admin.submit("form[action$='/sign'] button[type=submit]")
    page = citizen.open_workbench()
    citizen.click(page.locator(".dongchang-workbench-mine h2 a"))
    citizen.click(page.locator("table.dongchang-requests tbody tr a"))
    page.locator("form.dongchang-sign textarea[name=security_measures]").fill("数据加密存储")
    citizen.submit("form.dongchang-sign button[type=submit]")
    citizen.shot("signed")

    # 3. The citizen downloads the open version from the entry page (in the grant's own row
    #    order, issue 16 item 7) and fetches it through the API with a token.
    page = citizen.find("养老机构", TITLE)
    assert SHARED_NAME not in page.content()
    citizen.click(page.locator(".resource-item a", has_text=OPEN_NAME).first, "open-version")
    with page.expect_download() as download:
        page.locator("a.resource-url-analytics").first.click()
    with open(download.value.path(), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert sorted(lines) == sorted(OPEN_CSV.splitlines()) and "负责人" not in lines[0]
    download_url = page.locator("a.resource-url-analytics").first.get_attribute("href")
    token = factories.APIToken(user="citizen-zhang")["token"]
    status, body = _fetch(download_url, token)
    assert status == 200 and "东昌府区福利院" in body
    # the same data as an API (接口, item 4): the department's DataStore table of the file
    resource_id = download_url.split("/resource/")[1].split("/")[0]
    helpers.call_action("datastore_create", context={"user": sysadmin["name"]},
                        resource_id=resource_id, force=True, records=_records(OPEN_CSV))
    search = f"{web.url}/api/3/action/datastore_search?resource_id={resource_id}"
    status, body = _fetch(search, token)
    assert status == 200 and json.loads(body)["result"]["total"] == 2

    # 4. The department revokes; the browser and the API both stop on the next request.
    page = admin.open_workbench()
    admin.click(page.locator("[data-department=dcf-mzj] a[href$='/organization/dcf-mzj/requests']"))
    admin.click(page.locator("table.dongchang-requests tbody tr a"), "granted-request")
    page.locator("form[action$='/revoke'] textarea[name=reason]").fill(REVOCATION)
    admin.submit("form[action$='/revoke'] button[type=submit]")
    assert text["revoked"] in page.locator(".dongchang-state").inner_text()
    admin.shot("revoked")
    assert _fetch(download_url, token)[0] in (403, 404)
    assert _fetch(search, token)[0] in (403, 404)
    response = citizen.page.goto(download_url)
    assert response.status in (403, 404)
    citizen.shot("download-refused")

    # 5. The Bureau reads the use: the citizen's deliveries of the open version (two
    #    downloads and one API call).
    page = bureau.open_workbench()
    bureau.click(page.locator(".dongchang-workbench-bureau a[href$='/access-log']"),
                 "access-log")
    rows = page.locator("table.dongchang-access-log tbody tr")
    assert rows.count() == 3, rows.all_inner_texts()
    assert all(OPEN_NAME in row and "张伟" in row for row in rows.all_inner_texts()), \
        rows.all_inner_texts()
    bureau.shot("use-logged")
