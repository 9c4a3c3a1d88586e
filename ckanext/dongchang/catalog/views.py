"""Pages of catalog management (F-10, F-11): review queue, my catalog, change deadlines,
spreadsheet import and export. Each page calls the action of the same meaning (API parity)."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.dongchang.catalog import spreadsheet
from ckanext.dongchang.catalog.rules import workflow
from ckanext.dongchang.kernel import pages
from ckanext.dongchang.kernel.messages import N_

catalog_blueprint = Blueprint("dongchang_catalog", __name__)

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- labels (the schema's, in the user's language) --------------------------------------------

def _schema_fields() -> dict[str, dict[str, Any]]:
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    return {f["field_name"]: f for f in schema.get("dataset_fields", [])}


def _value_label(spec: dict[str, Any] | None, value: str) -> str:
    if spec and spec.get("choices") and value:
        return tk.h.scheming_choices_label(spec["choices"], value) or value
    return value


def _labelled_changes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = _schema_fields()
    out = []
    for change in changes:
        spec = fields.get(change["field"])
        out.append(dict(change, label=tk.h.scheming_language_text(spec["label"])
                        if spec else _other_labels().get(change["field"], change["field"]),
                        before_label=_value_label(spec, change["before"]),
                        after_label=_value_label(spec, change["after"])))
    return out


def _other_labels() -> dict[str, str]:
    """Labels of the diff rows that are not fields of the schema."""
    return {"resources": tk._("Resource"),
            workflow.WITHDRAWAL: tk._("Withdrawal from the catalog")}


def _state_labels() -> dict[str, str]:
    spec = _schema_fields().get("catalog_state") or {}
    return {c["value"]: tk.h.scheming_language_text(c["label"]) for c in spec.get("choices", [])}


def _field_labels() -> dict[str, str]:
    return {name: tk.h.scheming_language_text(spec["label"])
            for name, spec in _schema_fields().items()}


# --- review (Art. 15) -------------------------------------------------------------------------

def _bureau_only(refusal: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The Bureau's pages: a visitor logs in first; a user who may not review is refused with
    ``refusal`` (a msgid, ``N_``)."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @pages.signed_in()
        @functools.wraps(view)
        def page(*args: Any, **kwargs: Any) -> Any:
            if not tk.h.check_access("dongchang_catalog_review", {}):
                return tk.abort(403, tk._(refusal))
            return view(*args, **kwargs)
        return page
    return decorate


@catalog_blueprint.get("/dongchang/review")
@_bureau_only(N_("Only the Big Data Bureau reviews the catalog."))
def review():
    """The Bureau's queue: submitted entries with changes, duplicates and Art. 17 warnings."""
    page_number = tk.h.get_page_number(tk.request.args)
    filters = {key: tk.request.args[key] for key in REVIEW_FILTERS if tk.request.args.get(key)}
    try:
        result = pages.call("dongchang_catalog_list", dict(
            filters, state="submitted", page=page_number, include_checks=True),
            not_found=tk._("Department not found"))
    except tk.ValidationError as error:
        return pages.abort_invalid(error)
    for entry in result["results"]:
        entry["changes"] = _labelled_changes(entry["changes"])
        entry["class_rows"] = _class_rows(entry.get("classes") or {})
    departments = tk.get_action("organization_list")(pages.context(), {"all_fields": True})
    return tk.render("dongchang/catalog/review.html", {
        "page": pages.paged(result, page_number), "result": result, "field_labels": _field_labels(),
        "filters": filters, "departments": departments})


# The review queue's filters (issue 17 item 10): department, new entries or changes, age.
REVIEW_FILTERS = ("org", "kind", "waiting_days")


def _class_rows(classes: dict[str, str]) -> list[dict[str, str]]:
    """The entry's classes, conditions and legal bases as labelled rows (empty ones left out)."""
    fields = _schema_fields()
    return [{"label": tk.h.scheming_language_text(fields[name]["label"]) if name in fields
             else name, "value": _value_label(fields.get(name), value)}
            for name, value in classes.items() if value]


@catalog_blueprint.post("/dongchang/review/<id>/<decision>")
def decide(id: str, decision: str):
    if decision not in workflow.DECISIONS:
        return tk.abort(404)
    data = {"id": id, "decision": decision, "reason": tk.request.form.get("reason", "")}
    with pages.flashing_errors(not_found=tk._("Catalog entry not found")):
        result = tk.get_action("dongchang_catalog_review")(pages.context(), data)
        if workflow.is_withdrawal((result.get("revision") or {}).get("fields") or []):
            message = (tk._("%(title)s was withdrawn from the catalog.")
                       if decision == "publish"
                       else tk._("The withdrawal of %(title)s was refused; it stays published."))
        else:
            message = (tk._("%(title)s was published.") if decision == "publish"
                       else tk._("%(title)s was returned to its department."))
        tk.h.flash_success(message % {"title": result["title"]})
    return tk.redirect_to("dongchang_catalog.review")


@catalog_blueprint.post("/dongchang/review/<id>/duplicate")
def mark_duplicate(id: str):
    data = {"id": id, "survivor_id": tk.request.form.get("survivor_id", ""),
            "reason": tk.request.form.get("reason", "")}
    with pages.flashing_errors(not_found=tk._("Catalog entry not found")):
        result = tk.get_action("dongchang_catalog_mark_duplicate")(pages.context(), data)
        tk.h.flash_success(tk._("%(title)s was withdrawn as a duplicate of %(survivor)s.") % {
            "title": result["title"], "survivor": result["duplicate_of"]["title"]})
    return tk.redirect_to("dongchang_catalog.review")


@catalog_blueprint.get("/dongchang/my-catalog")
@pages.signed_in()
def my_catalog():
    """A department's entries in the workflow: drafts, returned (with the reason), submitted."""
    sections = {}
    for state in ("returned", "draft", "submitted"):
        sections[state] = tk.get_action("dongchang_catalog_list")(
            pages.context(), {"state": state, "limit": 100})
    # Changes of published entries: held for review, and those the Bureau returned (F-10).
    changes = {state: tk.get_action("dongchang_catalog_revision_list")(
        pages.context(), {"state": state, "limit": 100}) for state in ("pending", "returned")}
    return tk.render("dongchang/catalog/review_mine.html", {
        "sections": sections, "changes": changes, "state_labels": _state_labels()})


@catalog_blueprint.post("/dongchang/my-catalog/<id>/submit")
def submit(id: str):
    with pages.flashing_errors(not_found=tk._("Catalog entry not found")):
        result = tk.get_action("dongchang_catalog_submit")(pages.context(), {"id": id})
        tk.h.flash_success(tk._("%(title)s was submitted to the Big Data Bureau for review.")
                           % {"title": result["title"]})
        for warning in result["warnings"]:
            tk.h.flash_notice(warning["message"])
        if result["duplicates"]:
            tk.h.flash_notice(tk._("Possible duplicates elsewhere in the catalog: %(titles)s")
                              % {"titles": ", ".join(d["title"] for d in result["duplicates"])})
    return tk.redirect_to("dongchang_catalog.my_catalog")


@catalog_blueprint.post("/dongchang/my-catalog/<id>/withdraw")
def withdraw(id: str):
    """A department asks the Bureau to withdraw a published entry (issue 17 item 5)."""
    with pages.flashing_errors(not_found=tk._("Catalog entry not found")):
        result = tk.get_action("dongchang_catalog_withdraw")(
            pages.context(), {"id": id, "reason": tk.request.form.get("reason", "")})
        tk.h.flash_success(tk._("The withdrawal of %(title)s was sent to the Big Data Bureau;"
                                " the entry stays public until it decides.")
                           % {"title": result["title"]})
    return tk.redirect_to("dataset.read", id=id)


# --- change deadlines (Art. 16) ---------------------------------------------------------------

_CHANGE_FIELDS = ("dataset_id", "trigger", "occurred_on", "note")


def _trigger_labels() -> dict[str, str]:
    return {
        "legal_basis": tk._("Change in the legal basis"),
        "functions": tk._("Change in the department's functions"),
        "system_update": tk._("Information system update completed"),
        "other": tk._("Other change to the data"),
    }


def _status_labels() -> dict[str, str]:
    return {"open": tk._("Open"), "due_soon": tk._("Due soon"), "overdue": tk._("Overdue"),
            "closed": tk._("Reported")}


def _changes_sections(data_dict: dict[str, Any]) -> dict[str, Any]:
    action = tk.get_action("dongchang_catalog_change_list")
    return {
        "overdue": action(pages.context(), dict(data_dict, overdue=True, limit=100)),
        "due_soon": action(pages.context(), dict(data_dict, due_soon=True, limit=100)),
        "open": action(pages.context(), dict(data_dict, state="open", limit=100)),
        "closed": action(pages.context(), dict(data_dict, state="closed", limit=20)),
        # Art. 16: data older than its update cycle allows (listed with the update deadlines)
        "stale": tk.get_action("dongchang_freshness_list")(
            pages.context(), {"org_id": data_dict["org"], "limit": 100} if data_dict.get("org")
            else {"limit": 100}),
    }


@catalog_blueprint.route("/organization/<id>/changes", methods=("GET", "POST"))
def org_changes(id: str):
    """A department's change events, and the form to record one."""
    org = pages.department_or_404(id)
    data: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        data = {f: tk.request.form.get(f) for f in _CHANGE_FIELDS if tk.request.form.get(f)}
        with pages.form_errors() as errors:
            try:
                created = tk.get_action("dongchang_catalog_change_create")(pages.context(), data)
            except tk.ObjectNotFound:
                # The entry was picked from this page's list: say at the field that it is gone.
                errors["dataset_id"] = [tk._("Catalog entry not found")]
            else:
                tk.h.flash_success(
                    tk._("The change was recorded: update %(title)s by %(due_on)s.")
                    % {"title": created["dataset_title"], "due_on": created["due_on"]})
                return tk.redirect_to("dongchang_catalog.org_changes", id=org["name"])
    with pages.refusals(forbidden=tk._("Only the department's editors and the Bureau can see its"
                                       " changes.")):
        sections = _changes_sections({"org": org["id"]})
    entries = tk.get_action("package_search")(pages.context(), {
        "fq": f'owner_org:"{org["id"]}" +dataset_type:dataset', "include_private": True,
        "rows": 1000, "sort": "title_string asc", "fl": "id,name,title"})["results"]
    return tk.render("dongchang/catalog/changes_org.html", {
        "group_dict": org, "group_type": "organization", "sections": sections,
        "entries": entries, "data": data, "errors": errors,
        "trigger_labels": _trigger_labels(), "status_labels": _status_labels()})


@catalog_blueprint.get("/dongchang/changes")
@_bureau_only(N_("Only the Big Data Bureau sees every department's changes."))
def all_changes():
    """The Bureau's view of every department's change events."""
    org = tk.request.args.get("org") or None
    with pages.refusals(not_found=tk._("Department not found")):
        sections = _changes_sections({"org": org} if org else {})
    return tk.render("dongchang/catalog/changes.html", {
        "sections": sections, "org": org, "trigger_labels": _trigger_labels(),
        "status_labels": _status_labels()})


@catalog_blueprint.post("/dongchang/change/<id>/report")
def report(id: str):
    with pages.flashing_errors(not_found=tk._("Catalog change not found")):
        change = tk.get_action("dongchang_catalog_change_report")(pages.context(), {"id": id})
        tk.h.flash_success(tk._("The update of %(title)s was reported to the Big Data Bureau.")
                           % {"title": change["dataset_title"]})
    target = tk.request.form.get("came_from") or ""
    if target.startswith("/") and not target.startswith("//"):
        return tk.redirect_to(target)
    return tk.redirect_to("dongchang_catalog.all_changes")


# --- spreadsheets -----------------------------------------------------------------------------

@catalog_blueprint.route("/organization/<id>/import", methods=("GET", "POST"))
def import_catalog(id: str):
    """Upload page for department admins: check a sheet, then import all rows or none."""
    org = pages.department_or_404(id)
    if not tk.h.check_access("dongchang_catalog_import", {"org": org["id"]}):
        return tk.abort(403, tk._("Only the department's admins can import its catalog."))
    result = None
    if tk.request.method == "POST":
        try:
            result = tk.get_action("dongchang_catalog_import")(pages.context(), {
                "org": org["id"], "upload": tk.request.files.get("upload"),
                "dry_run": tk.request.form.get("mode") != "import"})
        except tk.ValidationError as error:
            pages.flash_errors(error)
        else:
            if result["errors"]:
                tk.h.flash_error(tk._("The file has errors; nothing was imported."))
            elif result["dry_run"]:
                tk.h.flash_success(tk._("The file is ready: %(rows)s entries can be imported.")
                                   % {"rows": result["rows"]})
            else:
                tk.h.flash_success(tk._("%(count)s entries were imported as drafts.")
                                   % {"count": len(result["created"])})
    return tk.render("dongchang/catalog/import.html", {
        "group_dict": org, "group_type": "organization", "result": result})


@catalog_blueprint.get("/organization/<id>/export.<fmt>")
def export_catalog(id: str, fmt: str):
    if fmt not in ("xlsx", "csv"):
        return tk.abort(404)
    rows = pages.call("dongchang_catalog_export", {"org": id},
                      not_found=tk._("Department not found"),
                      forbidden=tk._("Only the department's editors and the Bureau can export its"
                                     " catalog."))
    if fmt == "xlsx":
        body, mimetype = spreadsheet.to_xlsx(rows), _XLSX
    else:
        body, mimetype = spreadsheet.to_csv(rows), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="catalog-{id}.{fmt}"'})
