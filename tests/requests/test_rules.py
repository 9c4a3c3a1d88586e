"""Access requests: state machine, reasons, purposes (Art. 20, 25; F-4, F-5)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.dongchang.catalog.rules.classes import OPEN_CLASSES, SHARE_CLASSES
from ckanext.dongchang.requests.rules import (
    APPLICANT_KINDS,
    PURPOSES,
    REASON_REQUIRED,
    STATES,
    InvalidTransition,
    agreement_required,
    next_state,
    reason_errors,
    request_errors,
    request_kind,
)

# DESIGN §5, written out: (state, action) -> new state. Everything else is refused.
ALLOWED = {
    ("submitted", "approve"): "approved",
    ("submitted", "refuse"): "refused",
    ("submitted", "return"): "returned",
    ("submitted", "withdraw"): "withdrawn",
    ("returned", "resubmit"): "submitted",
    ("returned", "withdraw"): "withdrawn",
    ("approved", "revoke"): "revoked",
    ("approved", "expire"): "expired",
}
ACTIONS = ("approve", "refuse", "return", "resubmit", "withdraw", "revoke", "expire")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_f4_state_machine(state, action):
    if (state, action) in ALLOWED:
        assert next_state(state, action) == ALLOWED[(state, action)]
    else:
        with pytest.raises(InvalidTransition) as raised:
            next_state(state, action)
        assert raised.value.state == state and raised.value.action == action
        assert raised.value.message.startswith("This request can no longer be changed")


@pytest.mark.parametrize(("state", "action"), [
    ("submitted", "delete"), ("bogus", "approve"), (None, "approve"), ("submitted", None),
    (["submitted"], "approve"), ("submitted", ["approve"]),
])
def test_f4_unknown_states_and_actions_are_invalid(state, action):
    with pytest.raises(InvalidTransition):
        next_state(state, action)


def test_f4_invalid_transition_is_a_value_error():
    assert issubclass(InvalidTransition, ValueError)


@pytest.mark.parametrize("action", ["refuse", "return", "revoke"])
@pytest.mark.parametrize("reason", [None, "", "   ", 7])
def test_art25_refusal_return_and_revocation_need_a_reason(action, reason):
    errors = reason_errors(action, reason)
    assert list(errors) == ["reason"] and len(errors["reason"]) == 1
    assert reason_errors(action, "Outside the data's permitted use") == {}


@pytest.mark.parametrize("action", ["approve", "resubmit", "withdraw", "expire"])
def test_f4_other_decisions_need_no_reason(action):
    assert reason_errors(action, None) == {}


def test_f4_reason_required_set():
    assert frozenset({"refuse", "return", "revoke"}) == REASON_REQUIRED


def request(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "open", "applicant_kind": "citizen", "purpose": "innovation",
        "use_scenario": "A bus-arrival app for Liaocheng",
        "period_start": "2026-03-01", "period_end": "2026-12-31",
    }
    base.update(overrides)
    return base


def test_f4_valid_request_has_no_errors():
    assert request_errors(request()) == {}


@pytest.mark.parametrize("purpose", [None, "", "fun", 3])
def test_f5_purpose_required_and_known(purpose):
    assert list(request_errors(request(purpose=purpose))) == ["purpose"]


@pytest.mark.parametrize("kind", [None, "alien", 1])
def test_f4_applicant_kind_must_be_known(kind):
    assert list(request_errors(request(applicant_kind=kind))) == ["applicant_kind"]


@pytest.mark.parametrize("attested", [None, False, "false", "", "maybe"])
def test_art25_research_needs_public_interest_attestation(attested):
    errors = request_errors(request(purpose="research", applicant_kind="research_institution",
                                    public_interest_attested=attested))
    assert list(errors) == ["public_interest_attested"]
    ok = request(purpose="research", applicant_kind="research_institution",
                 public_interest_attested="true")
    assert request_errors(ok) == {}


@pytest.mark.parametrize("tender", [None, "", "  "])
def test_art25_commercial_use_needs_a_tender(tender):
    errors = request_errors(request(purpose="commercial", applicant_kind="legal_person",
                                    tender_id=tender))
    assert errors == {"tender_id": [
        "Commercial use is allocated by public tender or another competitive method: give the"
        " tender you were awarded."]}
    assert request_errors(request(purpose="commercial", applicant_kind="legal_person",
                                  tender_id="T-2026-004")) == {}


@pytest.mark.parametrize(("kind", "allowed"), [
    ("department", True), ("other_body", True), ("citizen", False), ("legal_person", False),
    ("research_institution", False),
])
def test_f5_duties_purpose_only_for_bodies_with_public_duties(kind, allowed):
    errors = request_errors(request(purpose="duties", applicant_kind=kind, kind="share",
                                    security_measures="Encrypted storage"))
    assert ("purpose" in errors) is (not allowed)
    assert set(errors) <= {"purpose"}


@pytest.mark.parametrize("kind", ["other_body", "citizen", "legal_person"])
def test_art20_non_government_share_needs_security_measures(kind):
    """The agreement itself is a record both sides sign after approval (test_rules_agreements),
    not a tick-box on the application: only the security measures are asked here."""
    errors = request_errors(request(kind="share", applicant_kind=kind, purpose="innovation"))
    assert set(errors) == {"security_measures"}
    ok = request(kind="share", applicant_kind=kind, security_measures="Access log, encryption")
    assert request_errors(ok) == {}


def test_art20_departments_share_without_agreement():
    assert request_errors(request(kind="share", applicant_kind="department",
                                  purpose="duties")) == {}
    assert not agreement_required("share", "department")


def test_art25_open_requests_rest_on_an_agreement():
    """Art. 25 ¶4: conditional-open data is used under an agreement, data security ensured.
    The application may leave the security measures for the signature (sign_errors)."""
    assert request_errors(request(kind="open", applicant_kind="legal_person")) == {}
    assert agreement_required("open", "legal_person")


@pytest.mark.parametrize("scenario", [None, "", " \n "])
def test_art20_every_request_needs_a_use_scenario(scenario):
    for kind, applicant in (("share", "department"), ("open", "citizen")):
        errors = request_errors(request(kind=kind, applicant_kind=applicant,
                                        use_scenario=scenario))
        assert list(errors) == ["use_scenario"]


@pytest.mark.parametrize(("field", "value"), [
    ("period_start", "2026-02-30"), ("period_start", "yesterday"), ("period_end", 20261231),
    ("period_end", "31/12/2026"),
])
def test_f4_period_dates_must_be_dates(field, value):
    assert list(request_errors(request(**{field: value}))) == [field]


def test_f4_period_must_not_end_before_it_starts():
    errors = request_errors(request(period_start=date(2026, 5, 2), period_end="2026-05-01"))
    assert list(errors) == ["period_end"]
    same_day = request(period_start=datetime(2026, 5, 1, 9), period_end=date(2026, 5, 1))
    assert request_errors(same_day) == {}


def test_f4_period_is_optional():
    assert request_errors(request(period_start=None, period_end="")) == {}


# request_kind: (share, open, government?) -> kind, the docstring's table written out.
KIND_TABLE = {
    **{(s, o, True): ("share" if s == "conditional" else None)
       for s in SHARE_CLASSES for o in OPEN_CLASSES},
    **{(s, o, False): ("open" if o == "conditional" else None)
       for s in SHARE_CLASSES for o in OPEN_CLASSES},
    # combinations where opening is wider than sharing are not valid entries: nothing
    ("conditional", "unconditional", True): None,
    ("not_shared", "unconditional", False): None,
    ("not_shared", "conditional", False): None,
}


@pytest.mark.parametrize(("share", "open_", "government"), list(KIND_TABLE))
def test_art20_art25_request_kind(share, open_, government):
    assert request_kind(share, open_, government) == KIND_TABLE[(share, open_, government)]


def test_art20_government_applies_to_share_conditional_data_even_when_open_conditional():
    assert request_kind("conditional", "conditional", True) == "share"
    assert request_kind("unconditional", "conditional", True) is None


@pytest.mark.parametrize(("share", "open_"), [("bogus", "conditional"), ("conditional", 5)])
def test_f4_request_kind_fails_closed_on_unknown_classes(share, open_):
    assert request_kind(share, open_, True) is None
    assert request_kind(share, open_, False) is None


# --- properties -------------------------------------------------------------------------

GARBAGE = st.one_of(st.none(), st.integers(), st.booleans(), st.text(max_size=6),
                    st.dates().map(str), st.lists(st.none(), max_size=1))
BOUNDARY = st.one_of(GARBAGE, st.sampled_from([
    *PURPOSES, *APPLICANT_KINDS, "share", "open", "", " ", True, "true", "2026-01-01",
    "2025-12-31", date(2026, 1, 1)]))
FIELDS = ("kind", "applicant_kind", "purpose", "use_scenario", "security_measures",
          "period_start", "period_end", "tender_id", "public_interest_attested")


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    base = request(kind=draw(st.sampled_from(["share", "open"])),
                   applicant_kind=draw(st.sampled_from(APPLICANT_KINDS)),
                   purpose=draw(st.sampled_from(PURPOSES)))
    base.update(draw(st.dictionaries(st.sampled_from(FIELDS), BOUNDARY, max_size=3)))
    return base


def filled(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


ASBOOL_TRUE = {"true", "yes", "on", "y", "t", "1"}  # the strings CKAN's asbool reads as yes


def yes(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ASBOOL_TRUE)


@given(requests())
def test_art20_art25_accepted_requests_satisfy_the_purpose_rules(req):
    errors = request_errors(req)
    assert all(isinstance(m, str) and m for msgs in errors.values() for m in msgs)
    if errors:
        return
    assert req["purpose"] in PURPOSES and req["applicant_kind"] in APPLICANT_KINDS
    assert filled(req["use_scenario"])
    if req["purpose"] == "research":
        assert yes(req.get("public_interest_attested"))
    if req["purpose"] == "commercial":
        assert filled(req.get("tender_id"))
    if req["purpose"] == "duties":
        assert req["applicant_kind"] in ("department", "other_body")
    if req.get("kind") == "share" and req["applicant_kind"] != "department":
        assert filled(req.get("security_measures"))


@given(st.dictionaries(st.sampled_from(FIELDS), GARBAGE))
def test_f4_garbage_requests_never_crash(req):
    errors = request_errors(req)
    if req.get("purpose") not in PURPOSES:
        assert "purpose" in errors
