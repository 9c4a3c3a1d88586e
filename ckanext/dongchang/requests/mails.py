"""E-mails where a person waits on another (F-4): receipts, new requests, decisions.

Mail is sent by an RQ background job, never in the web request. Each message is written in
Chinese and then in English, so it reads right whatever language the recipient uses. Bodies
carry the entry's title, the decision and its reason — never a resource URL.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.dongchang.kernel import mail
from ckanext.dongchang.requests.model import AccessRequest

def _request_url(request: AccessRequest) -> str:
    return tk.config["ckan.site_url"].rstrip("/") + f"/dongchang/request/{request.id}"


def _facts(request: AccessRequest) -> dict[str, Any]:
    dataset = model.Package.get(request.dataset_id)
    requester = model.User.get(request.requester_id)
    return {
        "title": dataset.title if dataset else request.dataset_id,
        "applicant": requester.display_name if requester else "",
        "due_on": request.due_on.isoformat() if request.due_on else "",
        "valid_until": request.valid_until.isoformat() if request.valid_until else "",
        "reason": request.reason or "",
        "url": _request_url(request),
    }


def _deciders(request: AccessRequest) -> list[model.User]:
    dataset = model.Package.get(request.dataset_id)
    return mail.editors_of(dataset.owner_org) if dataset is not None else []


def request_submitted(request: AccessRequest) -> None:
    facts = _facts(request)
    mail.send(
        [model.User.get(request.requester_id)],
        lambda: tk._("Your access request was received: %(title)s") % facts,
        lambda: tk._(
            "We received your request for “%(title)s”. The department will answer by"
            " %(due_on)s. Follow it here: %(url)s") % facts,
    )
    mail.send(
        _deciders(request),
        lambda: tk._("New access request: %(title)s") % facts,
        lambda: tk._(
            "%(applicant)s asks for access to “%(title)s”. Please decide by %(due_on)s:"
            " %(url)s") % facts,
    )


_APPLICANT_MESSAGES = {
    "approve": (
        lambda: tk._("Access granted: %(title)s"),
        lambda: tk._("Your request for “%(title)s” was approved; access is valid until"
                     " %(valid_until)s. %(url)s"),
    ),
    "refuse": (
        lambda: tk._("Access request refused: %(title)s"),
        lambda: tk._("Your request for “%(title)s” was refused. Reasons: %(reason)s %(url)s"),
    ),
    "return": (
        lambda: tk._("More information needed: %(title)s"),
        lambda: tk._("The department needs more information on your request for “%(title)s”:"
                     " %(reason)s Update and resubmit it here: %(url)s"),
    ),
    "revoke": (
        lambda: tk._("Access revoked: %(title)s"),
        lambda: tk._("Your access to “%(title)s” was revoked. Reason: %(reason)s %(url)s"),
    ),
    "extend": (
        lambda: tk._("Decision deadline extended: %(title)s"),
        lambda: tk._("The department extended the deadline for your request for “%(title)s”"
                     " to %(due_on)s. Reason: %(reason)s %(url)s"),
    ),
    "expire": (
        lambda: tk._("Access expired: %(title)s"),
        lambda: tk._("Your access to “%(title)s” has ended. You may apply again: %(url)s"),
    ),
}
_DEPARTMENT_MESSAGES = {
    "resubmit": (
        lambda: tk._("Access request resubmitted: %(title)s"),
        lambda: tk._("%(applicant)s answered your questions on “%(title)s”. Please decide by"
                     " %(due_on)s: %(url)s"),
    ),
    "withdraw": (
        lambda: tk._("Access request withdrawn: %(title)s"),
        lambda: tk._("%(applicant)s withdrew the request for “%(title)s”. %(url)s"),
    ),
}


def request_changed(request: AccessRequest, action: str) -> None:
    facts = _facts(request)
    if action in _APPLICANT_MESSAGES:
        subject, body = _APPLICANT_MESSAGES[action]
        recipients = [model.User.get(request.requester_id)]
    elif action in _DEPARTMENT_MESSAGES:
        subject, body = _DEPARTMENT_MESSAGES[action]
        recipients = _deciders(request)
    else:
        return
    mail.send(recipients, lambda: subject() % facts, lambda: body() % facts)
