"""Who decides a request, the agreement it rests on and the applicant check (Art. 20 ¶3, 25 ¶4).

Pure rules: no services.
"""
from __future__ import annotations

from datetime import date

import pytest

from ckanext.dongchang.requests.rules import (
    APPLICANT_KINDS,
    CITY_BUREAU,
    DISTRICT_BUREAU,
    PROVIDER,
    ROLES,
    agreement_required,
    approval_errors,
    deciding_authority,
    grant_in_force,
    may_act,
    non_government_share,
    sign_errors,
    verification_required,
)

NON_GOVERNMENT = [kind for kind in APPLICANT_KINDS if kind != "department"]
DECISIONS = ("approve", "refuse", "return", "extend", "verify", "sign")


@pytest.mark.parametrize("applicant", NON_GOVERNMENT)
def test_art20_non_government_share_requests_are_decided_by_the_city_bureau(applicant):
    assert deciding_authority("share", applicant) == CITY_BUREAU
    for action in DECISIONS + ("revoke",):
        assert may_act(CITY_BUREAU, "share", applicant, action)
        assert not may_act(PROVIDER, "share", applicant, action), action
    assert may_act(PROVIDER, "share", applicant, "opinion")
    assert not may_act(CITY_BUREAU, "share", applicant, "opinion")


@pytest.mark.parametrize("applicant", NON_GOVERNMENT)
def test_art20_the_district_bureau_does_not_decide_in_the_city_bureaus_place(applicant):
    for action in DECISIONS:
        assert not may_act(DISTRICT_BUREAU, "share", applicant, action)
    assert may_act(DISTRICT_BUREAU, "share", applicant, "revoke")  # site policy: oversight


def test_art20_department_share_requests_stay_with_the_provider_and_the_bureau():
    assert deciding_authority("share", "department") == PROVIDER
    for action in ("approve", "refuse", "return", "extend", "revoke"):
        assert may_act(PROVIDER, "share", "department", action)
        assert may_act(DISTRICT_BUREAU, "share", "department", action)  # site policy
        assert not may_act(CITY_BUREAU, "share", "department", action)
    assert not may_act(PROVIDER, "share", "department", "opinion")


@pytest.mark.parametrize("applicant", NON_GOVERNMENT)
def test_art25_open_requests_are_the_providing_departments(applicant):
    assert deciding_authority("open", applicant) == PROVIDER
    for action in DECISIONS:
        assert may_act(PROVIDER, "open", applicant, action)
        assert not may_act(DISTRICT_BUREAU, "open", applicant, action)
        assert not may_act(CITY_BUREAU, "open", applicant, action)


@pytest.mark.parametrize("role", [*ROLES, "applicant", None, 3])
@pytest.mark.parametrize("kind", ["share", "open", "bogus", None])
def test_art20_art25_unknown_roles_actions_and_kinds_may_do_nothing(role, kind):
    assert not may_act(role, kind, "citizen", "delete")
    assert not may_act(role, kind, "citizen", None)
    if role not in ROLES or kind not in ("share", "open"):
        assert not any(may_act(role, kind, "citizen", a) for a in DECISIONS + ("revoke",))


@pytest.mark.parametrize("applicant", NON_GOVERNMENT)
def test_art20_art25_non_government_grants_rest_on_an_agreement(applicant):
    assert agreement_required("share", applicant)
    assert agreement_required("open", applicant)  # Art. 25 ¶4: use under the agreement


def test_art20_department_share_needs_no_agreement():
    assert not agreement_required("share", "department")
    assert not agreement_required("bogus", "citizen")


@pytest.mark.parametrize(("applicant", "required"), [
    ("legal_person", True), ("research_institution", True), ("other_body", True),
    ("citizen", False), ("department", False),
])
def test_art20_declared_applicant_kinds_are_verified(applicant, required):
    assert verification_required(applicant) is required
    errors = approval_errors(applicant, verified=False)
    assert (list(errors) == ["applicant_kind"]) is required
    assert approval_errors(applicant, verified=True) == {}


def _sign(**overrides):
    args = {"state": "approved", "side": "applicant", "signed_already": False,
            "security_measures": "Encrypted storage, access log", "terms_version": None,
            "current_version": "2026-1"}
    args.update(overrides)
    return sign_errors(**args)


def test_art20_art25_an_approved_request_is_signed_once_per_side():
    assert _sign() == {}
    assert _sign(side="authority", security_measures="") == {}
    assert list(_sign(signed_already=True)) == ["agreement"]


@pytest.mark.parametrize("state", ["submitted", "returned", "refused", "withdrawn", "revoked",
                                   "expired", None])
def test_art20_art25_only_an_approved_request_is_signed(state):
    assert list(_sign(state=state)) == ["state"]


@pytest.mark.parametrize("measures", [None, "", "  \n"])
def test_art25_the_applicant_signs_with_security_measures(measures):
    assert list(_sign(security_measures=measures)) == ["security_measures"]


def test_art20_art25_signing_names_the_terms_version_read():
    assert _sign(terms_version="2026-1") == {}
    assert list(_sign(terms_version="2025-9")) == ["terms_version"]
    assert list(_sign(side="authority", terms_version="x")) == ["terms_version"]


@pytest.mark.parametrize("side", ["bureau", None, 1])
def test_art20_art25_unknown_sides_are_refused(side):
    assert list(_sign(side=side)) == ["side"]


TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(("state", "valid_from", "valid_until", "expected"), [
    ("approved", TODAY, date(2027, 1, 1), True),
    ("approved", date(2026, 1, 1), TODAY, True),
    ("approved", None, date(2027, 1, 1), False),  # awaiting the agreement: not started
    ("approved", date(2026, 12, 4), date(2027, 1, 1), False),
    ("approved", date(2026, 1, 1), date(2026, 12, 2), False),
    ("revoked", TODAY, date(2027, 1, 1), False),
    ("submitted", None, None, False),
])
def test_art20_art25_the_grant_starts_on_valid_from(state, valid_from, valid_until, expected):
    assert grant_in_force(state, valid_from, valid_until, TODAY) is expected


@pytest.mark.parametrize(("share", "applicant", "purpose", "expected"), [
    ("conditional", "other_body", "duties", True),
    ("conditional", "other_body", "innovation", False),  # not for its duties: an open request
    ("conditional", "legal_person", "duties", False),
    ("unconditional", "other_body", "duties", False),
    ("not_shared", "other_body", "duties", False),
    (None, "other_body", "duties", False),
])
def test_art20_a_non_government_body_applies_for_shared_data_for_its_duties(
        share, applicant, purpose, expected):
    assert non_government_share(share, applicant, purpose) is expected
