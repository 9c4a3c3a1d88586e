"""Evaluation dashboard, its exports, and the audit log viewer (F-12, F-13)."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.dongchang.kernel import tables
from ckanext.dongchang.kernel.pages import abort_invalid, call

evaluation_blueprint = Blueprint("dongchang_evaluation", __name__)

_FILTERS = ("org_id", "start", "end")


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
    }


def _rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    rows = list(figures["departments"])
    if figures.get("district"):
        rows.append(dict(figures["district"], department=tk._("District total")))
    return rows


def _table(figures: dict[str, Any]) -> list[list[Any]]:
    labels = column_labels()
    header = [labels.get(column, column) for column in figures["columns"]]
    return [header] + [[row.get(column) for column in figures["columns"]]
                       for row in _rows(figures)]


def dashboard():
    figures = _figures()
    chart = {
        "labels": [row["department"] for row in figures["departments"]],
        "series": {column: [row[column] for row in figures["departments"]]
                   for column in ("share_unconditional", "share_conditional", "share_not_shared",
                                  "median_response_working_days", "overdue_responses")},
    }
    return tk.render("dongchang/oversight/evaluation.html", {
        "figures": figures, "rows": _rows(figures), "labels": column_labels(),
        "chart": chart,
        "filters": {key: tk.request.args.get(key, "") for key in _FILTERS},
    })


def export_csv():
    return Response(tables.csv_bytes(_table(_figures())), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=evaluation.csv"})


def export_xlsx():
    return Response(
        tables.xlsx_bytes({"evaluation": _table(_figures())}),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=evaluation.xlsx"})


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


evaluation_blueprint.add_url_rule("/dongchang/evaluation", view_func=dashboard)
evaluation_blueprint.add_url_rule("/dongchang/evaluation.csv", view_func=export_csv)
evaluation_blueprint.add_url_rule("/dongchang/evaluation.xlsx", view_func=export_xlsx)
evaluation_blueprint.add_url_rule("/dongchang/audit", view_func=audit)
