"""Tenders for commercial use (Art. 25; F-6): methods, states, and when a tender backs a request.

Lifecycle (DESIGN §5)::

    announced --(bidding_end passes)--> bidding_closed --award--> awarded --(contract ends)--> ended
        \\________________ cancel ______________/                 \\--cancel--> cancelled

``bidding_closed`` is never stored: an announced tender whose bidding window has passed *is*
closed from that day on, without a scheduled job having to run first. The stored states are
``announced``, ``awarded``, ``cancelled`` and ``ended``; :func:`effective_state` gives the one a
person sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ckanext.dongchang.kernel.messages import N_, Message
from ckanext.dongchang.kernel.rules import Errors, add, date_or_none, is_blank, merge
from ckanext.dongchang.requests.rules import period_errors

METHODS: tuple[str, ...] = ("public_tender", "competitive_negotiation", "competitive_consultation")
METHOD_LABELS: dict[str, str] = {
    "public_tender": N_("Public tender"),
    "competitive_negotiation": N_("Competitive negotiation"),
    "competitive_consultation": N_("Competitive consultation"),
}
STORED_STATES: tuple[str, ...] = ("announced", "awarded", "cancelled", "ended")
STATES: tuple[str, ...] = ("announced", "bidding_closed", "awarded", "cancelled", "ended")
STATE_LABELS: dict[str, str] = {
    "announced": N_("Open for bids"),
    "bidding_closed": N_("Bidding closed"),
    "awarded": N_("Awarded"),
    "cancelled": N_("Cancelled"),
    "ended": N_("Contract ended"),
}
# What the public tender list shows unless asked for other states.
LISTED_STATES: tuple[str, ...] = ("announced", "bidding_closed", "awarded")

# action -> effective states it may start from
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "update": frozenset({"announced", "bidding_closed"}),
    "award": frozenset({"bidding_closed"}),
    "cancel": frozenset({"announced", "bidding_closed", "awarded"}),
    "end": frozenset({"awarded"}),
}
_REFUSED_MESSAGES: dict[str, str] = {
    "update": N_("Only a tender that has not been awarded or cancelled can be changed."),
    "award": N_("A tender can be awarded only after its bidding window has closed, and only"
                " once."),
    "cancel": N_("This tender has already been cancelled or has ended."),
    "end": N_("Only an awarded tender can end."),
}

ANNOUNCEMENT_FIELDS: tuple[str, ...] = (
    "title", "dataset_ids", "method", "notice", "notice_url", "scope", "bidding_start",
    "bidding_end",
)


def effective_state(state: str, bidding_end: date | None, today: date) -> str:
    """The state a person sees today: an announced tender past its bidding window is closed."""
    if state == "announced" and bidding_end is not None and bidding_end < today:
        return "bidding_closed"
    return state


def refusal(action: str, state: str) -> str | None:
    """``None`` if ``action`` may happen in (effective) ``state``, else the msgid saying why not."""
    if state in ALLOWED_FROM.get(action, frozenset()):
        return None
    return _REFUSED_MESSAGES.get(action, N_("This tender cannot be changed this way."))


def open_actions(state: str) -> list[str]:
    """What the Bureau may do to a tender in (effective) ``state`` now, in the order a page
    offers them: the page asks this instead of knowing the lifecycle itself."""
    return [action for action in ("update", "award", "cancel") if refusal(action, state) is None]


def announcement_errors(tender: Mapping[str, Any]) -> Errors:
    """The rules of a tender notice, as ``{field: [msgid, ...]}``; ``{}`` if valid.

    ``dataset_ids`` must already be a list; that each names a catalog entry the Bureau may put
    out to tender is checked where the database is.
    """
    errors: Errors = {}
    for field, message in (
        ("title", N_("Give the tender a title.")),
        ("notice", N_("Give the text of the tender notice.")),
        ("scope", N_("Describe the scope of use the tender allocates.")),
    ):
        if is_blank(tender.get(field)):
            add(errors, field, message)
    if not tender.get("dataset_ids"):
        add(errors, "dataset_ids", N_("Name at least one catalog entry the tender covers."))
    if tender.get("method") not in METHODS:
        add(errors, "method", N_(
            "Choose the method: public tender, competitive negotiation or competitive"
            " consultation."))
    url = tender.get("notice_url")
    if not is_blank(url) and not str(url).strip().lower().startswith(("http://", "https://")):
        add(errors, "notice_url", N_("Give the notice's web address, starting with http:// or"
                                      " https://."))
    merge(errors, period_errors(tender, "bidding_start", "bidding_end", N_(
        "Bidding cannot close before it opens."), required=True))
    return errors


def award_errors(award: Mapping[str, Any], bidding_end: date | None, today: date) -> Errors:
    """The rules of an award: who, when, and a contract period that has not already ended."""
    errors: Errors = {}
    if is_blank(award.get("awardee")):
        add(errors, "awardee", N_("Give the user name of the winning bidder's account."))
    merge(errors, period_errors(award, "contract_start", "contract_end", N_(
        "The contract cannot end before it starts."), required=True))
    award_date = date_or_none(award.get("award_date")) if award.get("award_date") else today
    if award.get("award_date") and award_date is None:
        add(errors, "award_date", N_("Enter a date as YYYY-MM-DD."))
    elif award_date is not None:
        if award_date > today:
            add(errors, "award_date", N_("The award date cannot be in the future."))
        elif bidding_end is not None and award_date < bidding_end:
            add(errors, "award_date", Message(N_(
                "The award cannot come before bidding closed on %(date)s."),
                date=bidding_end.isoformat()))
    start = date_or_none(award.get("contract_start"))
    end = date_or_none(award.get("contract_end"))
    if "award_date" not in errors and award_date is not None and start is not None \
            and start < award_date:
        add(errors, "contract_start", N_("The contract cannot start before the award."))
    if end is not None and end < today and "contract_end" not in errors:
        add(errors, "contract_end", N_("This contract period has already ended."))
    return errors


def cancel_errors(reason: object) -> Errors:
    """Cancelling ends the grants resting on the tender, so those affected must be told why."""
    if is_blank(reason):
        return {"reason": [N_("Give the reason for cancelling the tender; bidders and"
                              " grantees will see it.")]}
    return {}


# --- whether a tender backs a commercial access request ---------------------------------------
UNKNOWN = "unknown"
NOT_AWARDED = "not_awarded"
CANCELLED = "cancelled"
NOT_AWARDEE = "not_awardee"
NOT_COVERED = "not_covered"
OUTSIDE_CONTRACT = "outside_contract"

_COMMERCIAL_MESSAGES: dict[str, str] = {
    UNKNOWN: N_("There is no tender with this number. Give the number shown on the tender's"
                " page."),
    NOT_AWARDED: N_("This tender has not been awarded yet; commercial use begins after the"
                    " award."),
    CANCELLED: N_("This tender was cancelled; it does not allow any commercial use."),
    NOT_AWARDEE: N_("This tender was awarded to another bidder; only the awardee may request"
                    " data under it."),
    NOT_COVERED: N_("This tender does not cover this entry."),
    OUTSIDE_CONTRACT: N_("Today is outside the tender's contract period (%(start)s to"
                         " %(end)s)."),
}


def commercial_use_problem(tender: Mapping[str, Any] | None, dataset_id: str, user_id: str,
                           today: date) -> str | None:
    """Why ``tender`` does not back ``user_id``'s commercial use of ``dataset_id`` today.

    Returns one of the problem codes above, or ``None`` when it does: the tender is awarded,
    to this user, covers the entry, and today lies in the contract period (Art. 25).
    """
    if tender is None:
        return UNKNOWN
    state = effective_state(tender.get("state", ""), tender.get("bidding_end"), today)
    if state == "cancelled":
        return CANCELLED
    if state == "ended":
        return OUTSIDE_CONTRACT
    if state != "awarded":
        return NOT_AWARDED
    if not user_id or tender.get("awardee_id") != user_id:
        return NOT_AWARDEE
    if dataset_id not in (tender.get("dataset_ids") or ()):
        return NOT_COVERED
    start, end = tender.get("contract_start"), tender.get("contract_end")
    if start is None or end is None or not start <= today <= end:
        return OUTSIDE_CONTRACT
    return None


def commercial_use_message(problem: str, tender: Mapping[str, Any] | None) -> str:
    """The applicant-facing msgid for a problem code (with the contract dates where needed)."""
    message = _COMMERCIAL_MESSAGES[problem]
    if problem == OUTSIDE_CONTRACT and tender is not None:
        return Message(message, start=_iso(tender.get("contract_start")),
                       end=_iso(tender.get("contract_end")))
    return message


def period_beyond_contract(period_end: object, contract_end: date | None) -> str | None:
    """A commercial request may not ask for use beyond the contract (msgid) or ``None``."""
    end = date_or_none(period_end)
    if end is not None and contract_end is not None and end > contract_end:
        return Message(N_("Commercial use cannot go beyond the contract period, which ends on"
                          " %(date)s."), date=contract_end.isoformat())
    return None


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


def normalise_ids(values: Iterable[str]) -> list[str]:
    """Distinct non-blank values, in the order given."""
    return list(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip()))



