"""Open lists (Art. 23, F-8): page, CSV, JSON and API, over HTTP on the real services."""
from __future__ import annotations

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories, helpers

from tests.conftest import PLUGINS
from tests.entries import LEGAL_BASIS, as_upstream, conditional, create_entry
from tests.factories import CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

HIDDEN_MARK = "OPENLISTHIDDEN"
_NOT_OPEN = {"open_class": "not_open", "open_reason": "涉及个人信息",
             "open_legal_basis": LEGAL_BASIS}


@pytest.fixture
def world(sysadmin):
    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    rsj = Department(name="dcf-rsj", title="区人力资源和社会保障局")
    editor = Official(name="scjg-editor", department=scjg, capacity="editor")

    def entry(org, code, title, **fields):
        return CatalogEntry(user=sysadmin, owner_org=org, resource_code=code, title=title,
                            **fields)

    entries = {
        "open_b": entry(scjg, "371502-SCJG-00002", "B 东昌府区市场主体登记信息",
                        update_cycle="daily"),
        "open_a": entry(scjg, "371502-SCJG-00001", "C 东昌府区食品经营许可信息"),
        "open_rsj": entry(rsj, "371502-RSJ-00001", "A 东昌府区社保经办机构名录",
                          update_cycle="annual"),
        "cond": entry(scjg, "371502-SCJG-00003", "D 东昌府区经营异常名录",
                      **conditional(share_class="unconditional")),
        "cond_rsj": entry(rsj, "371502-RSJ-00002", "E 东昌府区就业困难人员认定",
                          **conditional()),
        "not_open": entry(scjg, "371502-SCJG-00004", f"F {HIDDEN_MARK}1 内部条目", **_NOT_OPEN),
        "closed": entry(scjg, "371502-SCJG-00005", f"G {HIDDEN_MARK}2 不共享条目",
                        **conditional(share_class="not_shared", open_class="not_open",
                                      share_conditions="", open_conditions="")),
        "draft": entry(scjg, "371502-SCJG-00006", f"H {HIDDEN_MARK}3 草稿条目",
                       catalog_state="draft"),
        "draft_cond": entry(scjg, "371502-SCJG-00007", f"I {HIDDEN_MARK}4 待审条目",
                            catalog_state="submitted", **conditional()),
    }
    token = factories.APIToken(user=editor["name"])["token"]
    return entries, token


def _api(app, token=None, status=200, **params):
    headers = {"Authorization": token} if token else {}
    response = app.get("/api/3/action/dongchang_open_list", query_string=params,
                       headers=headers, status=status)
    return response.json


def _codes(result) -> list[str]:
    return [row["resource_code"] for row in result["results"]]


def test_art23_unconditional_list_holds_the_published_unconditional_entries(app, world):
    result = _api(app, open_class="unconditional")["result"]
    assert result["count"] == 3
    assert _codes(result) == ["371502-RSJ-00001", "371502-SCJG-00001", "371502-SCJG-00002"]
    row = result["results"][2]
    assert row["title"] == "B 东昌府区市场主体登记信息"
    assert row["department"] == "区市场监督管理局"
    assert row["update_cycle"] == "daily"
    assert row["url"] == f"http://test.ckan.net/dataset/{world[0]['open_b']['name']}"
    assert row["metadata_modified"] == world[0]["open_b"]["metadata_modified"]
    assert "open_conditions" not in row
    assert result["departments"] == [
        {"name": "dcf-rsj", "title": "区人力资源和社会保障局", "count": 1},
        {"name": "dcf-scjg", "title": "区市场监督管理局", "count": 2}]


def test_art23_conditional_list_shows_conditions_and_legal_basis(app, world):
    result = _api(app, open_class="conditional")["result"]
    assert _codes(result) == ["371502-RSJ-00002", "371502-SCJG-00003"]
    for row in result["results"]:
        assert row["open_conditions"] == "须申请并签署协议"
        assert row["open_legal_basis"] == LEGAL_BASIS


def test_art23_not_open_entries_are_on_no_list_in_any_format_for_anyone(app, world):
    """Not even the owning department's editor gets its private entries on a published list."""
    entries, editor_token = world
    hidden_codes = [entries[k]["resource_code"] for k in ("not_open", "closed", "draft",
                                                          "draft_cond")]
    for token in (None, editor_token):
        headers = {"Authorization": token} if token else {}
        for open_class in ("unconditional", "conditional"):
            for path in (f"/open-list/{open_class}", f"/open-list/{open_class}.csv",
                         f"/open-list/{open_class}.json",
                         f"/api/3/action/dongchang_open_list?open_class={open_class}"
                         "&limit=1000"):
                body = app.get(path, headers=headers, status=200).get_data(as_text=True)
                assert HIDDEN_MARK not in body, (token, path)
                assert not any(code in body for code in hidden_codes), (token, path)


def test_f8_filter_by_department_and_sort(app, world, sysadmin):
    result = _api(app, open_class="unconditional", org="dcf-scjg")["result"]
    assert _codes(result) == ["371502-SCJG-00001", "371502-SCJG-00002"]
    assert result["org"] == "dcf-scjg"
    assert {d["name"] for d in result["departments"]} == {"dcf-rsj", "dcf-scjg"}
    titles = [r["title"][0] for r in _api(app, open_class="unconditional",
                                          sort="title")["result"]["results"]]
    assert titles == ["A", "B", "C"]
    departments = [r["department_name"] for r in _api(
        app, open_class="unconditional", sort="department")["result"]["results"]]
    assert departments == ["dcf-rsj", "dcf-scjg", "dcf-scjg"]
    helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                        id=world[0]["open_b"]["id"], notes="更新了摘要")
    newest_first = _codes(_api(app, open_class="unconditional", sort="modified")["result"])
    assert newest_first == ["371502-SCJG-00002", "371502-RSJ-00001", "371502-SCJG-00001"]


def test_f8_bad_parameters_are_errors_naming_the_field(app, world):
    for params, field in (({"open_class": "not_open"}, "open_class"),
                          ({}, "open_class"),
                          ({"open_class": "conditional", "sort": "secret"}, "sort"),
                          ({"open_class": "conditional", "org": "no-such-dept"}, "org"),
                          ({"open_class": "conditional", "page": "0"}, "page"),
                          ({"open_class": "conditional", "limit": "5000"}, "limit")):
        error = _api(app, status=409, **params)["error"]
        assert error["__type"] == "Validation Error" and field in error, (params, error)
    assert app.get("/open-list/not_open", status=404)
    assert app.get("/open-list/unconditional.xlsx", status=404)
    assert app.get("/open-list/conditional?org=no-such-dept", status=400)


def test_f8_page_links_entries_and_the_other_list(app, world):
    entries, _ = world
    soup = BeautifulSoup(app.get("/open-list/conditional").get_data(as_text=True),
                         "html.parser")
    table = soup.select_one("table.dongchang-open-list")
    rows = table.select("tbody tr")
    assert [r.select("td")[0].get_text(strip=True) for r in rows] == [
        "371502-RSJ-00002", "371502-SCJG-00003"]
    link = rows[1].select_one("td a")
    assert link["href"].endswith(f"/dataset/{entries['cond']['name']}")
    assert link.get_text(strip=True) == "D 东昌府区经营异常名录"
    cells = [c.get_text(strip=True) for c in rows[1].select("td")]
    assert "须申请并签署协议" in cells and LEGAL_BASIS in cells and "每月" in cells
    hrefs = [a["href"] for a in soup.select("a[href]")]
    assert any(h.endswith("/open-list/unconditional") for h in hrefs)
    assert any("/open-list/conditional.csv" in h for h in hrefs)
    assert any("/open-list/conditional.json" in h for h in hrefs)
    options = [o["value"] for o in soup.select("select[name=org] option")]
    assert options == ["", "dcf-rsj", "dcf-scjg"]


def test_f8_page_filtered_by_department(app, world):
    soup = BeautifulSoup(app.get("/open-list/unconditional?org=dcf-rsj&sort=title")
                         .get_data(as_text=True), "html.parser")
    rows = soup.select("table.dongchang-open-list tbody tr")
    assert [r.select("td")[0].get_text(strip=True) for r in rows] == ["371502-RSJ-00001"]
    assert soup.select_one("select[name=org] option[selected]")["value"] == "dcf-rsj"


def test_f8_pages_of_twenty(app, sysadmin):
    org = factories.Organization(name="dcf-jtj", title="区交通运输局")
    for serial in range(21):
        create_entry(sysadmin, org["id"], resource_code=f"371502-JTJ-{serial + 1:05d}")
    first = BeautifulSoup(app.get("/open-list/unconditional").get_data(as_text=True),
                          "html.parser")
    assert len(first.select("table.dongchang-open-list tbody tr")) == 20
    assert first.select_one(".pagination") is not None
    second = BeautifulSoup(app.get("/open-list/unconditional?page=2").get_data(as_text=True),
                           "html.parser")
    codes = [r.select("td")[0].get_text(strip=True)
             for r in second.select("table.dongchang-open-list tbody tr")]
    assert codes == ["371502-JTJ-00021"]
    api = _api(app, open_class="unconditional", page=2, limit=5)["result"]
    assert api["count"] == 21
    assert _codes(api) == [f"371502-JTJ-{n:05d}" for n in range(6, 11)]


def test_f8_empty_lists_say_so(app, dongchang_db):
    for open_class in ("unconditional", "conditional"):
        soup = BeautifulSoup(app.get(f"/open-list/{open_class}").get_data(as_text=True),
                             "html.parser")
        assert soup.select_one("table.dongchang-open-list") is None
        assert soup.select_one("p.empty").get_text(strip=True)
        assert json.loads(app.get(f"/open-list/{open_class}.json").get_data(
            as_text=True))["results"] == []


def test_f8_csv_is_utf8_with_bom_and_parses(app, world):
    response = app.get("/open-list/conditional.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "资源代码 (Resource code)"
    assert "开放条件 (Open conditions)" in header
    assert [row[0] for row in body] == ["371502-RSJ-00002", "371502-SCJG-00003"]
    record = dict(zip(header, body[1], strict=True))
    assert record["资源名称 (Title)"] == "D 东昌府区经营异常名录"
    assert record["提供部门 (Department)"] == "区市场监督管理局"
    assert record["开放条件 (Open conditions)"] == "须申请并签署协议"
    assert record["法律依据 (Legal basis)"] == LEGAL_BASIS
    unconditional = app.get("/open-list/unconditional.csv?org=dcf-scjg").get_data()
    rows = list(csv.reader(io.StringIO(unconditional.decode("utf-8-sig"))))
    assert "开放条件 (Open conditions)" not in rows[0]
    assert [row[0] for row in rows[1:]] == ["371502-SCJG-00001", "371502-SCJG-00002"]


def test_f8_json_download_parses(app, world):
    response = app.get("/open-list/unconditional.json?sort=title")
    assert response.headers["Content-Type"].startswith("application/json")
    document = json.loads(response.get_data(as_text=True))
    assert document["open_class"] == "unconditional"
    assert document["count"] == 3
    assert [r["title"][0] for r in document["results"]] == ["A", "B", "C"]
    assert document["results"][0]["department"] == "区人力资源和社会保障局"


def test_f8_class_change_moves_an_entry_between_lists_at_once(app, world, sysadmin):
    entries, _ = world
    # its link file is registered as an upstream with the change (a gated file is never a
    # link, issue 16 item 3)
    files = [as_upstream(r) for r in entries["open_a"]["resources"]]
    helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                        id=entries["open_a"]["id"], resources=files,
                        **conditional(share_class="unconditional", share_conditions=""))
    assert "371502-SCJG-00001" not in _codes(_api(app, open_class="unconditional")["result"])
    assert "371502-SCJG-00001" in _codes(_api(app, open_class="conditional")["result"])
    helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                        id=entries["open_a"]["id"], **_NOT_OPEN)
    for open_class in ("unconditional", "conditional"):
        assert "371502-SCJG-00001" not in _codes(_api(app, open_class=open_class)["result"])

