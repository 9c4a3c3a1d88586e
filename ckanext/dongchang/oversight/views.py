"""Evaluation dashboard, its exports, and the audit log viewer (F-12, F-13)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.dongchang.kernel import tables
from ckanext.dongchang.kernel.pages import abort_invalid, call, flashing_errors
from ckanext.dongchang.oversight.rules import CRITERIA

evaluation_blueprint = Blueprint("dongchang_evaluation", __name__)

_FILTERS = ("org_id", "period_start", "period_end")


def _figures() -> dict[str, Any]:
    params = {key: tk.request.args[key] for key in _FILTERS if tk.request.args.get(key)}
    try:
        return call("dongchang_evaluation", params)
    except tk.ValidationError as error:
        return abort_invalid(error)


def column_labels() -> dict[str, str]:
    return {
        "department": tk._("Department"), "entries": tk._("Entries"),
        "share_unconditional": tk._("Shared unconditionally"),
        "share_conditional": tk._("Shared conditionally"), "share_not_shared": tk._("Not shared"),
        "open_unconditional": tk._("Open unconditionally"),
        "open_conditional": tk._("Open conditionally"), "open_not_open": tk._("Not open"),
        "share_unconditional_ratio": tk._("Share of entries shared unconditionally"),
        "confidentiality_reviewed": tk._("Confidentiality review passed"),
        "published": tk._("Published"), "requests_received": tk._("Requests received"),
        "requests_approved": tk._("Approved"), "requests_refused": tk._("Refused"),
        "approval_rate": tk._("Approval rate"), "refusal_rate": tk._("Refusal rate"),
        "median_response_working_days": tk._("Median response (working days)"),
        "overdue_responses": tk._("Overdue responses"), "active_grants": tk._("Active grants"),
        "catalog_updates_on_time": tk._("Catalog updates on time"),
        "catalog_updates_overdue": tk._("Catalog updates overdue"),
        "products_registered": tk._("Data products registered"),
        "entries_with_products": tk._("Published entries used by data products"),
        "freshness_applicable": tk._("Entries with a dated update cycle"),
        "freshness_overdue": tk._("Entries overdue for their update cycle"),
        "deliveries": tk._("Deliveries of gated data"),
        "entries_delivered": tk._("Published entries whose gated data was delivered"),
        "score": tk._("Score"),
    }


def criterion_labels() -> dict[str, str]:
    """The evaluation criteria (Art. 6) as the Bureau names them."""
    return {
        "catalog_completeness": tk._("Catalog completeness (entries published)"),
        "catalog_timeliness": tk._("Catalog updates on time (Art. 16)"),
        "response_timeliness": tk._("Requests answered in time"),
        "share_open_ratio": tk._("Entries shared and opened"),
        "freshness": tk._("Data current for its update cycle"),
        "products": tk._("Entries used by data products"),
        "use": tk._("Entries whose gated data was used (access log)"),
    }


def _rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    rows = list(figures["departments"])
    if figures.get("district"):
        rows.append(dict(figures["district"], department=tk._("District total")))
    return rows


def _table(figures: dict[str, Any]) -> list[list[Any]]:
    labels = column_labels()
    header = [labels.get(column, column) for column in figures["columns"]] + [labels["score"]]
    return [header] + [[row.get(column) for column in figures["columns"]]
                       + [row["score"]["value"]] for row in _rows(figures)]


def _rectifications() -> list[dict[str, Any]]:
    params = {"org_id": tk.request.args["org_id"]} if tk.request.args.get("org_id") else {}
    return call("dongchang_rectification_list", params)


def _score_rows(figures: dict[str, Any]) -> list[list[Any]]:
    """The report's score sheet: department, score, then each criterion's fraction."""
    labels = criterion_labels()
    header = [tk._("Department"), tk._("Score")] + [labels[name] for name in CRITERIA]
    return [header] + [[row["department"], row["score"]["value"]]
                       + [row["score"]["parts"][name]["fraction"] for name in CRITERIA]
                       for row in _rows(figures)]


def _weight_rows(figures: dict[str, Any]) -> list[list[Any]]:
    labels = criterion_labels()
    return [[tk._("Criterion"), tk._("Weight")]] + [
        [labels[name], figures["weights"][name]] for name in CRITERIA]


def _rectification_rows(items: list[dict[str, Any]]) -> list[list[Any]]:
    labels, states = criterion_labels(), rectification_state_labels()
    header = [tk._("Department"), tk._("Problem"), tk._("Criterion"), tk._("Due on"),
              tk._("State"), tk._("Recorded on"), tk._("Closed on"),
              tk._("How it was rectified")]
    return [header] + [
        [item["org_title"], item["problem"], labels.get(item["criterion"] or "", ""),
         item["due_on"], states[item["state"]], item["created"][:10],
         (item["closed_at"] or "")[:10], item["closing_note"]] for item in items]


def rectification_state_labels() -> dict[str, str]:
    return {"open": tk._("Being rectified"), "closed": tk._("Rectified")}


def _page_vars(figures: dict[str, Any]) -> dict[str, Any]:
    return {"figures": figures, "rows": _rows(figures), "labels": column_labels(),
            "criteria": CRITERIA, "criterion_labels": criterion_labels(),
            "rectifications": _rectifications(), "is_bureau": figures.get("district") is not None,
            "state_labels": rectification_state_labels(),
            "filters": {key: tk.request.args.get(key, "") for key in _FILTERS}}


def charts() -> list[dict[str, Any]]:
    """The dashboard's charts, each drawn beside a table of the same columns: the page and its
    script both read this one list (canvas id, heading, figure columns, stacked bars)."""
    return [
        {"id": "chart-class-mix", "heading": tk._("Class mix per department"),
         "columns": ["share_unconditional", "share_conditional", "share_not_shared"],
         "stacked": True, "table_class": " dongchang-evaluation-mix"},
        {"id": "chart-response", "heading": tk._("Response to access requests"),
         "columns": ["median_response_working_days", "overdue_responses"], "stacked": False,
         "table_class": ""},
        # issue 16 item 6: utilisation from use, as the access log counts it
        {"id": "chart-use", "heading": tk._("Use of gated data"),
         "columns": ["deliveries", "entries_delivered"], "stacked": False,
         "table_class": " dongchang-evaluation-use"},
    ]


@evaluation_blueprint.get("/dongchang/evaluation")
def dashboard():
    figures = _figures()
    drawn = charts()
    chart = {
        "labels": [row["department"] for row in figures["departments"]],
        "series": {column: [row[column] for row in figures["departments"]]
                   for each in drawn for column in each["columns"]},
        "charts": [{"id": each["id"], "keys": each["columns"], "stacked": each["stacked"]}
                   for each in drawn],
    }
    return tk.render("dongchang/oversight/evaluation.html", dict(_page_vars(figures),
                                                                 chart=chart, charts=drawn))


@evaluation_blueprint.get("/dongchang/evaluation/report")
def report():
    """The period's evaluation report (评价报告), to print and issue: scores, weights, figures
    and the rectification list."""
    return tk.render("dongchang/oversight/report.html",
                     dict(_page_vars(_figures()), today=dt.date.today().isoformat()))


@evaluation_blueprint.get("/dongchang/evaluation/report.xlsx")
def report_xlsx():
    figures = _figures()
    body = tables.xlsx_bytes({
        "scores": _score_rows(figures), "weights": _weight_rows(figures),
        "figures": _table(figures), "rectification": _rectification_rows(_rectifications())})
    return Response(
        body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=evaluation-report.xlsx"})


@evaluation_blueprint.post("/dongchang/rectification/new")
def rectification_create():
    fields = ("org_id", "problem", "criterion", "due_on", "period_start", "period_end")
    data = {key: tk.request.form[key] for key in fields if tk.request.form.get(key)}
    with flashing_errors():
        call("dongchang_rectification_create", data)
        tk.h.flash_success(tk._("The rectification item was recorded."))
    return tk.redirect_to("dongchang_evaluation.dashboard")


@evaluation_blueprint.post("/dongchang/rectification/<id>/close")
def rectification_close(id: str):
    with flashing_errors(not_found=tk._("Rectification item not found")):
        call("dongchang_rectification_close",
             {"id": id, "closing_note": tk.request.form.get("closing_note", "")})
        tk.h.flash_success(tk._("The rectification item was closed."))
    return tk.redirect_to("dongchang_evaluation.dashboard")


@evaluation_blueprint.get("/dongchang/evaluation.csv")
def export_csv():
    return Response(tables.csv_bytes(_table(_figures())), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=evaluation.csv"})


@evaluation_blueprint.get("/dongchang/evaluation.xlsx")
def export_xlsx():
    return Response(
        tables.xlsx_bytes({"evaluation": _table(_figures())}),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=evaluation.xlsx"})


@evaluation_blueprint.get("/dongchang/audit")
def audit():
    params = {key: tk.request.args[key] for key in ("object_id", "action")
              if tk.request.args.get(key)}
    try:
        result = call("dongchang_audit_list", dict(params, page=tk.request.args.get("page") or 1))
    except tk.ValidationError:
        return tk.abort(400)
    if tk.request.args.get("format") == "csv":
        lines = [["id", "occurred_at", "actor_id", "action", "object_type", "object_id",
                  "detail"]]
        lines.extend([event["id"], event["occurred_at"], event["actor_id"], event["action"],
                      event["object_type"], event["object_id"],
                      json.dumps(event["detail"], ensure_ascii=False)]
                     for event in result["results"])
        return Response(tables.csv_bytes(lines), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=audit.csv"})
    return tk.render("dongchang/oversight/audit.html", {"result": result, "params": params})
