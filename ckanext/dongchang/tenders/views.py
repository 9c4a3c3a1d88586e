"""Pages of tenders (F-6): the public list and notice, the Bureau's forms. Each calls an action."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.dongchang.kernel import pages
from ckanext.dongchang.tenders import rules

tenders_blueprint = Blueprint("dongchang_tenders", __name__)

_ANNOUNCEMENT_FIELDS = rules.ANNOUNCEMENT_FIELDS
_AWARD_FIELDS = ("awardee", "award_date", "contract_start", "contract_end")


def labels() -> dict[str, dict[str, str]]:
    """Translated names of methods and states (written next to their codes in the rules)."""
    return {"method": {code: tk._(label) for code, label in rules.METHOD_LABELS.items()},
            "state": {code: tk._(label) for code, label in rules.STATE_LABELS.items()}}


def _form(fields: tuple[str, ...]) -> dict[str, Any]:
    form = tk.request.form
    return {field: form.get(field) for field in fields if form.get(field) is not None}


def _may_manage() -> bool:
    return tk.h.check_access("dongchang_tender_create")


@tenders_blueprint.get("/tender")
def index():
    """The public list of tenders open for bids, closed for bidding and awarded; with
    ``?dataset=<entry>`` those covering that entry (where the application form's
    commercial-use message leads, issue 17 item 9)."""
    page_number = tk.h.get_page_number(tk.request.args)
    state = tk.request.args.get("state") or ""
    data: dict[str, Any] = {"page": page_number}
    if state in rules.STATES:
        data["state"] = state
    entry = _entry(tk.request.args.get("dataset") or "")
    if entry:
        data["dataset_id"] = entry["id"]
    result = tk.get_action("dongchang_tender_list")(pages.context(), data)
    return tk.render("dongchang/tenders/tender_list.html", {
        "page": pages.paged(result, page_number), "state": state, "labels": labels(),
        "may_manage": _may_manage(), "entry": entry})


def _entry(name: str) -> dict[str, Any] | None:
    """The entry the list is narrowed to, if the visitor may see it (else the whole list)."""
    if not name:
        return None
    try:
        return tk.get_action("package_show")(pages.context(), {"id": name})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def _show(id: str) -> dict[str, Any]:
    return pages.call("dongchang_tender_show", {"id": id}, not_found=tk._("Tender not found"))


@tenders_blueprint.get("/tender/<id>")
def read(id: str, award_data: dict[str, Any] | None = None,
         award_errors: dict[str, Any] | None = None):
    tender = _show(id)
    return tk.render("dongchang/tenders/tender_read.html", {
        "tender": tender, "labels": labels(), "may_manage": _may_manage(),
        "award_data": award_data or {}, "award_errors": award_errors or {},
        "award_summary": pages.error_summary(award_errors or {})})


@tenders_blueprint.route("/tender/new", methods=("GET", "POST"))
def new():
    """The Bureau announces a tender."""
    return _edit_form(None)


@tenders_blueprint.route("/tender/<id>/edit", methods=("GET", "POST"))
def edit(id: str):
    return _edit_form(id)


def _edit_form(tender_id: str | None):
    if not _may_manage():
        return tk.abort(403, tk._("Only the Big Data Bureau announces, changes, awards and"
                                  " cancels tenders."))
    tender = _show(tender_id) if tender_id else None
    data: dict[str, Any] = {}
    if tender is not None:
        data = {field: tender.get(field) for field in _ANNOUNCEMENT_FIELDS}
        data["dataset_ids"] = ", ".join(d["name"] for d in tender["datasets"])
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        data = _form(_ANNOUNCEMENT_FIELDS)
        action = "dongchang_tender_update" if tender else "dongchang_tender_create"
        payload = dict(data, id=tender["id"]) if tender else data
        with pages.form_errors() as errors:
            saved = tk.get_action(action)(pages.context(), payload)
            tk.h.flash_success(tk._("The tender was saved. Its number is %(id)s.")
                               % {"id": saved["id"]})
            return tk.redirect_to("dongchang_tenders.read", id=saved["id"])
    return tk.render("dongchang/tenders/tender_form.html", {
        "tender": tender, "data": data, "errors": errors,
        "error_summary": pages.error_summary(errors),
        # the picker shows the covered entries by title (issue 17 item 8)
        "entry_labels": {d["name"]: d["title"] for d in (tender or {}).get("datasets", [])},
        "method_options": [{"value": value, "text": labels()["method"][value]}
                           for value in rules.METHODS]})


@tenders_blueprint.post("/tender/<id>/award")
def award(id: str):
    """Award the tender; invalid input shows the notice again with the award form's errors."""
    data = _form(_AWARD_FIELDS)
    with pages.form_errors(not_found=tk._("Tender not found"), message=tk._(
            "The tender was not awarded; please correct the highlighted fields.")) as errors:
        tk.get_action("dongchang_tender_award")(pages.context(), dict(data, id=id))
        tk.h.flash_success(tk._("The tender was awarded. The awardee may now request the data"
                                " for commercial use."))
        return tk.redirect_to("dongchang_tenders.read", id=id)
    return read(id, data, errors)


@tenders_blueprint.post("/tender/<id>/cancel")
def cancel(id: str):
    with pages.flashing_errors(not_found=tk._("Tender not found")):
        tk.get_action("dongchang_tender_cancel")(
            pages.context(), {"id": id, "reason": tk.request.form.get("reason") or ""})
        tk.h.flash_success(tk._("The tender was cancelled; access granted under it has"
                                " ended."))
    return tk.redirect_to("dongchang_tenders.read", id=id)
