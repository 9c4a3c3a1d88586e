"""Tenders for commercial use: states, notices, awards, and when a tender backs a request
(Art. 25; F-6)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.dongchang.tenders.rules import (
    CANCELLED,
    METHODS,
    NOT_AWARDED,
    NOT_AWARDEE,
    NOT_COVERED,
    OUTSIDE_CONTRACT,
    STATES,
    UNKNOWN,
    announcement_errors,
    award_errors,
    cancel_errors,
    commercial_use_message,
    commercial_use_problem,
    effective_state,
    period_beyond_contract,
    refusal,
)

TODAY = date(2026, 11, 30)


def _notice(**overrides):
    data = {"title": "东昌府区企业信用数据商业利用招标", "dataset_ids": ["e1"],
            "method": "public_tender", "notice": "公开招标公告", "scope": "企业征信服务",
            "bidding_start": "2026-11-01", "bidding_end": "2026-11-20"}
    data.update(overrides)
    return data


def _awarded(**overrides):
    tender = {"state": "awarded", "bidding_end": date(2026, 11, 20), "awardee_id": "u1",
              "dataset_ids": ["e1", "e2"], "contract_start": date(2026, 11, 25),
              "contract_end": date(2027, 11, 24)}
    tender.update(overrides)
    return tender


def test_f6_a_complete_notice_is_valid():
    assert announcement_errors(_notice()) == {}


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": "  "}, "title"),
    ({"dataset_ids": []}, "dataset_ids"),
    ({"method": "private_deal"}, "method"),
    ({"notice": ""}, "notice"),
    ({"scope": None}, "scope"),
    ({"bidding_start": "2026-13-01"}, "bidding_start"),
    ({"bidding_end": ""}, "bidding_end"),
    ({"bidding_end": "2026-10-01"}, "bidding_end"),
    ({"notice_url": "javascript:alert(1)"}, "notice_url"),
])
def test_f6_each_notice_problem_is_reported_on_its_field(overrides, field):
    assert set(announcement_errors(_notice(**overrides))) == {field}


def test_f6_every_method_of_art25_is_accepted():
    assert set(METHODS) == {"public_tender", "competitive_negotiation",
                            "competitive_consultation"}
    for method in METHODS:
        assert announcement_errors(_notice(method=method)) == {}


def test_f6_bidding_closes_by_itself_the_day_after_the_window():
    end = date(2026, 11, 20)
    assert effective_state("announced", end, end) == "announced"
    assert effective_state("announced", end, end + timedelta(days=1)) == "bidding_closed"
    assert effective_state("awarded", end, end + timedelta(days=9)) == "awarded"


@pytest.mark.parametrize(("action", "allowed"), [
    ("update", {"announced", "bidding_closed"}),
    ("award", {"bidding_closed"}),
    ("cancel", {"announced", "bidding_closed", "awarded"}),
    ("end", {"awarded"}),
])
def test_f6_what_each_state_allows(action, allowed):
    for state in STATES:
        assert (refusal(action, state) is None) == (state in allowed), (action, state)


def test_f6_award_needs_an_awardee_and_a_contract_that_has_not_ended():
    good = {"awardee": "company-li", "contract_start": "2026-12-01",
            "contract_end": "2027-11-30"}
    assert award_errors(good, date(2026, 11, 20), TODAY) == {}
    assert set(award_errors(dict(good, awardee=""), date(2026, 11, 20), TODAY)) == {"awardee"}
    assert set(award_errors(dict(good, contract_end="2026-11-01"), date(2026, 11, 20),
                            TODAY)) == {"contract_end"}
    assert set(award_errors(dict(good, contract_end=None), None, TODAY)) == {"contract_end"}
    assert set(award_errors(dict(good, award_date="2026-12-25"), None, TODAY)) == {"award_date"}
    assert set(award_errors(dict(good, award_date="2026-11-10"), date(2026, 11, 20),
                            TODAY)) == {"award_date"}
    assert set(award_errors(dict(good, contract_start="2026-11-01", award_date="2026-11-25"),
                            date(2026, 11, 20), TODAY)) == {"contract_start"}


def test_f6_cancelling_needs_a_reason():
    assert set(cancel_errors("  ")) == {"reason"}
    assert cancel_errors("预算取消") == {}


@pytest.mark.parametrize(("tender", "dataset", "user", "problem"), [
    (None, "e1", "u1", UNKNOWN),
    (_awarded(state="announced", bidding_end=date(2026, 12, 20)), "e1", "u1", NOT_AWARDED),
    (_awarded(state="announced"), "e1", "u1", NOT_AWARDED),
    (_awarded(state="cancelled"), "e1", "u1", CANCELLED),
    (_awarded(state="ended"), "e1", "u1", OUTSIDE_CONTRACT),
    (_awarded(), "e1", "u2", NOT_AWARDEE),
    (_awarded(), "e1", "", NOT_AWARDEE),
    (_awarded(), "e9", "u1", NOT_COVERED),
    (_awarded(contract_start=date(2026, 12, 1)), "e1", "u1", OUTSIDE_CONTRACT),
    (_awarded(contract_end=date(2026, 11, 29)), "e1", "u1", OUTSIDE_CONTRACT),
    (_awarded(), "e2", "u1", None),
    (_awarded(contract_start=TODAY, contract_end=TODAY), "e1", "u1", None),
])
def test_art25_commercial_use_only_for_the_awardee_of_a_covering_tender_in_its_contract(
        tender, dataset, user, problem):
    assert commercial_use_problem(tender, dataset, user, TODAY) == problem


def test_art25_each_problem_has_its_own_message_and_the_contract_dates():
    tender = _awarded()
    messages = {commercial_use_message(p, tender) for p in (
        UNKNOWN, NOT_AWARDED, CANCELLED, NOT_AWARDEE, NOT_COVERED, OUTSIDE_CONTRACT)}
    assert len(messages) == 6
    outside = commercial_use_message(OUTSIDE_CONTRACT, tender)
    assert outside.params == {"start": "2026-11-25", "end": "2027-11-24"}


def test_art25_use_cannot_outlast_the_contract():
    assert period_beyond_contract("2027-12-01", date(2027, 11, 24)) is not None
    assert period_beyond_contract("2027-11-24", date(2027, 11, 24)) is None
    assert period_beyond_contract(None, date(2027, 11, 24)) is None


@given(st.dates(), st.dates(), st.dates(), st.text(max_size=3), st.text(max_size=3))
def test_art25_a_tender_backs_use_only_inside_its_contract(start, end, today, awardee, user):
    tender = _awarded(contract_start=start, contract_end=end, awardee_id=awardee,
                      bidding_end=min(start, end))
    if commercial_use_problem(tender, "e1", user, today) is None:
        assert start <= today <= end
        assert user == awardee and user
