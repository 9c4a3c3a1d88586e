"""The access log page and its CSV export (issue 16 item 5): each reader sees the rows
``dongchang_access_log_list`` gives them — their own use, their department's data, or all."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.dongchang.delivery import datastore, service
from ckanext.dongchang.kernel import tables
from ckanext.dongchang.kernel.pages import abort_invalid, call, login_first, paged

delivery_blueprint = Blueprint("dongchang_delivery", __name__)
delivery_blueprint.after_app_request(service.record_deliveries)
delivery_blueprint.after_app_request(datastore.answer_quota)
delivery_blueprint.before_app_request(datastore.guard_dump)
delivery_blueprint.after_app_request(datastore.finish_dump)

_FILTERS = ("dataset_id", "request_id", "user")
_EXPORT_ROWS = 1000


def _params() -> dict[str, Any]:
    return {key: tk.request.args[key] for key in _FILTERS if tk.request.args.get(key)}


def _result(**extra: Any) -> dict[str, Any]:
    try:
        return call("dongchang_access_log_list", dict(_params(), **extra))
    except tk.ValidationError as error:
        return abort_invalid(error)


@delivery_blueprint.get("/dongchang/access-log")
def access_log():
    redirect = login_first(tk._("Sign in to see the use of data."))
    if redirect is not None:
        return redirect
    number = tk.request.args.get("page") or 1
    result = _result(page=number)
    return tk.render("dongchang/delivery/access_log.html",
                     {"page": paged(result, result["page"]), "params": _params(),
                      "count": result["count"]})


@delivery_blueprint.get("/dongchang/access-log.csv")
def access_log_csv():
    """Every row the reader may see (page by page, so the export is whole), times in the
    display time zone, each cell kept as data (``kernel/tables``: no formula runs)."""
    redirect = login_first(tk._("Sign in to see the use of data."))
    if redirect is not None:
        return redirect
    lines = [[tk._("Time"), tk._("User"), tk._("Entry"), tk._("File"), tk._("Grant"),
              tk._("Channel"), tk._("Bytes"), tk._("Client address")]]
    number, shown = 1, 0
    while True:
        result = _result(page=number, limit=_EXPORT_ROWS)
        lines.extend(_line(row) for row in result["results"])
        shown += len(result["results"])
        if not result["results"] or shown >= result["count"]:
            break
        number += 1
    return Response(tables.csv_bytes(lines), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=access-log.csv"})


def _line(row: dict[str, Any]) -> list[Any]:
    return [tk.h.render_datetime(row["occurred_at"], with_seconds=True), row["user_name"],
            row["dataset_title"], row["resource_name"], row["request_id"] or "",
            row["channel"], "" if row["bytes"] is None else row["bytes"],
            row["client_address"] or ""]
