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
from ckanext.dongchang.requests import authority, rules
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
    """The deciding side: the providing department, or the city Big Data Bureau (Art. 20 ¶3)."""
    return mail.editors_of(authority.authority_org_id(request))


def _providers(request: AccessRequest) -> list[model.User]:
    dataset = model.Package.get(request.dataset_id)
    return mail.editors_of(dataset.owner_org) if dataset is not None else []


def _city_bureau_decides(request: AccessRequest) -> bool:
    return rules.deciding_authority(request.request_kind,
                                    request.applicant_kind) == rules.CITY_BUREAU


def _agreement_needed(request: AccessRequest) -> bool:
    return rules.agreement_required(request.request_kind, request.applicant_kind)


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
    if _city_bureau_decides(request):  # Art. 20 ¶3: the providing department gives its opinion
        mail.send(
            _providers(request),
            lambda: tk._("Your opinion is asked on an access request: %(title)s") % facts,
            lambda: tk._(
                "%(applicant)s, a non-government applicant (非政务部门), asks for shared data of"
                " “%(title)s”. The city Big Data Bureau (市大数据局) decides; your department may"
                " give its opinion before %(due_on)s: %(url)s") % facts,
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


_APPROVED_UNDER_AGREEMENT = (
    lambda: tk._("Access approved; sign the agreement: %(title)s"),
    lambda: tk._("Your request for “%(title)s” was approved. Access starts once you and the"
                 " deciding side have signed the data use agreement (协议); read and sign it"
                 " here: %(url)s"),
)
_PROVIDER_TOLD = {  # Art. 20 ¶3: the providing department learns the city Bureau's decision
    "approve": lambda: tk._("The city Big Data Bureau (市大数据局) approved the request of"
                            " %(applicant)s for shared data of “%(title)s”; access starts once"
                            " the agreement is signed. %(url)s"),
    "refuse": lambda: tk._("The city Big Data Bureau (市大数据局) refused the request of"
                           " %(applicant)s for shared data of “%(title)s”. Reasons: %(reason)s"
                           " %(url)s"),
    "return": lambda: tk._("The city Big Data Bureau (市大数据局) returned the request of"
                           " %(applicant)s for shared data of “%(title)s” for more"
                           " information. %(url)s"),
}


def request_changed(request: AccessRequest, action: str) -> None:
    facts = _facts(request)
    if action in _PROVIDER_TOLD and _city_bureau_decides(request):
        mail.send(_providers(request),
                  lambda: tk._("The city Big Data Bureau decided an access request: %(title)s")
                  % facts, lambda: _PROVIDER_TOLD[action]() % facts)
    if action == "approve" and _agreement_needed(request):
        subject, body = _APPROVED_UNDER_AGREEMENT
        recipients = [model.User.get(request.requester_id)]
    elif action in _APPLICANT_MESSAGES:
        subject, body = _APPLICANT_MESSAGES[action]
        recipients = [model.User.get(request.requester_id)]
    elif action in _DEPARTMENT_MESSAGES:
        subject, body = _DEPARTMENT_MESSAGES[action]
        recipients = _deciders(request)
    else:
        return
    mail.send(recipients, lambda: subject() % facts, lambda: body() % facts)


def agreement_signed(request: AccessRequest, side: str, complete: bool) -> None:
    """Tell whoever waits: the deciding side that the applicant signed, or the applicant that
    access began."""
    facts = _facts(request)
    if complete:
        mail.send(
            [model.User.get(request.requester_id)],
            lambda: tk._("Agreement signed; access granted: %(title)s") % facts,
            lambda: tk._("Both sides have signed the data use agreement (协议) for “%(title)s”;"
                         " your access is valid from today until %(valid_until)s. %(url)s")
            % facts)
    elif side == "applicant":
        mail.send(
            _deciders(request),
            lambda: tk._("The applicant signed the agreement; please sign: %(title)s") % facts,
            lambda: tk._("%(applicant)s signed the data use agreement (协议) for “%(title)s”."
                         " Access starts once your side signs too: %(url)s") % facts)
    # the deciding side signing first: the approval mail has asked the applicant to sign already


def opinion_given(request: AccessRequest, opinion: str) -> None:
    """Art. 20 ¶3: the deciding side is told of the providing department's opinion."""
    facts = dict(_facts(request), opinion=opinion)
    mail.send(
        _deciders(request),
        lambda: tk._("The providing department gave its opinion: %(title)s") % facts,
        lambda: tk._("Opinion of the providing department (政务部门) on the request of"
                     " %(applicant)s for “%(title)s”: %(opinion)s %(url)s") % facts)
