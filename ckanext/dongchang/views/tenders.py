"""Pages of tenders (F-6): the public list and notice, the Bureau's forms. Each calls an action."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.lib.helpers import Page
from flask import Blueprint

from ckanext.dongchang.policy import tenders as rules

tenders_blueprint = Blueprint("dongchang_tenders", __name__)

_ANNOUNCEMENT_FIELDS = rules.ANNOUNCEMENT_FIELDS
_AWARD_FIELDS = ("awardee", "award_date", "contract_start", "contract_end")


def labels() -> dict[str, dict[str, str]]:
    """Translated names of methods and states, for the templates."""
    return {
        "method": {
            "public_tender": tk._("Public tender"),
            "competitive_negotiation": tk._("Competitive negotiation"),
            "competitive_consultation": tk._("Competitive consultation"),
        },
        "state": {
            "announced": tk._("Open for bids"),
            "bidding_closed": tk._("Bidding closed"),
            "awarded": tk._("Awarded"),
            "cancelled": tk._("Cancelled"),
            "ended": tk._("Contract ended"),
        },
    }


def _context() -> dict[str, Any]:
    return {"user": current_user.name if current_user.is_authenticated else "",
            "auth_user_obj": current_user}


def _form(fields: tuple[str, ...]) -> dict[str, Any]:
    form = tk.request.form
    return {field: form.get(field) for field in fields if form.get(field) is not None}


def _may_manage() -> bool:
    return tk.h.check_access("dongchang_tender_create")


def _summary(errors: dict[str, Any]) -> dict[str, str]:
    return {key: value[0] if isinstance(value, list) else value for key, value in errors.items()}


def _flash_errors(error: tk.ValidationError) -> None:
    for messages in error.error_dict.values():
        for message in messages if isinstance(messages, list) else [messages]:
            tk.h.flash_error(message)


def index():
    """The public list of tenders open for bids, closed for bidding and awarded."""
    page_number = tk.h.get_page_number(tk.request.args)
    state = tk.request.args.get("state") or ""
    data: dict[str, Any] = {"page": page_number}
    if state in rules.STATES:
        data["state"] = state
    result = tk.get_action("dongchang_tender_list")(_context(), data)
    page = Page(collection=result["results"], page=page_number, item_count=result["count"],
                items_per_page=result["limit"], presliced_list=True,
                url=lambda q=None, page=None: tk.h.url_for(
                    "dongchang_tenders.index", page=page, state=state or None))
    return tk.render("dongchang/tender_list.html", {
        "page": page, "state": state, "labels": labels(), "may_manage": _may_manage()})


def _show(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("dongchang_tender_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Tender not found"))


def read(id: str, award_data: dict[str, Any] | None = None,
         award_errors: dict[str, Any] | None = None):
    tender = _show(id)
    return tk.render("dongchang/tender_read.html", {
        "tender": tender, "labels": labels(), "may_manage": _may_manage(),
        "award_data": award_data or {}, "award_errors": award_errors or {},
        "award_summary": _summary(award_errors or {})})


def new():
    """The Bureau announces a tender."""
    return _edit_form(None)


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
        try:
            saved = tk.get_action(action)(_context(), payload)
        except tk.ValidationError as error:
            errors = error.error_dict
            tk.h.flash_error(tk._("Please correct the highlighted fields."))
        except tk.NotAuthorized as error:
            return tk.abort(403, str(error))
        else:
            tk.h.flash_success(tk._("The tender was saved. Its number is %(id)s.")
                               % {"id": saved["id"]})
            return tk.redirect_to("dongchang_tenders.read", id=saved["id"])
    return tk.render("dongchang/tender_form.html", {
        "tender": tender, "data": data, "errors": errors, "error_summary": _summary(errors),
        "method_options": [{"value": value, "text": labels()["method"][value]}
                           for value in rules.METHODS]})


def award(id: str):
    data = _form(_AWARD_FIELDS)
    try:
        tk.get_action("dongchang_tender_award")(_context(), dict(data, id=id))
    except tk.ValidationError as error:
        tk.h.flash_error(tk._("The tender was not awarded; please correct the highlighted"
                              " fields."))
        return read(id, data, error.error_dict)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Tender not found"))
    tk.h.flash_success(tk._("The tender was awarded. The awardee may now request the data"
                            " for commercial use."))
    return tk.redirect_to("dongchang_tenders.read", id=id)


def cancel(id: str):
    try:
        tk.get_action("dongchang_tender_cancel")(
            _context(), {"id": id, "reason": tk.request.form.get("reason") or ""})
    except tk.ValidationError as error:
        _flash_errors(error)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Tender not found"))
    else:
        tk.h.flash_success(tk._("The tender was cancelled; access granted under it has"
                                " ended."))
    return tk.redirect_to("dongchang_tenders.read", id=id)


tenders_blueprint.add_url_rule("/tender", view_func=index)
tenders_blueprint.add_url_rule("/tender/new", view_func=new, methods=("GET", "POST"))
tenders_blueprint.add_url_rule("/tender/<id>", view_func=read)
tenders_blueprint.add_url_rule("/tender/<id>/edit", view_func=edit, methods=("GET", "POST"))
tenders_blueprint.add_url_rule("/tender/<id>/award", view_func=award, methods=("POST",))
tenders_blueprint.add_url_rule("/tender/<id>/cancel", view_func=cancel, methods=("POST",))
