"""Access requests (Art. 20, 25): the CKAN-facing service behind the actions and pages.

The pure rules (states, purposes, what may be requested) are in ``policy.access_requests``;
this module adds what needs the database: who the applicant is, which entry and resources,
deadlines, decisions that cannot both win, the audit trail and the notifications.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.types import Context

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.access import audience
from ckanext.dongchang.access.rules import publication
from ckanext.dongchang.calendar import deadlines
from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.kernel.messages import N_, Message
from ckanext.dongchang.kernel.rows import of_entry, page_of, row_by_id
from ckanext.dongchang.kernel.rules import date_or_none
from ckanext.dongchang.kernel.schema import invalid, refuse_errors
from ckanext.dongchang.requests import agreements, authority, mails, rules, scope
from ckanext.dongchang.requests.model import AccessRequest
from ckanext.dongchang.tenders import service as tenders

KIND_PERIODS = {"share": "share_request", "open": "open_request"}


def get_request(request_id: Any, for_update: bool = False) -> AccessRequest:
    if not isinstance(request_id, str) or not request_id.strip():
        raise invalid("id", N_("Give the id of the access request."))
    return row_by_id(AccessRequest, request_id, tk._("Access request not found"), for_update)


def applicant_profile(user: model.User, data: dict[str, Any]) -> tuple[str, str | None]:
    """The applicant's kind and department come from the account, not from the form.

    A department member applies as that department (the one chosen, if several); anyone else
    declares which kind of non-government applicant they are.
    """
    memberships = audience.memberships_for(user)
    if memberships.org_ids:
        chosen = data.get("applicant_org_id") or ""
        if chosen and chosen not in memberships.org_ids:
            raise invalid("applicant_org_id", N_("You are not a member of that department."))
        return "department", chosen or sorted(memberships.org_ids)[0]
    kind = data.get("applicant_kind")
    if kind == "department":
        raise invalid("applicant_kind",
                      N_("Only members of a department can apply as a department."))
    return kind, None


def determine_kind(dataset: model.Package, applicant_kind: str, purpose: Any = None) -> str:
    """Share request (Art. 20) or open request (Art. 25) — or a field error saying why not."""
    extras = dataset.extras or {}
    share, open_ = extras.get("share_class"), extras.get("open_class")
    if publication.is_published(extras) and rules.non_government_share(share, applicant_kind,
                                                                       purpose):
        return "share"  # Art. 20 ¶3: decided by the city Big Data Bureau
    if not publication.is_published(extras):
        raise invalid("dataset_id", N_("This entry is not published yet."))
    kind = rules.request_kind(share, open_, applicant_kind == "department")
    if kind is None and applicant_kind == "other_body" and share == "conditional":
        kind = "share"  # Art. 20: a non-government body performing duties may ask for shared data
    if kind is not None:
        return kind
    if applicant_kind == "department" and share == "unconditional":
        message = N_("Departments already have access to this entry; no request is needed.")
    elif applicant_kind != "department" and open_ == "unconditional":
        message = N_("This data is open to everyone; download it from the entry's page.")
    else:
        message = N_("This entry is not shared or opened to you, so it cannot be requested.")
    raise invalid("dataset_id", message)


def _check_resources(dataset: model.Package, resource_ids: list[str]) -> list[str]:
    own = {resource.id for resource in dataset.resources}
    unknown = [rid for rid in resource_ids if rid not in own]
    if unknown:
        raise invalid("resource_ids", Message(N_("These resources are not part of the entry:"
                                                 " %(ids)s"), ids=", ".join(unknown)))
    return list(dict.fromkeys(resource_ids))


def _check_tender(data: dict[str, Any], user: model.User) -> None:
    """Commercial use is allocated by tender (Art. 25, F-6): only the awardee of an awarded
    tender covering the entry, within its contract period, may ask; otherwise a ``tender_id``
    error says which condition failed."""
    if data.get("purpose") == "commercial":
        tenders.check_commercial_request(data, user)


def create(context: Context, data: dict[str, Any]) -> AccessRequest:
    user = model.User.get(context["user"])
    dataset = model.Package.get(data["dataset_id"])
    # a hidden entry looks exactly like a missing one
    if dataset is None or dataset.type != "dataset" or not audience.may_see_entry(context,
                                                                                dataset.id):
        raise tk.ObjectNotFound(tk._("Catalog entry not found"))
    # the rules and the tender compare ids; a field the purpose does not use is not read
    data = dict(rules.without_unused_fields(data), dataset_id=dataset.id)
    applicant_kind, applicant_org = applicant_profile(user, data)
    kind = determine_kind(dataset, applicant_kind, data.get("purpose"))
    payload = dict(data, applicant_kind=applicant_kind, kind=kind)
    refuse_errors(rules.request_errors(payload, allowed_purposes=dc_config.purposes()))
    _check_tender(data, user)
    if _open_request_exists(user.id, dataset.id):
        raise invalid("dataset_id", N_(
            "You already have a request for this entry that is awaiting a decision."))
    today = dt.date.today()
    due_on, provisional = deadlines.due_date(today, KIND_PERIODS[kind])
    request = AccessRequest(
        dataset_id=dataset.id, requester_id=user.id, request_kind=kind,
        applicant_kind=applicant_kind, applicant_org_id=applicant_org,
        resource_ids=scope.requested(dataset, kind, _check_resources(
            dataset, data.get("resource_ids") or [])),
        purpose=data["purpose"], use_scenario=data.get("use_scenario") or "",
        security_measures=data.get("security_measures") or "",
        institution=data.get("institution") or "",
        public_interest_attested=bool(data.get("public_interest_attested")),
        tender_id=data.get("tender_id") or None,
        period_start=date_or_none(data.get("period_start")),
        period_end=date_or_none(data.get("period_end")),
        state="submitted", due_on=due_on, due_on_provisional=provisional,
    )
    model.Session.add(request)
    model.Session.flush()
    AuditEvent.record(user.id, "access_request_submitted", "access_request", request.id,
                      dataset_id=dataset.id, kind=kind, purpose=request.purpose)
    model.Session.commit()
    mails.request_submitted(request)
    return request


def _open_request_exists(user_id: str, dataset_id: str) -> bool:
    return model.Session.query(AccessRequest.id).filter(
        AccessRequest.requester_id == user_id, AccessRequest.dataset_id == dataset_id,
        AccessRequest.state.in_(("submitted", "returned")),
    ).first() is not None


def may_decide(user_name: str, request: AccessRequest, action: str = "approve") -> bool:
    """The deciding side of the request (``rules.may_act``: the providing department, the city
    Big Data Bureau for a non-government body's share request, the district Bureau where the
    site's policy lets it act) — never the applicant."""
    return authority.may(user_name, request, action)


def may_view(user_name: str, request: AccessRequest) -> bool:
    """The applicant, the providing department (which gives its opinion where the city Bureau
    decides), the Bureau (which follows every request) and the deciding side."""
    user = model.User.get(user_name) if user_name else None
    if user is None:
        return False
    roles = authority.roles_of(user_name, request)
    return (user.id == request.requester_id or rules.PROVIDER in roles
            or rules.DISTRICT_BUREAU in roles or may_decide(user_name, request))


def transition(context: Context, request_id: str, action: str, reason: str = "",
               **changes: Any) -> AccessRequest:
    """Move a request along the state machine, exactly once even under concurrent decisions.

    The UPDATE is conditional on the state read before it: of two reviewers acting at once,
    PostgreSQL lets the first commit and the second then matches no row, so it gets a conflict
    error and records nothing.
    """
    reason = (reason or "").strip()
    refuse_errors(rules.reason_errors(action, reason))
    request = get_request(request_id)
    try:
        new_state = rules.next_state(request.state, action)
    except rules.InvalidTransition as error:
        raise invalid("state", error.message) from error
    user = model.User.get(context["user"])
    values: dict[str, Any] = {"state": new_state, "modified": dt.datetime.utcnow(), **changes}
    if action in ("approve", "refuse", "return", "revoke"):
        values.update(reason=reason, decided_by=user.id if user else None,
                      decided_at=dt.datetime.utcnow())
    updated = (
        model.Session.query(AccessRequest)
        .filter(AccessRequest.id == request.id, AccessRequest.state == request.state)
        .update(values, synchronize_session=False)
    )
    if updated != 1:
        model.Session.rollback()
        raise invalid("state", rules.InvalidTransition.message)
    AuditEvent.record(user.id if user else None, f"access_request_{action}", "access_request",
                      request.id, dataset_id=request.dataset_id, from_state=request.state,
                      to_state=new_state, reason=reason)
    model.Session.commit()
    model.Session.expire(request)
    mails.request_changed(request, action)
    return request


def extend(context: Context, request_id: str, reason: str) -> AccessRequest:
    """Extend the response deadline once, by the configured working days, with a reason.

    Whether it was extended already is read from the audit log, the record of every step.
    """
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", N_("Say why the department needs more time."))
    request = get_request(request_id)
    if request.state != "submitted":
        raise invalid("state", rules.InvalidTransition.message)
    already = model.Session.query(AuditEvent.id).filter(
        AuditEvent.object_id == request.id,
        AuditEvent.action == "access_request_extend").first()
    if already is not None:
        raise invalid("due_on", N_("The deadline of a request can be extended only once."))
    days = deadlines.calendar()
    new_due = days.add_working_days(request.due_on, dc_config.working_days("request_extension"))
    user = model.User.get(context["user"])
    updated = (
        model.Session.query(AccessRequest)
        .filter(AccessRequest.id == request.id, AccessRequest.state == "submitted",
                AccessRequest.due_on == request.due_on)
        .update({"due_on": new_due, "modified": dt.datetime.utcnow(),
                 "due_on_provisional": request.due_on_provisional
                 or bool(days.estimated_years)}, synchronize_session=False)
    )
    if updated != 1:
        model.Session.rollback()
        raise invalid("state", rules.InvalidTransition.message)
    AuditEvent.record(user.id if user else None, "access_request_extend", "access_request",
                      request.id, dataset_id=request.dataset_id, from_due=str(request.due_on),
                      to_due=str(new_due), reason=reason)
    model.Session.commit()
    model.Session.expire(request)
    mails.request_changed(request, "extend")
    return request


def approve(context: Context, request_id: str, reason: str = "",
            valid_until: dt.date | None = None,
            resource_ids: list[str] | None = None) -> AccessRequest:
    request = get_request(request_id)
    today = dt.date.today()
    grant_days = dc_config.default_grant_days()
    contract_end = None
    if request.purpose == "commercial":  # the tender may have ended since the application
        requester = model.User.get(request.requester_id)
        tenders.check_commercial_request(
            {"purpose": "commercial", "tender_id": request.tender_id,
             "dataset_id": request.dataset_id}, requester)
        contract_end = tenders.get_tender(request.tender_id).contract_end
    # Unset: the longest allowed; given: bounded by the grant length and the contract.
    until = valid_until or rules.latest_grant_end(today, grant_days, contract_end)
    refuse_errors(rules.valid_until_errors(until, today, grant_days, contract_end))
    verified = request.applicant_verified_at is not None
    # Art. 20 ¶3: a declared legal person or institution is checked first
    refuse_errors(rules.approval_errors(request.applicant_kind, verified))
    # With an agreement to sign the grant has not started: valid_from is set by the second
    # signature (agreements.sign); without one it starts today.
    starts = None if agreements.needed(request) else today
    changes: dict[str, Any] = {"valid_from": starts, "valid_until": until}
    changes["resource_ids"] = scope.covered_on_approval(request, resource_ids)
    approved = transition(context, request_id, "approve", reason, **changes)
    agreements.after_approval(approved)
    return approved


def resubmit(context: Context, request_id: str, data: dict[str, Any]) -> AccessRequest:
    """The applicant answers a return: the editable fields may change, identity may not."""
    request = get_request(request_id)
    editable = ("use_scenario", "security_measures", "institution", "public_interest_attested",
                "period_start", "period_end")
    merged = {field: getattr(request, field) for field in editable}
    merged.update({k: v for k, v in data.items() if k in editable and v is not None})
    payload = dict(merged, purpose=request.purpose, applicant_kind=request.applicant_kind,
                   kind=request.request_kind, tender_id=request.tender_id)
    refuse_errors(rules.request_errors(payload))
    changes = {field: merged[field] for field in editable}
    for field in ("period_start", "period_end"):
        changes[field] = date_or_none(changes[field])
    today = dt.date.today()
    changes["due_on"], changes["due_on_provisional"] = deadlines.due_date(
        today, KIND_PERIODS[request.request_kind])
    return transition(context, request_id, "resubmit", **changes)


def expire_grants(today: dt.date | None = None) -> list[str]:
    """End approved requests whose validity has passed (the scheduled job)."""
    today = today or dt.date.today()
    due = [row[0] for row in model.Session.query(AccessRequest.id).filter(
        AccessRequest.state == "approved", AccessRequest.valid_until < today)]
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    expired = []
    for request_id in due:
        try:
            transition({"user": site_user["name"]}, request_id, "expire")
            expired.append(request_id)
        except tk.ValidationError:  # decided concurrently: nothing to do
            continue
    return expired


def detail(context: Context, request: AccessRequest) -> dict[str, Any]:
    """A request as ``dongchang_access_request_show`` answers it: with its history, the
    caller's part in it, the agreement and the actions open to the caller now."""
    out = as_dict(request)
    out["history"] = tk.get_action("dongchang_audit_list")(
        dict(context, ignore_auth=True), {"object_id": request.id})["results"]
    user = context.get("user", "")
    out["may_decide"] = may_decide(user, request, "approve")
    out["may_revoke"] = may_decide(user, request, "revoke")
    requester = model.User.get(user) if user else None
    out["is_applicant"] = requester is not None and requester.id == request.requester_id
    # Art. 20 ¶3, Art. 25 ¶4: who decides, the agreement, the opinion and the applicant check
    out.update(agreements.deciding_side(request))
    out["agreement_required"] = agreements.needed(request)
    out["agreement"] = agreements.as_dict(request)
    out["may_sign"] = out["is_applicant"] or authority.may(user, request, "sign")
    out["may_give_opinion"] = authority.may(user, request, "opinion")
    out["may_verify"] = authority.may(user, request, "verify")
    out["verification_required"] = rules.verification_required(request.applicant_kind)
    verifier = model.User.get(request.applicant_verified_by or "")
    out["applicant_verifier"] = verifier.display_name if verifier else None
    out["opinions"] = [event for event in out["history"]
                       if event["action"] == "access_request_opinion"]
    out["files"] = scope.files_of(request)  # issue 16: the files of its version, and covered
    out["tender"] = tenders.contract_of(request.tender_id)  # issue 17 item 9: what it rests on
    out["open_actions"] = rules.open_actions(request.state, _allowed(out), _done(out))
    return out


def _allowed(shown: dict[str, Any]) -> set[str]:
    """The actions the caller's part in the request gives them (the rules say which are open)."""
    parts = {"may_decide": ("approve", "refuse", "return", "extend"), "may_revoke": ("revoke",),
             "is_applicant": ("resubmit", "withdraw"), "may_give_opinion": ("opinion",),
             "may_verify": ("verify",), "may_sign": ("sign",)}
    return {action for part, actions in parts.items() if shown[part] for action in actions}


def _done(shown: dict[str, Any]) -> set[str]:
    """The once-only actions already taken: the deadline extended, the applicant checked."""
    done = set()
    if any(event["action"] == "access_request_extend" for event in shown["history"]):
        done.add("extend")
    if shown.get("applicant_verified_at"):
        done.add("verify")
    return done


def list_requests(context: Context, filters: dict[str, Any]) -> dict[str, Any]:
    """A page of requests as ``dongchang_access_request_list`` documents: a department's
    inbox (``org``), else the caller's own; submitted ones first, nearest deadline first."""
    query = model.Session.query(AccessRequest)
    if filters.get("org"):
        org = model.Group.get(filters["org"])
        city = authority.city_bureau_org()
        is_city = city is not None and org is not None and org.id == city.id
        if not (is_city or audience.is_recognised_department(org)):
            raise tk.ObjectNotFound(tk._("Department not found"))
        query = query.join(model.Package, model.Package.id == AccessRequest.dataset_id)
        owned = model.Package.owner_org == org.id
        if is_city or (authority.stand_in() and org.id in audience.bureau_org_ids()):
            # Art. 20 ¶3: the city Bureau's inbox holds the share requests of non-government
            # applicants (the district Bureau's, while it stands in)
            decided_here = sa.and_(AccessRequest.request_kind == "share",
                                   AccessRequest.applicant_kind != "department")
            query = query.filter(decided_here if is_city else sa.or_(owned, decided_here))
        else:
            query = query.filter(owned)
    else:
        user = model.User.get(context["user"])
        query = query.filter(AccessRequest.requester_id == user.id)
    if filters.get("state"):
        query = query.filter(AccessRequest.state == filters["state"])
    if filters.get("dataset_id"):
        query = of_entry(query, AccessRequest.dataset_id, filters["dataset_id"])
    if filters.get("overdue"):
        query = query.filter(AccessRequest.state == "submitted",
                             AccessRequest.due_on < dt.date.today())
    query = query.order_by(sa.case((AccessRequest.state == "submitted", 0), else_=1),
                           AccessRequest.due_on, AccessRequest.created.desc())
    return page_of(query, filters["page"], filters["limit"],
                   lambda rows: [as_dict(row) for row in rows])


def as_dict(request: AccessRequest) -> dict[str, Any]:
    out = request.as_dict()
    dataset = model.Package.get(request.dataset_id)
    requester = model.User.get(request.requester_id)
    out["dataset_name"] = dataset.name if dataset else None
    out["dataset_title"] = dataset.title if dataset else None
    out["owner_org"] = dataset.owner_org if dataset else None
    out["requester_name"] = requester.name if requester else None
    out["requester_display_name"] = requester.display_name if requester else None
    out["overdue"] = bool(request.state == "submitted" and request.due_on
                          and request.due_on < dt.date.today())
    out["grant_in_force"] = rules.grant_in_force(request.state, request.valid_from,
                                                 request.valid_until, dt.date.today())
    out["awaiting_agreement"] = request.state == "approved" and request.valid_from is None
    return out


def end_tender_grants(tender: Any, reason: str) -> list[str]:
    """Revoke the approved access requests resting on ``tender``, and refuse pending ones
    (subscribed to ``tenders.service.tender_ended``).

    Done as the site user through the access-request state machine, so the applicants are
    told by mail and the audit log records each end. A request decided concurrently is left
    as the other decision made it.
    """
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    rows = model.Session.query(AccessRequest.id, AccessRequest.state).filter(
        AccessRequest.tender_id == tender.id,
        AccessRequest.state.in_(("approved", "submitted"))).all()
    ended = []
    for request_id, state in rows:
        action = "revoke" if state == "approved" else "refuse"
        try:
            transition({"user": site_user["name"]}, request_id, action, reason)
        except tk.ValidationError:
            continue
        ended.append(request_id)
    return ended
