"""A department's catalog as a spreadsheet: import (all rows or none) and export (F-2, F-10).

Format (the same for import and export, so an export imports again):

* ``.xlsx``: sheet ``catalog``, one entry per row, one column per field of the catalog schema
  (header = the field name; the English or Chinese label is accepted too), without
  ``owner_org`` (the department is chosen on import) and ``data_items``; sheet ``data_items``,
  one data item per row, columns ``resource_code`` (the entry's), ``name``, ``type``,
  ``description``, ``source_org``. Resources (download URLs) are not part of the catalog sheet.
* ``.csv`` (UTF-8, or GB18030 as Chinese Excel saves it): the ``catalog`` columns plus a
  ``data_items`` column holding the items as a JSON list. An ``.xlsx`` may use that column too.

A dry run validates every row with the very schema ``package_create`` uses (scheming's,
through the dataset plugin's ``validate``), without writing, plus what only the file can tell (a
resource code or URL name twice in the file, related codes naming rows of the file, which must
then be created first); it reports every error with its row and column, in the user's language.
A real run checks what only the file can tell, then creates: every ``package_create`` runs with
``defer_commit`` inside one database transaction, committed once at the end, so each row is
validated once. ``package_create`` rolls the session back when a row fails (a wrong value, or
another user took a resource code meanwhile), which undoes the rows before it too, so the
import keeps all rows or none, and the file is then validated whole to report every error. The
search index is updated after the commit.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import plugins as lib_plugins
from ckan.types import Context

from ckanext.dongchang.catalog.rules import workflow
from ckanext.dongchang.kernel import index_batch, tables
from ckanext.dongchang.kernel.messages import N_, Message, render

CATALOG_SHEET = "catalog"
ITEMS_SHEET = "data_items"
ITEM_KEY = "resource_code"
ITEM_FIELDS = ("name", "type", "description", "source_org", "personal_information")
NOT_COLUMNS = frozenset({"owner_org", "data_items"})
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
_CODES = re.compile(r"[,，;；\s]+")

UNKNOWN_COLUMN = N_("The column %(column)s is not a field of the catalog.")
UNREADABLE = N_("The file could not be read as %(kind)s: %(error)s")
UNSUPPORTED = N_("Upload an .xlsx or a .csv file.")
TOO_BIG = N_("The file is too large: at most %(limit)s rows and 10 MB.")
EMPTY = N_("The file has no catalog entries.")
TWICE = N_("%(value)s is already used in row %(row)s of this file.")
ITEMS_JSON = N_("Give the data items as a JSON list of objects with name, type, description"
                " and source_org.")
ITEM_WITHOUT_ENTRY = N_("No row of the catalog sheet has the resource code %(code)s.")
ITEM_ERROR = N_("Data item %(position)s: %(message)s")
RELATED_CYCLE = N_("These entries name each other as related resources, so none can be"
                   " created first: %(codes)s")


@dataclass
class Row:
    """One catalog entry read from the file."""

    number: int
    data: dict[str, Any]
    headers: dict[str, str]  # field -> column header as written in the file
    item_rows: list[int] = field(default_factory=list)  # items sheet rows, in item order


@dataclass
class Sheet:
    rows: list[Row]
    errors: list[dict[str, Any]]


def _error(sheet: str, row: int, column: str, field_name: str, message: str) -> dict[str, Any]:
    return {"sheet": sheet, "row": row, "column": column, "field": field_name,
            "message": render(message, tk._)}


# --- columns ----------------------------------------------------------------------------------

def _schema() -> dict[str, Any]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    return scheming_get_dataset_schema("dataset")


def columns() -> list[str]:
    """The catalog sheet's columns: the schema's dataset fields, in form order."""
    return [f["field_name"] for f in _schema()["dataset_fields"]
            if f["field_name"] not in NOT_COLUMNS]


def _spellings(fields: list[dict[str, Any]], wanted: list[str]) -> dict[str, str]:
    """Every accepted header spelling (lower case) -> field name."""
    out = {}
    for spec in fields:
        name = spec["field_name"]
        if name not in wanted:
            continue
        out[name.lower()] = name
        label = spec.get("label")
        for text in (label.values() if isinstance(label, dict) else [label]):
            if isinstance(text, str) and text.strip():
                out[text.strip().lower()] = name
    return out


def _header_map(headers: list[Any], spellings: dict[str, str], sheet: str,
                errors: list[dict[str, Any]]) -> dict[int, tuple[str, str]]:
    """Column index -> (field, header text); unknown headers are errors, blank ones ignored."""
    mapping = {}
    for index, header in enumerate(headers):
        text = _cell_text(header)
        if not text:
            continue
        field_name = spellings.get(text.lower())
        if field_name is None:
            match = re.search(r"\(([a-z_]+)\)\s*$", text)  # "资源名称 (title)"
            field_name = spellings.get(match.group(1)) if match else None
        if field_name is None:
            errors.append(_error(sheet, 1, text, "",
                                 Message(UNKNOWN_COLUMN, column=text)))
            continue
        mapping[index] = (field_name, text)
    return mapping


def _cell_text(value: Any) -> str:
    """A cell as the text CKAN's validators expect ("" for empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return workflow.normalize(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- reading ----------------------------------------------------------------------------------

def read(content: bytes, filename: str) -> Sheet:
    """Parse an uploaded file; problems of the file itself come back as errors, not raised."""
    name = (filename or "").lower()
    if len(content) > MAX_BYTES:
        return Sheet([], [_error(CATALOG_SHEET, 0, "", "", Message(TOO_BIG, limit=MAX_ROWS))])
    try:
        if name.endswith(".xlsx"):
            tables = _read_xlsx(content)
        elif name.endswith(".csv"):
            tables = {CATALOG_SHEET: _read_csv(content)}
        else:
            return Sheet([], [_error(CATALOG_SHEET, 0, "", "", UNSUPPORTED)])
    except Exception as error:  # noqa: BLE001 - any parser failure is the file's fault
        kind = "Excel (.xlsx)" if name.endswith(".xlsx") else "CSV"
        return Sheet([], [_error(CATALOG_SHEET, 0, "", "",
                                 Message(UNREADABLE, kind=kind, error=str(error)[:200]))])
    return _rows(tables)


def _read_xlsx(content: bytes) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        names = book.sheetnames
        main = CATALOG_SHEET if CATALOG_SHEET in names else names[0]
        tables = {CATALOG_SHEET: [list(r) for r in book[main].iter_rows(values_only=True)]}
        if ITEMS_SHEET in names and main != ITEMS_SHEET:
            tables[ITEMS_SHEET] = [list(r) for r in book[ITEMS_SHEET].iter_rows(values_only=True)]
        return tables
    finally:
        book.close()


def _read_csv(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("gb18030")
    return [[tables.csv_unescape(cell) for cell in row] for row in csv.reader(io.StringIO(text))]


def _blank(row: list[Any]) -> bool:
    return all(_cell_text(cell) == "" for cell in row)


def _rows(tables: dict[str, list[list[Any]]]) -> Sheet:
    errors: list[dict[str, Any]] = []
    table = tables.get(CATALOG_SHEET) or []
    if not table or all(_blank(r) for r in table[1:]):
        return Sheet([], [_error(CATALOG_SHEET, 0, "", "", EMPTY)])
    if len(table) - 1 > MAX_ROWS:
        return Sheet([], [_error(CATALOG_SHEET, 0, "", "", Message(TOO_BIG, limit=MAX_ROWS))])
    fields = _schema()["dataset_fields"]
    spellings = _spellings(fields, [*columns(), "data_items"])
    mapping = _header_map(table[0], spellings, CATALOG_SHEET, errors)
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if _blank(cells):
            continue
        data, headers = {}, {}
        for index, (field_name, header) in mapping.items():
            headers[field_name] = header
            text = _cell_text(cells[index] if index < len(cells) else None)
            if text:
                data[field_name] = text
        if "data_items" in data:
            items = _json_items(data.pop("data_items"))
            if items is None:
                errors.append(_error(CATALOG_SHEET, number, headers["data_items"], "data_items",
                                     ITEMS_JSON))
            else:
                data["data_items"] = items
        rows.append(Row(number, data, headers))
    _attach_items(rows, tables.get(ITEMS_SHEET), fields, errors)
    return Sheet(rows, errors)


def _json_items(text: str) -> list[dict[str, Any]] | None:
    try:
        items = json.loads(text)
    except ValueError:
        return None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return None
    return [{k: _cell_text(v) for k, v in item.items() if k in ITEM_FIELDS} for item in items]


def _attach_items(rows: list[Row], table: list[list[Any]] | None, fields: list[dict[str, Any]],
                  errors: list[dict[str, Any]]) -> None:
    """Give each entry the data items listed for its resource code on the items sheet."""
    if not table:
        return
    subfields = next((f.get("repeating_subfields") or [] for f in fields
                      if f["field_name"] == "data_items"), [])
    spellings = _spellings(subfields, list(ITEM_FIELDS))
    spellings.update(_spellings(fields, [ITEM_KEY]))
    mapping = _header_map(table[0], spellings, ITEMS_SHEET, errors)
    by_code = {row.data.get(ITEM_KEY): row for row in rows if row.data.get(ITEM_KEY)}
    for number, cells in enumerate(table[1:], start=2):
        if _blank(cells):
            continue
        item, code, code_header = {}, "", ITEM_KEY
        for index, (field_name, header) in mapping.items():
            text = _cell_text(cells[index] if index < len(cells) else None)
            if field_name == ITEM_KEY:
                code, code_header = text, header
            elif text:
                item[field_name] = text
        owner = by_code.get(code)
        if owner is None:
            errors.append(_error(ITEMS_SHEET, number, code_header, ITEM_KEY,
                                 Message(ITEM_WITHOUT_ENTRY, code=code)))
            continue
        owner.data.setdefault("data_items", []).append(item)
        owner.item_rows.append(number)


# --- validating -------------------------------------------------------------------------------

def _context(context: Context) -> Context:
    user = context.get("auth_user_obj")
    if not isinstance(user, model.User):
        user = model.User.get(context.get("user") or "")
    return {"model": model, "session": model.Session, "user": user.name if user else "",
            "auth_user_obj": user}


def _related(data: dict[str, Any]) -> list[str]:
    value = data.get("related_resource_codes") or ""
    return [c for c in _CODES.split(value) if c] if isinstance(value, str) else []


def _file_errors(rows: list[Row]) -> list[dict[str, Any]]:
    """What only the whole file shows: the same resource code or URL name twice."""
    errors = []
    for field_name in ("resource_code", "name"):
        first: dict[str, int] = {}
        for row in rows:
            value = row.data.get(field_name)
            if not value:
                continue
            if value in first:
                errors.append(_error(CATALOG_SHEET, row.number, row.headers[field_name],
                                     field_name, Message(TWICE, value=value, row=first[value])))
            else:
                first[value] = row.number
    return errors


def _creation_order(rows: list[Row]) -> tuple[list[Row], list[dict[str, Any]]]:
    """Rows ordered so that an entry comes after the entries of the file it names as related."""
    codes = {row.data.get("resource_code"): row for row in rows if row.data.get("resource_code")}
    ordered, placed, pending = [], set(), list(rows)
    while pending:
        ready = [row for row in pending
                 if all(c in placed or c not in codes or codes[c] is row
                        for c in _related(row.data))]
        if not ready:
            cycle = ", ".join(sorted(str(r.data.get("resource_code")) for r in pending))
            return ordered, [_error(CATALOG_SHEET, row.number,
                                    row.headers.get("related_resource_codes", ""),
                                    "related_resource_codes", Message(RELATED_CYCLE, codes=cycle))
                             for row in pending]
        for row in ready:
            ordered.append(row)
            placed.add(row.data.get("resource_code"))
        pending = [row for row in pending if row not in ready]
    return ordered, []


def _entry(row: Row, org_id: str, file_codes: set[str] | None = None) -> dict[str, Any]:
    """The ``package_create`` input of a row; ``file_codes`` drops related codes that name rows
    of the file (they do not exist yet during the dry run; creation order takes care of them)."""
    data = dict(row.data, owner_org=org_id, type="dataset")
    if file_codes is not None and data.get("related_resource_codes"):
        kept = [c for c in _related(data) if c not in file_codes]
        if kept:
            data["related_resource_codes"] = ", ".join(kept)
        else:
            data.pop("related_resource_codes")
    return data


def validate(context: Context, org_id: str, rows: list[Row]) -> list[dict[str, Any]]:
    """Every error of every row, as ``package_create`` would report it, nothing written."""
    return _file_errors(rows) + _rows_errors(context, org_id, rows)


def _rows_errors(context: Context, org_id: str, rows: list[Row]) -> list[dict[str, Any]]:
    """Each row validated with the very schema ``package_create`` uses, nothing written."""
    plugin = lib_plugins.lookup_package_plugin("dataset")
    schema = plugin.create_package_schema()
    file_codes = {r.data["resource_code"] for r in rows if r.data.get("resource_code")}
    errors = []
    for row in rows:
        _, row_errors = lib_plugins.plugin_validate(
            plugin, _context(context), _entry(row, org_id, file_codes), schema, "package_create")
        errors.extend(_row_errors(row, row_errors))
    return errors


def _row_errors(row: Row, error_dict: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for field_name, value in error_dict.items():
        if field_name == "data_items" and isinstance(value, list) \
                and any(isinstance(v, dict) for v in value):
            out.extend(_item_errors(row, value))
            continue
        for message in _messages(value):
            out.append(_error(CATALOG_SHEET, row.number, row.headers.get(field_name, field_name),
                              field_name, message))
    return out


def _item_errors(row: Row, errors: list[Any]) -> list[dict[str, Any]]:
    out = []
    for position, item_errors in enumerate(errors, start=1):
        if not isinstance(item_errors, dict):
            continue
        for subfield, value in item_errors.items():
            for message in _messages(value):
                if len(row.item_rows) >= position:  # the item came from the items sheet
                    out.append(_error(ITEMS_SHEET, row.item_rows[position - 1], subfield,
                                      f"data_items.{subfield}", message))
                else:
                    out.append(_error(
                        CATALOG_SHEET, row.number, row.headers.get("data_items", "data_items"),
                        "data_items", render(ITEM_ERROR, tk._) % {
                            "position": position, "message": message}))
    return out


def _messages(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [m for v in value for m in _messages(v)]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    return [str(value)]


# --- importing --------------------------------------------------------------------------------

def run_import(context: Context, org_id: str, content: bytes, filename: str,
               dry_run: bool) -> dict[str, Any]:
    """Check the file and, unless ``dry_run`` or anything is wrong, create every entry."""
    sheet = read(content, filename)
    errors = list(sheet.errors)
    ordered: list[Row] = []
    if sheet.rows:
        errors.extend(_file_errors(sheet.rows))
        ordered, cycle_errors = _creation_order(sheet.rows)
        errors.extend(cycle_errors)
        if dry_run or errors:
            # A real run validates each row once, as it creates it (issue 20 item 2); a file
            # that fails then is validated whole for the report (``_create_all``).
            errors.extend(_rows_errors(context, org_id, sheet.rows))
    result: dict[str, Any] = {"dry_run": dry_run, "rows": len(sheet.rows),
                              "errors": sorted(errors, key=_error_order), "created": []}
    if errors or dry_run:
        return result
    created = _create_all(context, org_id, ordered, result)
    result["created"] = created
    return result


def _error_order(error: dict[str, Any]) -> tuple[int, int, str]:
    return (0 if error["sheet"] == CATALOG_SHEET else 1, error["row"], error["column"])


def _create_all(context: Context, org_id: str, rows: list[Row],
                result: dict[str, Any]) -> list[dict[str, str]]:
    """Create every row in one transaction (``defer_commit``), commit once, then send the
    entries to the search index together (``index_batch``: each read for the index once, as
    it is created, which its activity snapshot reuses). A row that fails undoes the rows
    before it; the report then lists every error of the file, as a dry run would."""
    ids: list[str] = []
    batch: index_batch.Batch = []
    for row in rows:
        create_context = index_batch.joined(
            dict(_context(context), defer_commit=True, return_id_only=True), batch)
        try:
            ids.append(tk.get_action("package_create")(create_context, _entry(row, org_id)))
        except tk.ValidationError as error:
            # package_create has rolled the session back: the rows before are undone too.
            model.Session.rollback()
            report = validate(context, org_id, rows) or _row_errors(row, error.error_dict)
            result["errors"] = sorted(report, key=_error_order)
            return []
        except Exception:
            model.Session.rollback()
            raise
    model.Session.commit()
    names = dict(model.Session.query(model.Package.id, model.Package.name)
                 .filter(model.Package.id.in_(ids)))
    index_batch.send(batch)
    return [{"id": entry_id, "name": names[entry_id], "row": row.number}
            for entry_id, row in zip(ids, rows, strict=True)]


# --- exporting --------------------------------------------------------------------------------

def entries_of(context: Context, org_id: str) -> list[dict[str, Any]]:
    """The department's catalog entries the caller may see, by URL name."""
    out, start = [], 0
    while True:
        found = tk.get_action("package_search")(dict(_context(context)), {
            "fq": f'owner_org:"{org_id}" +dataset_type:dataset', "include_private": True,
            "rows": 1000, "start": start, "sort": "name asc"})
        out.extend(found["results"])
        start += 1000
        if start >= found["count"]:
            return out


def _value(entry: dict[str, Any], field_name: str) -> str:
    if field_name == "tag_string":
        return ",".join(sorted(t["name"] for t in entry.get("tags") or []))
    value = entry.get(field_name)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return workflow.normalize(value)


def export_rows(context: Context, org_id: str) -> dict[str, Any]:
    """``{"columns", "rows", "items"}``: the catalog sheet and the data items sheet."""
    cols = columns()
    rows, items = [], []
    for entry in entries_of(context, org_id):
        rows.append({name: _value(entry, name) for name in cols})
        for item in entry.get("data_items") or []:
            items.append({ITEM_KEY: entry.get(ITEM_KEY) or "",
                          **{name: workflow.normalize(item.get(name)) for name in ITEM_FIELDS}})
    return {"columns": cols, "rows": rows, "items": items}


def to_xlsx(export: dict[str, Any]) -> bytes:
    item_columns = (ITEM_KEY, *ITEM_FIELDS)
    return tables.xlsx_bytes({
        CATALOG_SHEET: [export["columns"], *([row.get(name, "") for name in export["columns"]]
                                             for row in export["rows"])],
        ITEMS_SHEET: [list(item_columns), *([item.get(name, "") for name in item_columns]
                                            for item in export["items"])],
    })


def to_csv(export: dict[str, Any]) -> bytes:
    by_code: dict[str, list[dict[str, str]]] = {}
    for item in export["items"]:
        by_code.setdefault(item[ITEM_KEY], []).append(
            {name: item[name] for name in ITEM_FIELDS if item.get(name)})
    lines: list[list[str]] = [[*export["columns"], "data_items"]]
    for row in export["rows"]:
        items = by_code.get(row.get(ITEM_KEY, ""), [])
        lines.append([*(row.get(name, "") for name in export["columns"]),
                      json.dumps(items, ensure_ascii=False) if items else ""])
    return tables.csv_bytes(lines)
