"""The Bureau's evaluation (评价) of departments per Art. 6, its period report and the
rectification list (整改) Art. 29's assessment tracks to closure — with the real services."""
from __future__ import annotations

import io

import pytest
from ckan import model
from openpyxl import load_workbook

from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.oversight import rules
from tests.conftest import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

def _rows(result):
    return {row["org_name"]: row for row in result["departments"]}


# --- Art. 6: a score per department per period, with its parts and the criteria's weights ------

def test_art6_evaluation_returns_a_score_with_parts_and_weights(world):
    result = world["api"]["bureau-admin"].ok("dongchang_evaluation")
    weights = rules.parse_weights(
        ["catalog_completeness:20", "catalog_timeliness:20", "response_timeliness:20",
         "share_open_ratio:15", "freshness:15", "products:10"])
    assert result["weights"] == weights
    scjg = _rows(result)["dcf-scjg"]
    assert (scjg["freshness_applicable"], scjg["freshness_overdue"]) == (2, 1)
    score = scjg["score"]
    assert score["weights"] == weights
    assert score["parts"]["freshness"]["fraction"] == 0.5
    assert score["parts"]["catalog_completeness"]["fraction"] == 0.75  # the draft
    assert score["parts"]["response_timeliness"]["applicable"] is False  # no request yet
    assert score["value"] == pytest.approx(rules.score(scjg, weights)["value"])
    assert 0 <= score["value"] <= 100


@pytest.mark.ckan_config("ckanext.dongchang.evaluation_weights", "freshness:1")
def test_art6_weights_come_from_configuration(world):
    result = world["api"]["bureau-admin"].ok("dongchang_evaluation")
    rows = _rows(result)
    assert rows["dcf-scjg"]["score"]["value"] == 50.0   # half its judged entries are stale
    assert rows["dcf-rsj"]["score"]["value"] == 100.0
    assert result["weights"]["products"] == 0


def test_art6_a_department_sees_its_own_score_only(world):
    result = world["api"]["scjg-editor"].ok("dongchang_evaluation")
    assert [row["org_name"] for row in result["departments"]] == ["dcf-scjg"]
    assert "score" in result["departments"][0]


def test_art6_the_period_filter_works_over_http(world):
    # ``start`` is CKAN's numeric offset everywhere: a date there was refused (400) before
    # the evaluation ran, so the dashboard's period filter could never be used.
    bureau = world["api"]["bureau-admin"]
    bureau.page("/dongchang/evaluation?period_start=2026-01-01&period_end=2026-12-31")
    result = bureau.ok("dongchang_evaluation", period_start="2026-01-01",
                       period_end="2026-12-31")
    assert result["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    error = bureau.error("dongchang_evaluation", period_start="2026-06-01",
                         period_end="2026-01-01")
    assert "period_end" in error


def test_art6_period_report_page_and_xlsx_show_scores_and_weights(world):
    bureau = world["en"]["bureau-admin"]
    page = bureau.page(
        "/en/dongchang/evaluation/report?period_start=2026-01-01&period_end=2026-12-31")
    assert "2026-01-01" in page.text and "2026-12-31" in page.text
    table = page.find("table", class_="dongchang-evaluation-scores")
    scjg_row = next(tr for tr in table.find_all("tr") if "区市场监督管理局" in tr.text)
    score = _rows(world["api"]["bureau-admin"].ok(
        "dongchang_evaluation", period_start="2026-01-01",
        period_end="2026-12-31"))["dcf-scjg"]["score"]
    assert f"{score['value']:.1f}" in scjg_row.text
    assert page.find("table", class_="dongchang-evaluation-weights") is not None
    response = bureau.get(
        "/dongchang/evaluation/report.xlsx?period_start=2026-01-01&period_end=2026-12-31")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    assert {"scores", "weights", "figures", "rectification"} <= set(book.sheetnames)
    rows = list(book["scores"].iter_rows(values_only=True))
    by_department = {row[0]: row for row in rows[1:]}
    assert by_department["区市场监督管理局"][1] == pytest.approx(score["value"])


def test_art6_the_report_is_for_the_bureau_and_departments_only(world):
    world["api"]["citizen"].get("/dongchang/evaluation/report", status=403)
    page = world["api"]["scjg-editor"].page("/dongchang/evaluation/report")
    assert "区市场监督管理局" in page.text and "区人力资源和社会保障局" not in page.text


def test_art6_chinese_pages_say_pingjia_not_pinggu(world):
    page = world["api"]["bureau-admin"].page("/dongchang/evaluation")
    assert "评价" in page.text and "评估" not in page.text


# --- Art. 29: the rectification list, tracked to closure ---------------------------------------

def test_art29_the_bureau_records_a_rectification_the_department_sees_and_the_bureau_closes(
        world):
    bureau, editor = world["api"]["bureau-admin"], world["api"]["scjg-editor"]
    item = bureau.ok("dongchang_rectification_create", org_id="dcf-scjg",
                     problem="每日数据已逾期未更新，请按更新周期更新。", criterion="freshness",
                     period_start="2026-01-01", period_end="2026-12-31", due_on="2027-01-31")
    assert item["state"] == "open" and item["due_on"] == "2027-01-31"
    (seen,) = editor.ok("dongchang_rectification_list")
    assert seen["id"] == item["id"] and seen["org_title"] == "区市场监督管理局"
    assert world["api"]["rsj-admin"].ok("dongchang_rectification_list") == []
    closed = bureau.ok("dongchang_rectification_close", id=item["id"],
                       closing_note="已更新并复核。")
    assert closed["state"] == "closed" and closed["closed_at"]
    actions = [e.action for e in model.Session.query(AuditEvent).filter(
        AuditEvent.object_id == item["id"]).order_by(AuditEvent.id)]
    assert actions == ["rectification_create", "rectification_close"]
    error = bureau.error("dongchang_rectification_close", id=item["id"], closing_note="再次")
    assert "id" in error


def test_art29_only_the_bureau_creates_or_closes_rectification_items(world):
    bureau = world["api"]["bureau-admin"]
    item = bureau.ok("dongchang_rectification_create", org_id="dcf-scjg", problem="目录不完整")
    for name in ("scjg-editor", "rsj-admin", "citizen"):
        world["api"][name].error("dongchang_rectification_create", status=403,
                                 org_id="dcf-scjg", problem="自行整改")
        world["api"][name].error("dongchang_rectification_close", status=403, id=item["id"],
                                 closing_note="已整改")
    world["api"]["citizen"].error("dongchang_rectification_list", status=403)
    world["api"]["scjg-editor"].error("dongchang_rectification_list", status=403,
                                      org_id="dcf-rsj")


@pytest.mark.parametrize(("field", "data"), [
    ("problem", {"org_id": "dcf-scjg"}),
    ("problem", {"org_id": "dcf-scjg", "problem": ["列表"]}),
    ("org_id", {"org_id": "no-such-department", "problem": "问题"}),
    ("criterion", {"org_id": "dcf-scjg", "problem": "问题", "criterion": "speed"}),
    ("due_on", {"org_id": "dcf-scjg", "problem": "问题", "due_on": "2027-13-01"}),
    ("period_end", {"org_id": "dcf-scjg", "problem": "问题", "period_start": "2026-06-01",
                    "period_end": "2026-01-01"}),
])
def test_art29_bad_rectification_input_names_the_field(world, field, data):
    error = world["api"]["bureau-admin"].error("dongchang_rectification_create", **data)
    assert field in error


def test_art29_evaluation_page_lists_rectification_items_and_the_bureau_closes_them(world):
    bureau = world["en"]["bureau-admin"]
    item = world["api"]["bureau-admin"].ok("dongchang_rectification_create", org_id="dcf-scjg",
                                           problem="响应超期，请说明原因并整改。")
    page = bureau.page("/en/dongchang/evaluation")
    section = page.find(class_="dongchang-rectification")
    assert "响应超期" in section.text
    assert section.find("form", attrs={"action": lambda a: a and item["id"] in a}) is not None
    editor_page = world["en"]["scjg-editor"].page("/en/dongchang/evaluation")
    section = editor_page.find(class_="dongchang-rectification")
    assert "响应超期" in section.text and section.find("form") is None


@pytest.mark.parametrize("weights", ["speed:10", "freshness:-1", "freshness:0"])
def test_art6_a_weight_that_means_nothing_stops_the_site_at_start_up(weights):
    from ckan.exceptions import CkanConfigurationException

    from ckanext.dongchang.oversight import evaluation

    with pytest.raises(CkanConfigurationException, match="evaluation_weights"):
        evaluation.check_configuration({evaluation.WEIGHTS_OPTION: weights.split()})
    evaluation.check_configuration({evaluation.WEIGHTS_OPTION: ["freshness:1", "products:2.5"]})
