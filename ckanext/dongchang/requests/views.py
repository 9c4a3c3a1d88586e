"""Pages of the access-request workflow (F-4). Each page calls one action: API parity."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.dongchang.kernel import pages
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.requests import rules

requests_blueprint = Blueprint("dongchang_requests", __name__)

DECISIONS = ("approve", "refuse", "return", "revoke", "withdraw", "resubmit", "extend",
             "sign", "opinion", "verify")
# The action each form of the request page calls (the agreement's has its own name).
_ACTIONS = {decision: f"dongchang_access_request_{decision}" for decision in DECISIONS}
_ACTIONS["sign"] = "dongchang_agreement_sign"
_FORM_FIELDS = (
    "applicant_kind", "applicant_org_id", "purpose", "use_scenario", "security_measures",
    "institution", "tender_id", "period_start", "period_end", "public_interest_attested",
    "reason", "valid_until", "opinion", "verification", "terms_version",
)


def _form() -> dict[str, Any]:
    form = tk.request.form
    data = {field: form.get(field) for field in _FORM_FIELDS if form.get(field) not in (None, "")}
    if form.getlist("resource_ids"):
        data["resource_ids"] = form.getlist("resource_ids")
    return data


@requests_blueprint.route("/dataset/<id>/request", methods=("GET", "POST"))
@pages.signed_in(N_("Log in to apply for access."))
def apply(id: str):
    """The application form for a catalog entry, and its submission."""
    dataset = pages.show_or_404("package_show", {"id": id}, tk._("Catalog entry not found"))
    data: dict[str, Any] = {"applicant_kind": _kind_of_account()}
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        data = _form()
        with pages.form_errors() as errors:
            created = tk.get_action("dongchang_access_request_create")(
                pages.context(), dict(data, dataset_id=dataset["id"]))
            tk.h.flash_success(tk._(
                "Your request was submitted. The department will answer by %(due_on)s.")
                % {"due_on": created["due_on"]})
            return tk.redirect_to("dongchang_requests.read", id=created["id"])
    labels = form_labels()
    return tk.render("dongchang/requests/request_form.html", {
        "pkg_dict": dataset, "data": data, "errors": errors, "labels": labels,
        "error_summary": pages.error_summary(errors, labels),
        "purposes_of": {field: " ".join(rules.purposes_using(field))
                        for field in rules.PURPOSE_FIELDS},
        "my_tenders": _my_awarded_tenders(dataset["id"]),
    })


def _my_awarded_tenders(dataset_id: str) -> list[dict[str, str]]:
    """The awarded tenders covering the entry that the applicant won, as the choices of the
    form's tender picker (issue 17 item 8): nobody types a tender number."""
    result = tk.get_action("dongchang_tender_list")(pages.context(), {
        "state": "awarded", "dataset_id": dataset_id, "awardee": tk.current_user.name,
        "limit": 100})
    return [{"value": tender["id"], "text": f"{tender['title']} ({tender['id']})"}
            for tender in result["results"]]


def _kind_of_account() -> str:
    """What the form offers first: a member of a department applies as a department, anyone
    else as a citizen (issue 17 item 9); the applicant may still choose another kind."""
    return "department" if tk.h.dongchang_is_department_member() else "citizen"


def form_labels() -> dict[str, str]:
    """The application form's field labels, shown by the fields and by the error summary."""
    return {
        "applicant_kind": tk._("I apply as"), "purpose": tk._("Purpose"),
        "use_scenario": tk._("Use scenario"), "security_measures": tk._("Security measures"),
        "institution": tk._("Research institution"),
        "public_interest_attested": tk._("Public-interest research"),
        "tender_id": tk._("Awarded tender"), "period_start": tk._("Use from"),
        "period_end": tk._("Use until"), "resource_ids": tk._("Files"),
    }


def _listing(data_dict: dict[str, Any], template: str, extra: dict[str, Any]):
    page_number = tk.h.get_page_number(tk.request.args)
    filters = {key: tk.request.args.get(key) for key in ("state", "overdue")
               if tk.request.args.get(key)}
    result = pages.call("dongchang_access_request_list",
                        dict(data_dict, page=page_number, **filters),
                        not_found=tk._("Department not found"),
                        forbidden=tk._("Only the department's editors and the Bureau can see its"
                                       " requests."))
    return tk.render(template, dict(extra, page=pages.paged(result, page_number), result=result,
                                    filters=filters))


@requests_blueprint.get("/dongchang/requests")
@pages.signed_in()
def mine():
    return _listing({"mine": True}, "dongchang/requests/requests_mine.html", {})


@requests_blueprint.get("/organization/<id>/requests")
def inbox(id: str):
    org = pages.department_or_404(id)
    return _listing({"org": org["id"]}, "dongchang/requests/requests_inbox.html",
                    {"group_dict": org, "group_type": "organization"})


@requests_blueprint.get("/dongchang/request/<id>")
def read(id: str):
    request_dict = pages.call("dongchang_access_request_show", {"id": id},
                              not_found=tk._("Access request not found"),
                              forbidden=tk._("Only the applicant and the providing department"
                                             " can see this request."))
    return tk.render("dongchang/requests/request_read.html", {"request_dict": request_dict,
                                                              "errors": {}})


@requests_blueprint.post("/dongchang/request/<id>/<decision>")
def decide(id: str, decision: str):
    if decision not in DECISIONS:
        return tk.abort(404)
    with pages.flashing_errors(not_found=tk._("Access request not found")):
        tk.get_action(_ACTIONS[decision])(pages.context(), dict(_form(), id=id))
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
    "sign": lambda: tk._("You signed the agreement. Access starts once both sides have signed."),
    "opinion": lambda: tk._("The department's opinion was recorded; the deciding side has been"
                            " told."),
    "verify": lambda: tk._("The check of the applicant's kind was recorded."),
}
