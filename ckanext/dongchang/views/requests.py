"""Pages of the access-request workflow (F-4). Each page calls one action: API parity."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.lib.helpers import Page
from flask import Blueprint

requests_blueprint = Blueprint("dongchang_requests", __name__)

DECISIONS = ("approve", "refuse", "return", "revoke", "withdraw", "resubmit", "extend")
_FORM_FIELDS = (
    "applicant_kind", "applicant_org_id", "purpose", "use_scenario", "security_measures",
    "institution", "tender_id", "period_start", "period_end", "public_interest_attested",
    "agreement_accepted", "reason", "valid_until",
)


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _form() -> dict[str, Any]:
    form = tk.request.form
    data = {field: form.get(field) for field in _FORM_FIELDS if form.get(field) not in (None, "")}
    if form.getlist("resource_ids"):
        data["resource_ids"] = form.getlist("resource_ids")
    return data


def _dataset_or_abort(dataset_id: str) -> dict[str, Any]:
    try:
        return tk.get_action("package_show")(_context(), {"id": dataset_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Catalog entry not found"))


def apply(id: str):
    """The application form for a catalog entry, and its submission."""
    if not current_user.is_authenticated:
        tk.h.flash_notice(tk._("Log in to apply for access."))
        return tk.redirect_to("user.login", came_from=tk.h.url_for(
            "dongchang_requests.apply", id=id))
    dataset = _dataset_or_abort(id)
    data: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        data = _form()
        try:
            created = tk.get_action("dongchang_access_request_create")(
                _context(), dict(data, dataset_id=dataset["id"]))
        except tk.ValidationError as error:
            errors = error.error_dict
            tk.h.flash_error(tk._("Please correct the highlighted fields."))
        except tk.NotAuthorized as error:
            return tk.abort(403, str(error))
        else:
            tk.h.flash_success(tk._(
                "Your request was submitted. The department will answer by %(due_on)s.")
                % {"due_on": created["due_on"]})
            return tk.redirect_to("dongchang_requests.read", id=created["id"])
    return tk.render("dongchang/request_form.html", {
        "pkg_dict": dataset, "data": data, "errors": errors,
        "error_summary": {key: value[0] if isinstance(value, list) else value
                          for key, value in errors.items()},
    })


def _listing(data_dict: dict[str, Any], template: str, extra: dict[str, Any]):
    page_number = tk.h.get_page_number(tk.request.args)
    filters = {key: tk.request.args.get(key) for key in ("state", "overdue")
               if tk.request.args.get(key)}
    try:
        result = tk.get_action("dongchang_access_request_list")(
            _context(), dict(data_dict, page=page_number, **filters))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the department's editors and the Bureau can see its"
                                  " requests."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Department not found"))
    page = Page(collection=result["results"], page=page_number, item_count=result["count"],
                items_per_page=result["limit"], url=_pager_url(filters),
                presliced_list=True)
    return tk.render(template, dict(extra, page=page, result=result, filters=filters))


def _pager_url(filters: dict[str, str]):
    def url(q=None, page=None):
        args = dict(tk.request.args, **filters)
        args["page"] = page
        return tk.request.path + "?" + "&".join(f"{k}={v}" for k, v in args.items() if v)
    return url


def mine():
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login")
    return _listing({"mine": True}, "dongchang/requests_mine.html", {})


def inbox(id: str):
    try:
        org = tk.get_action("organization_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Department not found"))
    return _listing({"org": org["id"]}, "dongchang/requests_inbox.html",
                    {"group_dict": org, "group_type": "organization"})


def read(id: str):
    try:
        request_dict = tk.get_action("dongchang_access_request_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Access request not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the applicant and the providing department can see this"
                                  " request."))
    return tk.render("dongchang/request_read.html", {"request_dict": request_dict,
                                                     "errors": {}})


def decide(id: str, decision: str):
    if decision not in DECISIONS:
        return tk.abort(404)
    data = dict(_form(), id=id)
    try:
        tk.get_action(f"dongchang_access_request_{decision}")(_context(), data)
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages if isinstance(messages, list) else [messages]:
                tk.h.flash_error(message)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Access request not found"))
    else:
        tk.h.flash_success(_DONE_MESSAGES[decision]())
    return tk.redirect_to("dongchang_requests.read", id=id)


_DONE_MESSAGES = {
    "approve": lambda: tk._("The request was approved; the applicant can use the data now."),
    "refuse": lambda: tk._("The request was refused; the applicant has been told the reasons."),
    "return": lambda: tk._("The request was returned to the applicant for more information."),
    "revoke": lambda: tk._("Access was revoked."),
    "withdraw": lambda: tk._("Your request was withdrawn."),
    "resubmit": lambda: tk._("Your request was resubmitted."),
    "extend": lambda: tk._("The deadline was extended; the applicant has been told."),
}

requests_blueprint.add_url_rule("/dataset/<id>/request", view_func=apply,
                                methods=("GET", "POST"))
requests_blueprint.add_url_rule("/dongchang/requests", view_func=mine)
requests_blueprint.add_url_rule("/organization/<id>/requests", view_func=inbox)
requests_blueprint.add_url_rule("/dongchang/request/<id>", view_func=read)
requests_blueprint.add_url_rule("/dongchang/request/<id>/<decision>", view_func=decide,
                                methods=("POST",))
