"""The workbench (工作台, issue 17 item 1): each role reaches its work from the home page by
following links, with the right counts, in both languages; empty workbenches say so."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from ckan import model

from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import conditional, entry_dict
from tests.factories import Bureau, CatalogEntry, Department, staff

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

LANGUAGES = pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
RETURN_REASON = "请补充数据的覆盖年份"


@pytest.fixture
def site(app, sysadmin):
    """Two departments and the Bureau. The civil affairs bureau has two requests to decide
    (one overdue) and one catalog update due; the market regulator had an entry returned."""
    mzj = Department(name="dcf-mzj", title="区民政局")
    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    users = staff({"mzj": mzj, "scjg": scjg, "bureau": Bureau()}, ("mzj-admin", "mzj", "admin"),
                  ("scjg-editor", "scjg", "editor"), ("bureau-admin", "bureau", "admin"),
                  ("citizen-li", None, "member"), ("citizen-new", None, "member"))
    api = {name: Api(app, user) for name, user in users.items()}
    care = CatalogEntry(user=sysadmin, owner_org=mzj, name="elderly-care",
                        title="东昌府区养老机构名录", **conditional(share_class="unconditional"))
    relief = CatalogEntry(user=sysadmin, owner_org=mzj, name="relief", title="东昌府区低保对象名录",
                          **conditional(share_class="unconditional"))
    requests = [api["citizen-li"].ok(
        "dongchang_access_request_create", dataset_id=entry["id"], applicant_kind="citizen",
        purpose="social_services", use_scenario="为老年人提供养老机构查询服务")
        for entry in (care, relief)]
    overdue = model.Session.get(AccessRequest, requests[1]["id"])
    overdue.due_on = dt.date.today() - dt.timedelta(days=3)
    model.Session.commit()
    api["mzj-admin"].ok("dongchang_catalog_change_create", dataset_id="elderly-care",
                        trigger="other", occurred_on=dt.date.today().isoformat(),
                        note="新增机构")
    draft = entry_dict(scjg["id"], name="registrations", title="东昌府区市场主体登记信息")
    draft.pop("catalog_state")
    draft.pop("resources")
    api["scjg-editor"].ok("package_create", **draft)
    api["scjg-editor"].ok("dongchang_catalog_submit", id="registrations")
    api["bureau-admin"].ok("dongchang_catalog_review", id="registrations", decision="return",
                           reason=RETURN_REASON)
    return {"api": api, "requests": requests, "app": app}


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _follow(app, api, soup, selector: str, status: int = 200):
    """Click the first link matching ``selector`` (its href, as a browser would)."""
    link = soup.select_one(selector)
    assert link is not None, f"no link {selector}"
    response = app.get(link["href"], headers=api.headers, status=status)
    return response, _soup(response)


def _workbench(app, api, prefix: str):
    """The workbench, reached from the home page through the header's link."""
    home = _soup(app.get(f"{prefix}/", headers=api.headers))
    return _follow(app, api, home, ".dongchang-workbench-link a")


def _badge(soup) -> int:
    return int(soup.select_one(".dongchang-workbench-link .badge").get_text())


@LANGUAGES
def test_f4_department_admin_reaches_its_inbox_from_the_home_page(site, prefix):
    app, admin = site["app"], site["api"]["mzj-admin"]
    home = _soup(app.get(f"{prefix}/", headers=admin.headers))
    assert _badge(home) == 3  # two requests to decide, one catalog update due
    _, bench = _workbench(app, admin, prefix)
    department = bench.select_one('[data-department="dcf-mzj"]')
    assert department.select_one("h3 .badge").get_text() == "2"
    rows = department.select(".dongchang-workbench-requests tbody tr")
    # Overdue first, marked so, with its due date in the page's language.
    assert [r.select_one("a").get_text() for r in rows] == ["东昌府区低保对象名录",
                                                            "东昌府区养老机构名录"]
    assert "danger" in rows[0]["class"]
    due = (dt.date.today() - dt.timedelta(days=3))
    expected = (f"{due.year}年{due.month}月{due.day}日" if not prefix
                else due.strftime("%B %-d, %Y"))
    assert expected in rows[0].get_text()
    inbox, inbox_soup = _follow(app, admin, department, "h3 a")
    assert "东昌府区低保对象名录" in inbox_soup.get_text()
    request_page, _ = _follow(app, admin, rows[0], "a")
    assert "东昌府区低保对象名录" in request_page.get_data(as_text=True)
    changes = department.select(".dongchang-workbench-changes tbody tr")
    assert [r.select_one("a").get_text() for r in changes] == ["东昌府区养老机构名录"]
    for link in department.select(".dongchang-workbench-links a"):
        response = app.get(link["href"], headers=admin.headers)
        assert response.status_code == 200, link["href"]


@LANGUAGES
def test_f10_editor_sees_the_returned_entry_with_the_reason(site, prefix):
    app, editor = site["app"], site["api"]["scjg-editor"]
    _, bench = _workbench(app, editor, prefix)
    department = bench.select_one('[data-department="dcf-scjg"]')
    [row] = department.select(".dongchang-workbench-returned tbody tr")
    assert RETURN_REASON in row.get_text()
    # A department editor may not import: no import link, but export and the rest work.
    hrefs = [a["href"] for a in department.select(".dongchang-workbench-links a")]
    assert not any(href.endswith("/import") for href in hrefs)
    assert any(href.endswith("/export.xlsx") for href in hrefs)
    entry, entry_soup = _follow(app, editor, row, "a")
    assert RETURN_REASON in entry_soup.select_one(".dongchang-entry-workflow").get_text()


@LANGUAGES
def test_f10_bureau_reaches_review_changes_evaluation_audit_utilisation_tenders(site, prefix):
    app, bureau = site["app"], site["api"]["bureau-admin"]
    _, bench = _workbench(app, bureau, prefix)
    section = bench.select_one(".dongchang-workbench-bureau")
    assert section.select_one("h3 .badge").get_text() == "0"  # the one entry was returned
    links = section.select(".dongchang-workbench-links a")
    assert len(links) == 8  # with the merge tasks (Art. 15) and the access log (issue 16)
    for link in links:
        assert app.get(link["href"], headers=bureau.headers).status_code == 200, link["href"]


@LANGUAGES
def test_i17_bureau_clicks_from_the_workbench_to_the_entry_under_review(site, prefix):
    """The workbench's review row leads to the entry in the queue, where its diff and the
    decision are, not to the public entry page (where the Bureau cannot decide)."""
    app, editor, bureau = site["app"], site["api"]["scjg-editor"], site["api"]["bureau-admin"]
    editor.ok("dongchang_catalog_submit", id="registrations")
    _, bench = _workbench(app, bureau, prefix)
    row = bench.select_one(".dongchang-workbench-review tbody tr")
    link = row.select_one("a")
    path, anchor = link["href"].split("#")
    assert anchor == "review-registrations"
    queue = _soup(app.get(path, headers=bureau.headers))
    section = queue.select_one(f"section#{anchor}")
    assert section is not None and section["data-entry"] == "registrations"
    assert len(queue.select("section.dongchang-review-entry")) == 1  # its department's queue
    assert section.select_one("form[action$='/publish']") is not None


@LANGUAGES
def test_f16_everyone_reaches_the_access_log_from_the_workbench(site, prefix):
    """Issue 16 item 5: the Bureau sees all use, a department the use of its data, everyone
    their own: each finds the access log on the workbench."""
    app = site["app"]
    for name, selector in (("bureau-admin", ".dongchang-workbench-bureau"),
                           ("mzj-admin", '[data-department="dcf-mzj"]'),
                           ("citizen-li", ".dongchang-workbench-mine")):
        api = site["api"][name]
        _, bench = _workbench(app, api, prefix)
        section = bench.select_one(selector)
        link = next((a for a in section.select("a") if a["href"].endswith("/access-log")),
                    None)
        assert link is not None, name
        _, page = _follow(app, api, section, f'a[href="{link["href"]}"]')
        assert page.select_one(".dongchang-access-log, p.empty") is not None, name


@LANGUAGES
def test_f4_applicant_sees_own_requests_and_empty_workbench_says_so(site, prefix):
    app = site["app"]
    _, bench = _workbench(app, site["api"]["citizen-new"], prefix)
    message = bench.select_one(".dongchang-todo").get_text()
    assert message == ("Nothing waits for you." if prefix else "目前没有待办事项。")
    assert bench.select(".dongchang-workbench-department") == []
    assert bench.select_one(".dongchang-workbench-bureau") is None
    assert len(bench.select(".dongchang-workbench-mine p.empty")) == 2
    site["api"]["mzj-admin"].ok("dongchang_access_request_approve",
                                id=site["requests"][0]["id"])
    _, bench = _workbench(app, site["api"]["citizen-li"], prefix)
    [granted] = bench.select(".dongchang-workbench-mine-granted tbody tr")
    assert "东昌府区养老机构名录" in granted.get_text()


def test_f4_workbench_action_gives_the_api_the_same_counts(site):
    answer = site["api"]["mzj-admin"].ok("dongchang_workbench")
    assert answer["role"] == "department" and answer["todo"] == 3
    [department] = answer["departments"]
    assert (department["requests"]["count"], department["requests"]["overdue"]) == (2, 1)
    assert department["changes"]["count"] == 1
    counts = site["api"]["mzj-admin"].ok("dongchang_workbench", counts_only=True)
    assert counts["todo"] == 3 and counts["departments"][0]["requests"]["results"] == []
    assert site["api"]["bureau-admin"].ok("dongchang_workbench")["role"] == "bureau"
    error = Api(site["app"]).error("dongchang_workbench", status=403)
    assert error["__type"] == "Authorization Error"
    error = site["api"]["mzj-admin"].error("dongchang_workbench", counts_only="sometimes")
    assert "counts_only" in error


def test_f4_anonymous_workbench_asks_to_log_in(site):
    response = site["app"].get("/dongchang/workbench", follow_redirects=False)
    assert response.status_code == 302
    assert "/user/login" in response.headers["Location"]


def test_f4_ckan_dashboard_links_to_the_workbench(site):
    app, admin = site["app"], site["api"]["mzj-admin"]
    dashboard = _soup(app.get("/en/dashboard/datasets", headers=admin.headers))
    _follow(app, admin, dashboard, 'a[href$="/dongchang/workbench"]')
