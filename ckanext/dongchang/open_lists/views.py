"""Pages and downloads of the open lists (Art. 23, F-8); each calls ``dongchang_open_list``.

"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.dongchang.kernel import tables
from ckanext.dongchang.kernel.pages import abort_invalid, call, paged
from ckanext.dongchang.open_lists.actions import MAX_LIMIT

open_lists_blueprint = Blueprint("dongchang_open_lists", __name__)

_CLASS = "<any(unconditional, conditional):open_class>"

# CSV header: Chinese first, English in parentheses, the same in every interface language so
# scripts can rely on it. (column key, header)
_CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("resource_code", "资源代码 (Resource code)"),
    ("title", "资源名称 (Title)"),
    ("url", "链接 (Link)"),
    ("department", "提供部门 (Department)"),
    ("update_cycle_label", "更新周期 (Update cycle)"),
    ("open_conditions", "开放条件 (Open conditions)"),
    ("open_legal_basis", "法律依据 (Legal basis)"),
    ("metadata_modified", "最后更新 (Last updated)"),
)


def _filters() -> dict[str, str]:
    args = tk.request.args
    return {key: args[key] for key in ("org", "sort") if args.get(key)}


def _open_list(open_class: str, **params: Any) -> dict[str, Any]:
    try:
        return call("dongchang_open_list", dict(params, open_class=open_class))
    except tk.ValidationError as error:
        return abort_invalid(error)


@open_lists_blueprint.get(f"/open-list/{_CLASS}")
def read(open_class: str):
    """One list as a page: department filter, sortable columns, 20 entries a page."""
    filters = _filters()
    page_number = tk.h.get_page_number(tk.request.args)
    result = _open_list(open_class, page=page_number, **filters)
    return tk.render("dongchang/open_lists/open_list.html", {
        "open_class": open_class, "result": result, "page": paged(result, page_number),
        "filters": filters,
    })


def _all_rows(open_class: str) -> list[dict[str, Any]]:
    """Every entry of the list, in pages of the largest size search allows."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        result = _open_list(open_class, page=page, limit=MAX_LIMIT, **_filters())
        rows.extend(result["results"])
        if not result["results"] or len(rows) >= result["count"]:
            return rows
        page += 1


@open_lists_blueprint.get(f"/open-list/{_CLASS}.<any(csv, json):fmt>")
def export(open_class: str, fmt: str):
    """The whole list as CSV (UTF-8 with BOM, so Excel reads Chinese) or JSON."""
    rows = _all_rows(open_class)
    filename = f"open-list-{open_class}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "json":
        body = json.dumps({"open_class": open_class, "count": len(rows), "results": rows},
                          ensure_ascii=False, indent=1)
        return Response(body, mimetype="application/json", headers=headers)
    columns = [c for c in _CSV_COLUMNS
               if c[0] != "open_conditions" or open_class == "conditional"]
    lines = [[header for _, header in columns]]
    for row in rows:
        cells = dict(row, metadata_modified=row["metadata_modified"][:19].replace("T", " "))
        lines.append([cells.get(key, "") for key, _ in columns])
    return Response(tables.csv_bytes(lines), headers=headers,
                    content_type="text/csv; charset=utf-8")
