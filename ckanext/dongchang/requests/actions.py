"""API of access requests (F-4, F-5): ``dongchang_access_request_*``.

Every page of the request workflow calls one of these actions, so the API can do whatever a
person can do in the UI.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.dongchang.kernel.schema import validated
from ckanext.dongchang.requests import agreements, schema, service

__all__ = [
    "dongchang_access_request_create", "dongchang_access_request_show",
    "dongchang_access_request_list", "dongchang_access_request_approve",
    "dongchang_access_request_refuse", "dongchang_access_request_return",
    "dongchang_access_request_resubmit", "dongchang_access_request_withdraw",
    "dongchang_access_request_revoke", "dongchang_access_request_extend",
    "dongchang_access_request_opinion", "dongchang_access_request_verify",
    "dongchang_agreement_sign",
]


def dongchang_access_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Apply for access to a conditionally shared or conditionally open entry (Art. 20, 25).

    The applicant is the logged-in account; a department member applies for their department.

    :param dataset_id: id or name of the catalog entry
    :param resource_ids: optional list of resource ids (default: the whole entry)
    :param applicant_kind: for applicants outside departments: ``citizen``, ``legal_person``,
        ``research_institution`` or ``other_body``
    :param applicant_org_id: for members of several departments, the one applying
    :param purpose: ``innovation``, ``urban_governance``, ``social_services``, ``research``,
        ``commercial`` or ``duties``
    :param use_scenario: how and where the data will be used (required)
    :param security_measures: required for shared data asked by a non-government body
        (Art. 20 ¶3); for conditional-open data it may wait for the agreement's signature
    :param institution: the research institution (research purpose)
    :param public_interest_attested: research only: public-interest research or education
    :param tender_id: commercial purpose: the awarded tender
    :param period_start: first day of use (YYYY-MM-DD, optional)
    :param period_end: last day of use (YYYY-MM-DD, optional)
    :returns: the request, with ``state`` ``submitted`` and its ``due_on`` deadline
    """
    tk.check_access("dongchang_access_request_create", context, data_dict)
    data = validated(data_dict, schema.access_request_create(), context)
    return service.as_dict(service.create(context, data))


@tk.side_effect_free
def dongchang_access_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One access request with its history (audit events).

    :param id: the request id
    :returns: the request, its ``history``, the caller's part in it (``may_decide``, …) and
        ``open_actions``: what the caller can do on it now
    """
    request = service.get_request(data_dict.get("id"))
    tk.check_access("dongchang_access_request_show", context, {"id": request.id})
    return service.detail(context, request)


@tk.side_effect_free
def dongchang_access_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Requests of the current user (``mine``, default) or a department's inbox (``org``).

    :param org: id or name of a department: its inbox (editors, admins, the Bureau)
    :param mine: the current user's own requests (default when ``org`` is not given)
    :param state: only requests in this state
    :param overdue: only submitted requests past their ``due_on``
    :param dataset_id: only requests for this entry
    :param page: page number (20 per page unless ``limit``)
    :returns: ``{"count": n, "results": [...], "page": p, "limit": l}``
    """
    data = validated(data_dict, schema.access_request_list(), context)
    tk.check_access("dongchang_access_request_list", context, data)
    return service.list_requests(context, data)


def dongchang_access_request_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Approve a request: the applicant may use the data until ``valid_until``.

    :param id: the request id
    :param valid_until: last day of access (YYYY-MM-DD). Default and latest allowed: today
        plus ``ckanext.dongchang.default_grant_days``, and for commercial use no later than
        the tender contract's end; a later date is refused on ``valid_until``
    :param resource_ids: limit the grant to these resources (default: as requested)
    :param reason: optional note to the applicant
    """
    tk.check_access("dongchang_access_request_approve", context, data_dict)
    data = validated(data_dict, schema.access_request_approval(), context)
    until = data.get("valid_until")
    request = service.approve(context, data["id"], data.get("reason", ""),
                              until, data.get("resource_ids"))
    return service.as_dict(request)


def _decision(action: str):
    def decide(context: Context, data_dict: DataDict) -> dict[str, Any]:
        tk.check_access(f"dongchang_access_request_{action}", context, data_dict)
        data = validated(data_dict, schema.access_request_decision(), context)
        return service.as_dict(service.transition(context, data["id"], action,
                                                  data.get("reason", "")))
    return decide


dongchang_access_request_refuse = _decision("refuse")
dongchang_access_request_refuse.__doc__ = """Refuse a request, stating the reasons (Art. 25).

    :param id: the request id
    :param reason: required; the applicant sees it
    """
dongchang_access_request_return = _decision("return")
dongchang_access_request_return.__doc__ = """Return a request for more information.

    :param id: the request id
    :param reason: required: what the applicant must add
    """
dongchang_access_request_withdraw = _decision("withdraw")
dongchang_access_request_withdraw.__doc__ = """The applicant withdraws a pending request.

    :param id: the request id
    """
dongchang_access_request_revoke = _decision("revoke")
dongchang_access_request_revoke.__doc__ = """Revoke an approved request; access ends at once.

    :param id: the request id
    :param reason: required; the applicant sees it
    """


def dongchang_access_request_resubmit(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Resubmit a returned request with the information asked for.

    :param id: the request id
    :param use_scenario, security_measures, institution, public_interest_attested,
        period_start, period_end: the fields to change
    """
    tk.check_access("dongchang_access_request_resubmit", context, data_dict)
    data = validated(data_dict, schema.access_request_resubmit(), context)
    return service.as_dict(service.resubmit(context, data["id"], data))


def dongchang_access_request_extend(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Extend the response deadline once, by the configured working days (default 15).

    :param id: the request id
    :param reason: required: why the department needs more time (the applicant sees it)
    """
    tk.check_access("dongchang_access_request_extend", context, data_dict)
    data = validated(data_dict, schema.access_request_decision(), context)
    return service.as_dict(service.extend(context, data["id"], data.get("reason", "")))


def _request_for(action: str, context: Context, data_dict: DataDict, request_schema):
    """Check access, validate, and load the request an agreement-side action acts on."""
    tk.check_access(action, context, data_dict)
    data = validated(data_dict, request_schema, context)
    return service.get_request(data["id"]), data


def dongchang_agreement_sign(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Sign the data use agreement (协议) of an approved request (Art. 20 ¶3, Art. 25 ¶4).

    The applicant and the deciding side (the providing department; the city Big Data Bureau for
    a non-government body's share request) each sign once; the grant starts when both have.

    :param id: the access request id
    :param security_measures: the applicant's security measures (required when signing as the
        applicant unless the request already gives them)
    :param terms_version: optional: the terms version the signer read; refused if the
        agreement's differs
    :returns: the agreement: ``terms_version``, ``terms_text``, ``security_measures``, each
        side's ``*_signed_by``/``*_signed_at`` and ``complete``
    """
    request, data = _request_for("dongchang_agreement_sign", context, data_dict,
                                 schema.agreement_sign())
    agreements.sign(context, request, data)
    return agreements.as_dict(request) or {}


def dongchang_access_request_opinion(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The providing department's opinion on a request the city Big Data Bureau decides
    (Art. 20 ¶3); recorded in the request's history and sent to the deciding side.

    :param id: the access request id
    :param opinion: the department's opinion (required)
    """
    request, data = _request_for("dongchang_access_request_opinion", context, data_dict,
                                 schema.access_request_opinion())
    return service.as_dict(agreements.opinion(context, request, data))


def dongchang_access_request_verify(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record the deciding side's check of a self-declared applicant kind (legal person,
    research institution, other body): required before approval.

    :param id: the access request id
    :param verification: what was checked (e.g. the unified social credit code)
    """
    request, data = _request_for("dongchang_access_request_verify", context, data_dict,
                                 schema.access_request_verify())
    return service.as_dict(agreements.verify(context, request, data))
