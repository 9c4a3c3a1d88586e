"""Catalog import and export as spreadsheets (F-10): all rows or none, errors per cell."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.tests import factories, helpers
from click.testing import CliRunner
from openpyxl import Workbook

from ckanext.dongchang.catalog import cli, spreadsheet
from tests.conftest import PLUGINS
from tests.factories import Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

ENTRY = {
    "title": "东昌府区食品经营许可信息", "name": "food-licences",
    "resource_code": "371502-SCJG-00002", "notes": "区市场监管局核发的食品经营许可证信息。",
    "catalog_category": "department", "update_cycle": "daily", "issued": "2026-01-05",
    "related_resource_codes": "", "tag_string": "许可,食品", "share_class": "unconditional",
    "share_conditions": "", "share_method": "api", "share_reason": "", "share_legal_basis": "",
    "open_class": "unconditional", "open_conditions": "", "open_reason": "",
    "open_legal_basis": "", "security_grade": "general",
    "confidentiality_review_status": "passed", "confidentiality_reviewer": "王芳",
    "confidentiality_reviewed_on": "2026-11-02", "temporary_collection": "false",
    "involves_state_secrets": "false",
    "temporary_collection_reason": "", "catalog_state": "draft",
}
SECOND = dict(ENTRY, title="东昌府区市场主体登记信息", name="registrations",
              resource_code="371502-SCJG-00001", related_resource_codes="371502-SCJG-00002",
              share_class="conditional", share_conditions="仅限承担监管职能的部门",
              share_reason="含经营者信息", share_legal_basis="《企业信息公示暂行条例》第十条",
              open_class="not_open", open_reason="含经营者信息",
              open_legal_basis="《企业信息公示暂行条例》第十条", tag_string="登记")
ITEMS = [
    ("371502-SCJG-00002", "许可证编号", "string", "", "dcf-scjg"),
    ("371502-SCJG-00002", "经营者名称", "string", "许可证上的名称", "dcf-scjg"),
    ("371502-SCJG-00001", "统一社会信用代码", "string", "18位", "dcf-scjg"),
]


def _xlsx(rows, items=(), labels=None):
    """A workbook in the import format; ``labels`` replaces some headers (field -> label)."""
    columns = spreadsheet.columns()
    book = Workbook()
    sheet = book.active
    sheet.title = "catalog"
    sheet.append([(labels or {}).get(c, c) for c in columns])
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a user types it
    item_sheet = book.create_sheet("data_items")
    item_sheet.append(["resource_code", "name", "type", "description", "source_org"])
    for item in items:
        item_sheet.append(list(item))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def world(app):
    org = Department(name="dcf-scjg", title="区市场监督管理局")
    users = {name: Official(name=name, department=org, capacity=capacity)
             for name, capacity in (("scjg-admin", "admin"), ("scjg-editor", "editor"))}
    tokens = {name: factories.APIToken(user=name)["token"] for name in users}
    return {"org": org, "headers": {n: {"Authorization": t} for n, t in tokens.items()}}


def _upload(app, world, content, filename="catalog.xlsx", dry_run=False, user="scjg-admin",
            status=200):
    response = app.post("/api/3/action/dongchang_catalog_import",
                        headers=world["headers"][user], status=status,
                        data={"org": "dcf-scjg", "dry_run": str(dry_run).lower(),
                              "upload": (io.BytesIO(content), filename)})
    return response.json


def _entry_count():
    return model.Session.query(model.Package).filter(model.Package.type == "dataset").count()


def test_f10_import_of_a_sheet_with_errors_changes_nothing_and_reports_each(app, world):
    rows = [
        dict(ENTRY),
        dict(ENTRY, name="bad-code", resource_code="ABC"),
        dict(ENTRY, name="no-title", title="", resource_code="371502-SCJG-00003",
             share_class="conditional"),
        dict(ENTRY, name="twice", resource_code="371502-SCJG-00002"),
        dict(ENTRY, name="published", resource_code="371502-SCJG-00004",
             catalog_state="published"),
    ]
    content = _xlsx(rows, items=[("371502-SCJG-00002", "许可证编号", "string", "",
                                  "no-such-dept")],
                    labels={"title": "资源名称", "resource_code": "资源代码"})
    result = _upload(app, world, content)["result"]
    assert result["created"] == []
    found = {(e["sheet"], e["row"], e["column"]) for e in result["errors"]}
    assert found == {
        ("catalog", 3, "资源代码"),
        ("catalog", 4, "资源名称"),
        ("catalog", 4, "share_conditions"),
        ("catalog", 4, "share_reason"),
        ("catalog", 4, "share_legal_basis"),
        ("catalog", 4, "open_class"),  # open may not be wider than the conditional share
        ("catalog", 5, "资源代码"),
        ("catalog", 6, "catalog_state"),
        ("data_items", 2, "source_org"),
    }
    by_cell = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert "编码规则" in by_cell[(3, "资源代码")]  # translated, as the form shows it
    assert by_cell[(4, "资源名称")] == "缺失值"  # CKAN's own "Missing value", in Chinese
    assert _entry_count() == 0
    assert helpers.call_action("package_search", include_private=True)["count"] == 0


def test_f10_clean_import_then_export_round_trips(app, world):
    content = _xlsx([SECOND, ENTRY], items=ITEMS)
    checked = _upload(app, world, content, dry_run=True)["result"]
    assert checked["errors"] == [] and checked["rows"] == 2 and checked["created"] == []
    assert _entry_count() == 0

    result = _upload(app, world, content)["result"]
    assert result["errors"] == []
    # SECOND names ENTRY as related: ENTRY (row 3) is created first.
    assert [c["row"] for c in result["created"]] == [3, 2]
    shown = helpers.call_action("package_show", id="registrations")
    assert shown["catalog_state"] == "draft" and shown["private"] is True
    assert shown["data_items"][0]["name"] == "统一社会信用代码"

    exported = app.get("/organization/dcf-scjg/export.xlsx",
                       headers=world["headers"]["scjg-editor"])
    assert exported.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    again = spreadsheet.read(exported.data, "export.xlsx")
    original = spreadsheet.read(content, "catalog.xlsx")
    assert again.errors == []

    def rows_of(sheet):
        return sorted(json.dumps(row.data, ensure_ascii=False, sort_keys=True)
                      for row in sheet.rows)

    assert rows_of(again) == rows_of(original)


def test_f10_csv_round_trip_with_items_as_json_and_chinese_excel_encoding(app, world):
    rows = [dict(ENTRY, data_items=json.dumps(
        [{"name": "许可证编号", "type": "string", "source_org": "dcf-scjg"}],
        ensure_ascii=False))]
    columns = [*spreadsheet.columns(), "data_items"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    result = _upload(app, world, buffer.getvalue().encode("gb18030"), "catalog.csv")["result"]
    assert result["errors"] == [] and len(result["created"]) == 1
    exported = app.get("/organization/dcf-scjg/export.csv",
                       headers=world["headers"]["scjg-admin"]).data
    assert exported.startswith("\ufeff".encode())
    back = spreadsheet.read(exported, "export.csv")
    assert back.rows[0].data["data_items"] == [
        {"name": "许可证编号", "type": "string", "source_org": "dcf-scjg"}]
    assert back.rows[0].data["title"] == ENTRY["title"]


def test_f10_a_row_failing_during_the_real_run_undoes_the_rows_before_it(app, world,
                                                                          monkeypatch):
    # Pretend the dry run saw nothing (as when another user takes a code meanwhile).
    monkeypatch.setattr(spreadsheet, "validate", lambda *args: [])
    content = _xlsx([ENTRY, dict(ENTRY, name="late-failure", resource_code="ABC")])
    result = _upload(app, world, content)["result"]
    assert result["created"] == []
    assert [(e["row"], e["field"]) for e in result["errors"]] == [(3, "resource_code")]
    assert _entry_count() == 0
    assert helpers.call_action("package_search", include_private=True)["count"] == 0


def test_f10_only_department_admins_import(app, world):
    content = _xlsx([ENTRY])
    error = _upload(app, world, content, user="scjg-editor", status=403)
    assert error["success"] is False
    app.get("/organization/dcf-scjg/import", headers=world["headers"]["scjg-editor"],
            status=403)


def test_f10_upload_page_checks_a_file_with_csrf(app, world):
    headers = world["headers"]["scjg-admin"]
    soup = BeautifulSoup(app.get("/organization/dcf-scjg/import", headers=headers).body,
                         "html.parser")
    form = soup.select_one("form.dongchang-import-form")
    token = form.find("input", attrs={"name": re.compile("csrf")})
    content = _xlsx([dict(ENTRY, resource_code="ABC")])
    page = app.post("/organization/dcf-scjg/import", headers=headers, data={
        token["name"]: token["value"], "mode": "import",
        "upload": (io.BytesIO(content), "catalog.xlsx")})
    soup = BeautifulSoup(page.body, "html.parser")
    cells = [td.get_text(strip=True) for td in soup.select(".dongchang-import-errors td")]
    assert cells[:3] == ["catalog", "2", "resource_code"]
    assert _entry_count() == 0
    page = app.post("/organization/dcf-scjg/import", headers=headers, data={
        token["name"]: token["value"], "mode": "import",
        "upload": (io.BytesIO(_xlsx([ENTRY])), "catalog.xlsx")})
    soup = BeautifulSoup(page.body, "html.parser")
    assert [a.get_text() for a in soup.select(".dongchang-imported a")] == ["food-licences"]


def test_f10_cli_import_dry_run_and_export(world, tmp_path, test_request_context):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_xlsx([dict(ENTRY, resource_code="ABC")]))
    with test_request_context():
        result = CliRunner().invoke(cli.import_catalog,
                                    [str(bad), "--org", "dcf-scjg", "--dry-run"])
    assert result.exit_code == 1
    assert "编码规则" in result.output
    good = tmp_path / "good.xlsx"
    good.write_bytes(_xlsx([ENTRY], items=ITEMS[:2]))
    with test_request_context():
        result = CliRunner().invoke(cli.import_catalog, [str(good), "--org", "dcf-scjg"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        out = tmp_path / "out.xlsx"
        CliRunner().invoke(cli.export_catalog, [str(out), "--org", "dcf-scjg"],
                           catch_exceptions=False)
    back = spreadsheet.read(out.read_bytes(), "out.xlsx")
    assert [r.data["name"] for r in back.rows] == ["food-licences"]
    assert len(back.rows[0].data["data_items"]) == 2


def test_f10_exported_cells_never_become_formulas(app, world):
    formula = '=HYPERLINK("https://evil.example.com","点击")'
    content = _xlsx([dict(ENTRY, title=formula)])
    assert _upload(app, world, content)["result"]["errors"] == []
    headers = world["headers"]["scjg-admin"]
    xlsx = app.get("/organization/dcf-scjg/export.xlsx", headers=headers).data
    from openpyxl import load_workbook

    cell = load_workbook(io.BytesIO(xlsx))["catalog"]["A2"]
    assert (cell.value, cell.data_type) == (formula, "s")
    csv_text = app.get("/organization/dcf-scjg/export.csv", headers=headers).data
    assert "'=HYPERLINK" in csv_text.decode("utf-8-sig")
    assert spreadsheet.read(csv_text, "x.csv").rows[0].data["title"] == formula


def _solr_update_counts() -> tuple[int, int]:
    """Solr's own count of the requests its ``/update`` handler answered for the suite's core,
    and of the documents added: what Solr itself saw, no client patched."""
    import requests
    from ckan.common import config

    base, core = config["solr_url"].rstrip("/").rsplit("/", 1)
    metrics = requests.get(f"{base}/admin/metrics", timeout=10, params={
        "group": "core", "wt": "json",
        "prefix": "UPDATE./update.requests,UPDATE.updateHandler.cumulativeAdds"},
    ).json()["metrics"][f"solr.core.{core}"]
    return (metrics["UPDATE./update.requests"],
            metrics["UPDATE.updateHandler.cumulativeAdds"]["count"])


def test_i20_an_import_reads_each_entry_once_and_indexes_them_together(app, world,
                                                                       monkeypatch):
    """Issue 20 item 2: each imported entry is read from the database once, for the search
    index, and its activity snapshot is that read (not a second one); the entries go to Solr
    together after the commit (``index_batch``), here two requests of at most two, then one
    commit — as Solr's own metrics count them."""
    from ckanext.dongchang.kernel import index_batch
    from tests.entries import activity_snapshot, trusted_database_read
    from tests.sql import statements

    monkeypatch.setattr(index_batch, "DOCUMENTS_PER_REQUEST", 2)
    rows = [dict(ENTRY, name=f"i20-import-{n}", title=f"批量导入条目{n}",
                 resource_code=f"371502-SCJG-0009{n}") for n in range(3)]
    requests_before, adds_before = _solr_update_counts()
    with statements() as seen:
        result = _upload(app, world, _xlsx(rows))["result"]
    assert result["errors"] == [] and len(result["created"]) == 3

    requests_after, adds_after = _solr_update_counts()
    assert adds_after - adds_before == 3
    assert requests_after - requests_before == 2 + 1, "two batches of at most two, one commit"
    relationship_reads = [s for s in seen if s.startswith("SELECT package_relationship.id")]
    assert len(relationship_reads) == 2 * 3, "one database read (two statements) per entry"
    found = helpers.call_action("package_search", q="name:i20-import-*", include_private=True)
    assert found["count"] == 3
    for created in result["created"]:
        assert activity_snapshot(created["id"]) == trusted_database_read(created["id"])
