"""How long an approved access request may last (Art. 25; F-4, F-6): the grant length and the
tender contract bound ``valid_until``."""

from __future__ import annotations

from datetime import date

from ckanext.dongchang.requests.rules import latest_grant_end, valid_until_errors

TODAY = date(2026, 12, 3)


def test_f4_the_latest_end_is_the_configured_grant_length_from_today():
    assert latest_grant_end(TODAY, 365, None) == date(2027, 12, 3)


def test_f4_commercial_use_ends_with_the_contract_when_that_comes_first():
    assert latest_grant_end(TODAY, 365, date(2027, 3, 31)) == date(2027, 3, 31)
    assert latest_grant_end(TODAY, 30, date(2027, 3, 31)) == date(2027, 1, 2)


def test_f4_year_9999_is_refused_naming_the_latest_allowed_date():
    errors = valid_until_errors(date(9999, 12, 31), TODAY, 365, None)
    assert list(errors) == ["valid_until"]
    assert errors["valid_until"][0].params["latest"] == "2027-12-03"


def test_f4_beyond_the_contract_is_refused_naming_its_end():
    errors = valid_until_errors(date(2027, 6, 1), TODAY, 365, date(2027, 3, 31))
    assert errors["valid_until"][0].params["latest"] == "2027-03-31"
    assert "contract" in errors["valid_until"][0]


def test_f4_an_end_within_both_bounds_is_accepted():
    assert valid_until_errors(date(2027, 3, 31), TODAY, 365, date(2027, 3, 31)) == {}
    assert valid_until_errors(TODAY, TODAY, 365, None) == {}


def test_f4_an_end_before_today_is_refused():
    assert list(valid_until_errors(date(2026, 12, 2), TODAY, 365, None)) == ["valid_until"]
