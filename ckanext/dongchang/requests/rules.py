"""Access requests: who asks for what, with which purpose, and how a request moves (Art. 20, 25).

State machine (DESIGN §5)::

    submitted --approve--> approved --revoke--> revoked
        |   \\--refuse---> refused       \\--expire--> expired
        |    \\--withdraw-> withdrawn
        +--return--> returned --resubmit--> submitted
                         \\--withdraw--> withdrawn
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from ckanext.dongchang.catalog.rules.classes import (
    OPEN_CLASSES,
    SHARE_CLASSES,
    is_truthy,
    is_wider,
)
from ckanext.dongchang.kernel.messages import N_, Message
from ckanext.dongchang.kernel.rules import Errors, add, date_or_none, is_blank, merge

STATES: tuple[str, ...] = (
    "submitted", "returned", "approved", "refused", "withdrawn", "expired", "revoked",
)
STATE_LABELS: dict[str, str] = {
    "submitted": N_("Awaiting decision"),
    "returned": N_("Returned for more information"),
    "approved": N_("Approved"),
    "refused": N_("Refused"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
    "revoked": N_("Revoked"),
}
# Share requests between departments (Art. 20), open-data requests (Art. 25).
REQUEST_KIND_LABELS: dict[str, str] = {
    "share": N_("Share request (between departments)"),
    "open": N_("Open-data request"),
}

# action -> {from state: to state}
TRANSITIONS: dict[str, dict[str, str]] = {
    "approve": {"submitted": "approved"},
    "refuse": {"submitted": "refused"},
    "return": {"submitted": "returned"},
    "resubmit": {"returned": "submitted"},
    "withdraw": {"submitted": "withdrawn", "returned": "withdrawn"},
    "revoke": {"approved": "revoked"},
    "expire": {"approved": "expired"},
}
# Actions that leave the state as it is, and the states they are open in; each is taken once
# (``done`` in :func:`open_actions`).
OPEN_IN: dict[str, frozenset[str]] = {
    "extend": frozenset({"submitted"}),
    "verify": frozenset({"submitted"}),
    "opinion": frozenset({"submitted", "returned"}),
    "sign": frozenset({"approved"}),
}


def open_actions(state: object, allowed: Iterable[str], done: Iterable[str] = ()) -> list[str]:
    """What someone who may take the ``allowed`` actions can do on a request in ``state`` now,
    leaving out the once-only actions already ``done``: the request page asks this rather than
    knowing the state machine itself."""
    allowed, done = set(allowed), set(done)
    return [action for action in (*TRANSITIONS, *OPEN_IN)
            if action in allowed and action not in done
            and state in TRANSITIONS.get(action, OPEN_IN.get(action, ()))]

# Art. 25: a department that refuses must state its reasons; returning and revoking affect
# the applicant just as much, so they must say why too.
REASON_REQUIRED = frozenset({"refuse", "return", "revoke"})
_REASON_MESSAGES: dict[str, str] = {
    "refuse": N_("Give the reasons for refusing the request; the applicant will see them."),
    "return": N_("Say what more information the applicant must give."),
    "revoke": N_("Give the reason for revoking access; the applicant will see it."),
}

# --- who decides (Art. 20, 25) ----------------------------------------------------------------
# The roles a user can hold towards a request, besides applicant. CITY_BUREAU is the city Big
# Data Bureau (市大数据局, ``ckanext.dongchang.city_bureau_org``; the district Bureau stands in
# when that is empty).
PROVIDER, DISTRICT_BUREAU, CITY_BUREAU = "provider", "district_bureau", "city_bureau"
ROLES: tuple[str, ...] = (PROVIDER, DISTRICT_BUREAU, CITY_BUREAU)
# What the deciding side does: decide, extend the deadline, check the applicant, sign.
DECIDING_ACTIONS = frozenset({"approve", "refuse", "return", "extend", "verify", "sign"})


def deciding_authority(request_kind: object, applicant_kind: object) -> str:
    """Who decides: the city Big Data Bureau for a non-government body's share request
    ("非政务部门…应当向市大数据局提交申请", Art. 20 ¶3), else the providing department (Art. 20
    ¶2, and "由提供数据的单位同意或者说明理由", Art. 25 ¶1)."""
    if request_kind == "share" and applicant_kind != "department":
        return CITY_BUREAU
    return PROVIDER


def may_act(role: object, request_kind: object, applicant_kind: object, action: object) -> bool:
    """Whether ``role`` may take ``action`` on a request.

    The deciding side (``deciding_authority``) decides, extends, checks the applicant and signs
    the agreement. Where that is the city Bureau, the providing department sees the request and
    gives an opinion instead. Site policy, not the regulation's text: the district Bureau may
    also decide share requests between departments, and may revoke any grant (its security
    oversight, Art. 27); it never decides a conditional-open request (Art. 25 ¶1) nor one the
    city Bureau decides.
    """
    if role not in ROLES or request_kind not in ("share", "open"):
        return False
    authority = deciding_authority(request_kind, applicant_kind)
    if action == "opinion":
        return role == PROVIDER and authority != PROVIDER
    if action == "revoke":
        return role in (authority, DISTRICT_BUREAU)
    if action in DECIDING_ACTIONS:
        return role == authority or (
            role == DISTRICT_BUREAU and request_kind == "share" and authority == PROVIDER)
    return False


PURPOSES: tuple[str, ...] = (
    "innovation", "urban_governance", "social_services", "research", "commercial", "duties",
)
PURPOSE_LABELS: dict[str, str] = {
    "innovation": N_("Innovation and entrepreneurship"),
    "urban_governance": N_("Urban governance"),
    "social_services": N_("Social services"),
    "research": N_("Public-interest research and education"),
    "commercial": N_("Commercial use (by public tender or another competitive method)"),
    "duties": N_("Performance of public duties"),
}
APPLICANT_KINDS: tuple[str, ...] = (
    "department", "citizen", "legal_person", "research_institution", "other_body",
)
APPLICANT_KIND_LABELS: dict[str, str] = {
    "department": N_("Government department"),
    "citizen": N_("Citizen"),
    "legal_person": N_("Company or other legal person"),
    "research_institution": N_("University or research institute"),
    "other_body": N_("Other organisation with public duties"),
}
# What a page may name by code (``h.dongchang_label``), each table next to its codes above.
LABELS: dict[str, dict[str, str]] = {
    "purpose": PURPOSE_LABELS, "applicant_kind": APPLICANT_KIND_LABELS,
    "state": STATE_LABELS, "request_kind": REQUEST_KIND_LABELS,
}
# Performing public duties is something only departments and bodies with public functions do.
DUTIES_APPLICANT_KINDS = frozenset({"department", "other_body"})

# Fields of the application form that only some purposes use (issue 17 item 9): the form shows
# each for these purposes only, and a value a hidden field still carries is ignored, so a purpose
# never fails, or stores, on a field that is not its own.
PURPOSE_FIELDS: dict[str, tuple[str, ...]] = {
    "institution": ("research",),
    "public_interest_attested": ("research",),
    "tender_id": ("commercial",),
}


def purposes_using(field: str) -> tuple[str, ...]:
    """The purposes whose form shows ``field`` (every purpose for a field of all purposes)."""
    return PURPOSE_FIELDS.get(field, PURPOSES)


def without_unused_fields(req: Mapping[str, Any]) -> dict[str, Any]:
    """``req`` without the fields its purpose does not use."""
    purpose = req.get("purpose")
    return {field: value for field, value in req.items()
            if field not in PURPOSE_FIELDS or purpose in PURPOSE_FIELDS[field]}


class InvalidTransition(ValueError):
    """An action that the request's current state does not allow (e.g. a second decision)."""

    message = N_(
        "This request can no longer be changed this way; reload the page to see its current"
        " state."
    )

    def __init__(self, state: object, action: object) -> None:
        self.state = state
        self.action = action
        super().__init__(f"cannot {action!r} an access request in state {state!r}")


def next_state(state: str, action: str) -> str:
    """The state ``action`` leads to from ``state``; :class:`InvalidTransition` if not allowed."""
    targets = TRANSITIONS.get(action) if isinstance(action, str) else None
    if not targets or not isinstance(state, str) or state not in targets:
        raise InvalidTransition(state, action)
    return targets[state]


def reason_errors(action: str, reason: object) -> Errors:
    """Refusal, return and revocation must carry a reason the applicant can read (Art. 25)."""
    if action in REASON_REQUIRED and is_blank(reason):
        return {"reason": [_REASON_MESSAGES[action]]}
    return {}


def request_kind(share_class: object, open_class: object, applicant_is_government: bool
                 ) -> str | None:
    """What an applicant may request for an entry: "share", "open", or ``None`` (nothing).

    =====================  ===========================  ====================================
    applicant              entry                        result
    =====================  ===========================  ====================================
    government             share conditional            "share" (Art. 20), whatever open is
    government             share unconditional          None: already has access (Art. 20)
    government             share not_shared             None: nothing may be requested
    public                 open conditional             "open" (Art. 25)
    public                 open unconditional           None: download online (Art. 24)
    public                 open not_open                None: nothing may be requested
    anyone                 unknown or forbidden combo   None (fail closed)
    =====================  ===========================  ====================================

    A government applicant never applies as "open": with conditional opening the share class is
    unconditional (access already) or conditional (apply to share).
    """
    if share_class not in SHARE_CLASSES or open_class not in OPEN_CLASSES:
        return None
    if is_wider(open_class, share_class):
        return None
    if applicant_is_government:
        return "share" if share_class == "conditional" else None
    return "open" if open_class == "conditional" else None


def non_government_share(share_class: object, applicant_kind: object, purpose: object) -> bool:
    """Art. 20 ¶3 ("非政务部门因履职需要使用政务数据的,应当向市大数据局提交申请"): a
    non-government body that needs conditionally shared data for its duties files a share
    request (decided by the city Big Data Bureau), whatever the entry's open class."""
    return share_class == "conditional" and applicant_kind == "other_body" and purpose == "duties"


def request_errors(req: Mapping[str, Any],
                   allowed_purposes: Iterable[str] = PURPOSES) -> Errors:
    """The pure rules of a request payload as ``{field: [msgid, ...]}``; ``{}`` if valid.

    ``allowed_purposes`` are the purposes the site offers (``ckanext.dongchang.purposes``); a
    purpose of the regulation the site does not offer is refused as firmly as an unknown one.
    Rules that need the database (does the tender cover the dataset, is the applicant its
    awardee) belong to the CKAN layer.
    """
    errors: Errors = {}
    purpose = req.get("purpose")
    kind = req.get("applicant_kind")
    if purpose not in PURPOSES:
        add(errors, "purpose", N_("Choose the purpose for which you need the data."))
    elif purpose not in tuple(allowed_purposes):
        add(errors, "purpose", N_(
            "This purpose is not accepted on this site; choose one of the purposes the form"
            " offers."))
    if kind not in APPLICANT_KINDS:
        add(errors, "applicant_kind", N_("Say whether you apply as a department, a citizen,"
                                          " a legal person, a research institution or another"
                                          " body."))
    if purpose == "research" and not is_truthy(req.get("public_interest_attested")):
        add(errors, "public_interest_attested", N_(
            "Research use is allowed for public-interest research and education only: confirm"
            " that yours is."
        ))
    if purpose == "commercial" and is_blank(req.get("tender_id")):
        add(errors, "tender_id", N_(
            "Commercial use is allocated by public tender or another competitive method: give the"
            " tender you were awarded."
        ))
    if purpose == "duties" and kind in APPLICANT_KINDS and kind not in DUTIES_APPLICANT_KINDS:
        add(errors, "purpose", N_(
            "Only departments and bodies with public duties can request data for the"
            " performance of duties."
        ))
    if is_blank(req.get("use_scenario")):
        add(errors, "use_scenario", N_("Describe how and where you will use the data."))
    if req.get("kind") == "share" and kind != "department":
        merge(errors, _non_government_share_errors(req))
    merge(errors, period_errors(
        req, "period_start", "period_end",
        N_("The end of the period cannot be before its start.")))
    return errors


SECURITY_MEASURES_NEEDED = N_("Describe the security measures that will protect the data.")


def _non_government_share_errors(req: Mapping[str, Any]) -> Errors:
    """Art. 20 ¶3: a non-government body applies with a use scenario and security measures.

    (The use scenario is required of every request; the agreement is signed after approval.)
    """
    if is_blank(req.get("security_measures")):
        return {"security_measures": [SECURITY_MEASURES_NEEDED]}
    return {}


def period_errors(data: Mapping[str, Any], start_field: str, end_field: str,
                  order_message: str, required: bool = False) -> Errors:
    """A period given by two fields: real dates (both present if ``required``), and it may not
    end before it starts. Shared by request periods and tender windows."""
    errors: Errors = {}
    bounds: dict[str, date] = {}
    for field in (start_field, end_field):
        value = data.get(field)
        if value is None or value == "":
            if required:
                add(errors, field, N_("Enter a date as YYYY-MM-DD."))
            continue
        parsed = date_or_none(value)
        if parsed is None:
            add(errors, field, N_("Enter a date as YYYY-MM-DD."))
        else:
            bounds[field] = parsed
    if len(bounds) == 2 and bounds[end_field] < bounds[start_field]:
        add(errors, end_field, order_message)
    return errors


# --- how long a grant lasts (Art. 25; F-4, F-6) ------------------------------------------------

GRANT_ENDS_BEFORE_TODAY = N_("The access cannot end before today.")
GRANT_TOO_LONG = N_(
    "Access can be granted until %(latest)s at the latest: this site grants access for"
    " %(days)s days at most."
)
GRANT_BEYOND_CONTRACT = N_(
    "Access can be granted until %(latest)s at the latest: commercial use ends with the"
    " tender contract on that day."
)


def latest_grant_end(today: date, grant_days: int, contract_end: date | None) -> date:
    """The last day an approval made today may grant: the site's grant length, and for
    commercial use never beyond the tender contract (access must not outlive the contract)."""
    latest = today + timedelta(days=grant_days)
    return min(latest, contract_end) if contract_end is not None else latest


def valid_until_errors(valid_until: date, today: date, grant_days: int,
                       contract_end: date | None) -> Errors:
    """Why ``valid_until`` cannot be granted, naming the latest day that can; ``{}`` if it can.

    A department chooses a shorter validity freely; a longer one than the configured grant
    length (or than the contract) would be a grant nobody reviews again (``9999-12-31``).
    """
    if valid_until < today:
        return {"valid_until": [GRANT_ENDS_BEFORE_TODAY]}
    latest = latest_grant_end(today, grant_days, contract_end)
    if valid_until <= latest:
        return {}
    if contract_end is not None and latest == contract_end:
        return {"valid_until": [Message(GRANT_BEYOND_CONTRACT, latest=latest.isoformat())]}
    return {"valid_until": [Message(GRANT_TOO_LONG, latest=latest.isoformat(),
                                    days=grant_days)]}


# --- the agreement a grant rests on (Art. 20 ¶3, Art. 25 ¶4) --------------------------------
# Applicant kinds a person declares for themselves; the deciding side checks them (e.g. against
# the business licence or the institution's registration) before approving.
VERIFIED_KINDS = frozenset({"legal_person", "research_institution", "other_body"})
SIDES: tuple[str, ...] = ("authority", "applicant")


def agreement_required(request_kind: object, applicant_kind: object) -> bool:
    """A non-government body's share grant (Art. 20 ¶3: "…后,和数据使用方签署协议") and every
    conditional-open grant (Art. 25 ¶4: "按照…协议约定进行数据开发利用,保障数据安全") start
    only once both sides have signed an agreement; departments sharing need none."""
    return request_kind == "open" or (request_kind == "share" and applicant_kind != "department")


def verification_required(applicant_kind: object) -> bool:
    """Whether the applicant's declared kind must be checked by the deciding side."""
    return applicant_kind in VERIFIED_KINDS


def approval_errors(applicant_kind: object, verified: bool) -> Errors:
    """An approval needs the recorded check of a declared applicant kind first."""
    if verification_required(applicant_kind) and not verified:
        return {"applicant_kind": [N_(
            "Check the applicant's declared kind (legal person, research institution or other"
            " body) and record the check before approving.")]}
    return {}


def sign_errors(state: object, side: object, signed_already: bool, security_measures: object,
                terms_version: object, current_version: str) -> Errors:
    """Why a side cannot sign the agreement now; ``{}`` if it can.

    The agreement follows the grant (Art. 20 ¶3: grant, then sign), so only an approved request
    is signed, once per side; the applicant signs with the security measures that will protect
    the data (Art. 25 ¶4); a signer who names the terms version read must have read the current
    one.
    """
    if side not in SIDES:
        return {"side": [N_("Only the deciding side and the applicant sign the agreement.")]}
    if state != "approved":
        return {"state": [N_("The agreement is signed once the request is approved, while"
                             " access lasts.")]}
    if signed_already:
        return {"agreement": [N_("This side has already signed the agreement.")]}
    errors: Errors = {}
    if side == "applicant" and is_blank(security_measures):
        add(errors, "security_measures", SECURITY_MEASURES_NEEDED)
    if terms_version not in (None, "") and terms_version != current_version:
        add(errors, "terms_version", N_(
            "The terms of the agreement have changed since you read them; read the current"
            " version and sign again."))
    return errors


def grant_in_force(state: object, valid_from: date | None, valid_until: date | None,
                   today: date) -> bool:
    """An approved grant is in force from ``valid_from`` (set when the agreement, if one is
    needed, is signed by both sides; empty until then) to ``valid_until``."""
    return (state == "approved" and valid_from is not None and valid_from <= today
            and (valid_until is None or valid_until >= today))


AGREEMENT_TERMS = N_(
    "Data use agreement. The applicant named in this request may use the data of this catalog"
    " entry only for the purpose and use scenario stated in the request, and only while access"
    " lasts; protects it with the security measures recorded in this agreement; does not pass"
    " the data on to others or publish it; states the source of the data and the date it was"
    " obtained in any product derived from it (Art. 25); and accepts that the granting side"
    " follows up the use and may revoke access if these terms are broken."
)
