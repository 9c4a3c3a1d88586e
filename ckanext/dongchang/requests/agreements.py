"""The agreement a grant rests on, the providing department's opinion and the applicant check
(Art. 20 ¶3, Art. 25 ¶4): the CKAN-facing side of ``rules.agreement_required``,
``rules.sign_errors`` and ``rules.approval_errors``.

Art. 20 ¶3: the city Big Data Bureau grants a non-government body access "and then signs an
agreement with the data user"; Art. 25 ¶4: conditional-open data is used "under the agreement,
data security ensured". So an approval that needs an agreement sets no ``valid_from``: the grant
starts on the day the second side signs, and until then the approved request reveals nothing.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context
from sqlalchemy.dialects.postgresql import insert

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.kernel import mail
from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.kernel.schema import invalid, refuse_errors
from ckanext.dongchang.requests import authority, mails, rules
from ckanext.dongchang.requests.model import AccessAgreement, AccessRequest


def needed(request: AccessRequest) -> bool:
    return rules.agreement_required(request.request_kind, request.applicant_kind)


def _terms_text(configured: str) -> str:
    """The configured terms, else the built-in ones in Chinese and English (as signed)."""
    return configured or mail.bilingual(lambda: tk._(rules.AGREEMENT_TERMS), "\n\n")


def ensure(request: AccessRequest) -> AccessAgreement:
    """The request's agreement, made with the current terms if it has none yet.

    ``ON CONFLICT DO NOTHING``: two callers at once (the approval and a signature) make one.
    """
    version, configured = dc_config.agreement_terms()
    model.Session.execute(insert(AccessAgreement.__table__).values(
        id=str(uuid.uuid4()), request_id=request.id, terms_version=version,
        terms_text=_terms_text(configured), security_measures=request.security_measures or "",
        authority=rules.deciding_authority(request.request_kind, request.applicant_kind),
        authority_org_id=authority.authority_org_id(request), created=dt.datetime.utcnow(),
    ).on_conflict_do_nothing(index_elements=["request_id"]))
    return AccessAgreement.of_request(request.id, for_update=True)


def after_approval(request: AccessRequest) -> None:
    """Make the agreement of a just-approved request (with the terms in force today)."""
    if not needed(request):
        return
    ensure(request)  # the applicant was asked to sign by the approval mail
    model.Session.commit()


def sign(context: Context, request: AccessRequest, data: dict[str, Any]) -> AccessAgreement:
    """One side signs: the applicant (with their security measures) or the deciding side.

    The agreement row is locked, so two signatures at once are applied one after the other and
    the second sees the first; the one that completes it starts the grant (``valid_from``).
    """
    user = model.User.get(context["user"])
    if user is None:
        raise tk.NotAuthorized(tk._("Log in to sign the agreement."))
    side = "applicant" if user.id == request.requester_id else (
        "authority" if authority.may(user.name, request, "sign") else None)
    if side is None:
        raise tk.NotAuthorized(tk._("Only the deciding side and the applicant sign the"
                                    " agreement."))
    if not needed(request):
        raise invalid("id", N_("This request needs no agreement: departments share without"
                               " one."))
    agreement = ensure(request)
    measures = (data.get("security_measures") or "").strip() or agreement.security_measures
    refuse_errors(rules.sign_errors(
        request.state, side, getattr(agreement, f"{side}_signed_at") is not None,
        measures, data.get("terms_version"), agreement.terms_version), rollback=True)
    now = dt.datetime.utcnow()
    setattr(agreement, f"{side}_signed_by", user.id)
    setattr(agreement, f"{side}_signed_at", now)
    if side == "applicant":
        agreement.security_measures = measures
    complete = agreement.authority_signed_at is not None \
        and agreement.applicant_signed_at is not None
    if complete:  # the grant starts today (Art. 20 ¶3: after the agreement)
        model.Session.query(AccessRequest).filter(
            AccessRequest.id == request.id, AccessRequest.state == "approved",
            AccessRequest.valid_from.is_(None),
        ).update({"valid_from": now.date(), "modified": now}, synchronize_session=False)
    AuditEvent.record(user.id, "access_request_agreement_signed", "access_request", request.id,
                      dataset_id=request.dataset_id, side=side,
                      terms_version=agreement.terms_version, complete=complete)
    model.Session.commit()
    model.Session.expire(request)
    mails.agreement_signed(request, side, complete)
    return agreement


def _text(data: dict[str, Any], field: str, message: str) -> str:
    value = (data.get(field) or "").strip()
    if not value:
        raise invalid(field, message)
    return value


def opinion(context: Context, request: AccessRequest, data: dict[str, Any]) -> AccessRequest:
    """The providing department's opinion on a request the city Bureau decides (recorded in the
    request's history; the deciding side is told)."""
    text = _text(data, "opinion", N_("Write the department's opinion on the request."))
    if request.state not in ("submitted", "returned"):
        raise invalid("state", rules.InvalidTransition.message)
    user = model.User.get(context["user"])
    AuditEvent.record(user.id if user else None, "access_request_opinion", "access_request",
                      request.id, dataset_id=request.dataset_id, opinion=text)
    model.Session.commit()
    mails.opinion_given(request, text)
    return request


def verify(context: Context, request: AccessRequest, data: dict[str, Any]) -> AccessRequest:
    """The deciding side records its check of a self-declared applicant kind: what it checked
    (e.g. the unified social credit code on the business licence), who and when."""
    note = _text(data, "verification", N_(
        "Say what you checked to confirm the applicant's kind (for example the unified social"
        " credit code or the institution's registration)."))
    if not rules.verification_required(request.applicant_kind):
        raise invalid("applicant_kind", N_("This applicant's kind needs no check."))
    if request.state != "submitted":
        raise invalid("state", rules.InvalidTransition.message)
    user = model.User.get(context["user"])
    now = dt.datetime.utcnow()
    updated = model.Session.query(AccessRequest).filter(
        AccessRequest.id == request.id, AccessRequest.state == "submitted",
        AccessRequest.applicant_verified_at.is_(None),
    ).update({"applicant_verified_by": user.id if user else None,
              "applicant_verified_at": now, "applicant_verification": note, "modified": now},
             synchronize_session=False)
    if updated != 1:
        model.Session.rollback()
        raise invalid("applicant_kind", N_("The applicant's kind has already been checked."))
    AuditEvent.record(user.id if user else None, "access_request_verify", "access_request",
                      request.id, dataset_id=request.dataset_id, verification=note)
    model.Session.commit()
    model.Session.expire(request)
    return request


def _person(user_id: str | None) -> str | None:
    user = model.User.get(user_id) if user_id else None
    return user.display_name if user else None


def as_dict(request: AccessRequest) -> dict[str, Any] | None:
    """The agreement as the request page and ``dongchang_access_request_show`` give it."""
    agreement = AccessAgreement.of_request(request.id)
    if agreement is None:
        return None
    out = agreement.as_dict()
    out["authority_signer"] = _person(agreement.authority_signed_by)
    out["applicant_signer"] = _person(agreement.applicant_signed_by)
    org = model.Group.get(agreement.authority_org_id) if agreement.authority_org_id else None
    out["authority_org_title"] = org.display_name if org else None
    out["complete"] = bool(agreement.authority_signed_at and agreement.applicant_signed_at)
    return out


def deciding_side(request: AccessRequest) -> dict[str, Any]:
    """Who decides the request, for the page: the city Bureau (or its stand-in) or the
    providing department."""
    deciding = rules.deciding_authority(request.request_kind, request.applicant_kind)
    org = authority.city_bureau_org() if deciding == rules.CITY_BUREAU else None
    return {"deciding_authority": deciding,
            "city_bureau_stand_in": deciding == rules.CITY_BUREAU and authority.stand_in(),
            "deciding_org_title": org.display_name if org else None}
