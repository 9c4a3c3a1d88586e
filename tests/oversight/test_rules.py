"""Pure rules of the evaluation (Art. 6) and of data freshness (Art. 16): no services."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.dongchang.calendar.working_days import WorkingDayCalendar
from ckanext.dongchang.catalog.rules import freshness
from ckanext.dongchang.oversight import rules

WEIGHTS = {"catalog_completeness": 20, "catalog_timeliness": 20, "response_timeliness": 20,
           "share_open_ratio": 15, "freshness": 15, "products": 10, "use": 0}


def _figures(**overrides):
    figures = {
        "entries": 10, "published": 8, "share_unconditional": 6, "share_conditional": 2,
        "share_not_shared": 2, "open_unconditional": 4, "open_conditional": 2,
        "open_not_open": 4, "catalog_updates_on_time": 3, "catalog_updates_overdue": 1,
        "requests_received": 5, "overdue_responses": 1, "freshness_applicable": 8,
        "freshness_overdue": 2, "entries_with_products": 2, "entries_delivered": 4,
    }
    figures.update(overrides)
    return figures


# --- Art. 6: the evaluation mechanism covers 归集, 共享 and 开放 ---------------------------------

def test_art6_each_criterion_is_a_fraction_of_what_the_department_did():
    parts = rules.criterion_fractions(_figures())
    assert parts == {
        "catalog_completeness": 0.8,          # 8 of 10 entries published (归集)
        "catalog_timeliness": 0.75,           # 3 of 4 Art. 16 updates on time
        "response_timeliness": 0.8,           # 1 of 5 requests answered late
        "share_open_ratio": pytest.approx((8 / 10 + 6 / 10) / 2),  # 共享 and 开放
        "freshness": 0.75,                    # 2 of 8 entries overdue for their cycle
        "products": 0.25,                     # 2 of 8 published entries used by a product
        "use": 0.5,                           # 4 of 8 published entries' gated data delivered
    }


def test_art6_score_is_the_weighted_sum_with_its_parts_and_weights():
    result = rules.score(_figures(), WEIGHTS)
    fractions = rules.criterion_fractions(_figures())
    expected = sum(WEIGHTS[n] * fractions[n] for n in WEIGHTS) / sum(WEIGHTS.values()) * 100
    assert result["value"] == pytest.approx(expected, abs=0.01)
    assert result["weights"] == WEIGHTS
    assert set(result["parts"]) == set(WEIGHTS)
    assert sum(part["points"] for part in result["parts"].values()) == pytest.approx(
        result["value"], abs=0.05)
    assert result["parts"]["products"] == {
        "fraction": 0.25, "weight": 10, "points": pytest.approx(100 * 10 * 0.25 / 100),
        "applicable": True}


def test_art6_a_criterion_without_basis_is_left_out_and_the_others_reweighted():
    # No access request and no catalog change in the period: nothing to be late with.
    figures = _figures(requests_received=0, overdue_responses=0, catalog_updates_on_time=0,
                       catalog_updates_overdue=0)
    result = rules.score(figures, WEIGHTS)
    assert result["parts"]["response_timeliness"]["applicable"] is False
    assert result["parts"]["response_timeliness"]["points"] is None
    fractions = rules.criterion_fractions(figures)
    used = {n: w for n, w in WEIGHTS.items() if fractions[n] is not None}
    expected = sum(w * fractions[n] for n, w in used.items()) / sum(used.values()) * 100
    assert result["value"] == pytest.approx(expected, abs=0.01)


def test_art6_a_department_with_an_empty_catalog_scores_nothing_for_completeness():
    empty = {key: 0 for key in _figures()}
    result = rules.score(empty, WEIGHTS)
    assert result["parts"]["catalog_completeness"]["fraction"] == 0
    assert result["value"] == 0


def test_art6_a_weight_of_zero_takes_a_criterion_out():
    weights = dict(WEIGHTS, products=0)
    low = rules.score(_figures(entries_with_products=0), weights)
    high = rules.score(_figures(entries_with_products=8), weights)
    assert low["value"] == high["value"]


@given(st.fixed_dictionaries({key: st.integers(0, 50) for key in _figures()}),
       st.fixed_dictionaries({name: st.integers(0, 100) for name in rules.CRITERIA}))
def test_art6_score_stays_between_0_and_100(figures, weights):
    # Parts never exceed their whole, as the SQL counts guarantee.
    figures["published"] = min(figures["published"], figures["entries"])
    for a, b in (("share_unconditional", "share_conditional"),
                 ("open_unconditional", "open_conditional")):
        figures[b] = min(figures[b], figures["entries"] - min(figures[a], figures["entries"]))
        figures[a] = min(figures[a], figures["entries"])
    figures["overdue_responses"] = min(figures["overdue_responses"],
                                       figures["requests_received"])
    figures["freshness_overdue"] = min(figures["freshness_overdue"],
                                       figures["freshness_applicable"])
    figures["entries_with_products"] = min(figures["entries_with_products"],
                                           figures["published"])
    figures["entries_delivered"] = min(figures["entries_delivered"], figures["published"])
    value = rules.score(figures, weights)["value"]
    assert value is None or 0 <= value <= 100


def test_art6_weights_come_from_configuration_text():
    assert rules.parse_weights(["freshness:30", "products:5.5"]) == {
        name: (30 if name == "freshness" else 5.5 if name == "products" else 0)
        for name in rules.CRITERIA}


@pytest.mark.parametrize("items", [["speed:10"], ["freshness:-1"], ["freshness:lots"],
                                   ["freshness"], ["freshness:0"]])
def test_art6_weights_that_mean_nothing_are_refused(items):
    with pytest.raises(rules.WeightsError):
        rules.parse_weights(items)


# --- Art. 16: 更新周期 — data older than the update cycle allows is overdue ----------------------

class _WeekdaysOnly:
    """A calendar with every weekday working: enough to see the grace counted in working days."""

    def add_working_days(self, start, n):
        day = start
        while n:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                n -= 1
        return day


@pytest.mark.parametrize(("cycle", "last", "due"), [
    ("daily", dt.date(2026, 3, 2), dt.date(2026, 3, 3)),
    ("realtime", dt.date(2026, 3, 2), dt.date(2026, 3, 3)),
    ("weekly", dt.date(2026, 3, 2), dt.date(2026, 3, 9)),
    ("monthly", dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
    ("quarterly", dt.date(2026, 11, 30), dt.date(2027, 2, 28)),
    ("semiannual", dt.date(2026, 3, 2), dt.date(2026, 9, 2)),
    ("annual", dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
])
def test_art16_next_update_falls_one_cycle_after_the_last(cycle, last, due):
    assert freshness.next_update_due(last, cycle) == due


def test_art16_irregular_or_unknown_cycles_are_never_overdue():
    for cycle in ("irregular", "", None, "fortnightly"):
        assert freshness.next_update_due(dt.date(2000, 1, 1), cycle) is None
        assert not freshness.is_overdue(dt.date(2000, 1, 1), cycle, 5, _WeekdaysOnly(),
                                        dt.date(2026, 1, 1))


def test_art16_grace_is_counted_in_working_days_after_the_cycle():
    # Monthly data last updated 2026-02-06 (Friday): due 2026-03-06 (Friday); 2 working days of
    # grace end on Tuesday 2026-03-10, so Tuesday is on time and Wednesday is overdue.
    calendar = _WeekdaysOnly()
    last = dt.date(2026, 2, 6)
    assert freshness.overdue_after(last, "monthly", 2, calendar) == dt.date(2026, 3, 10)
    assert not freshness.is_overdue(last, "monthly", 2, calendar, dt.date(2026, 3, 10))
    assert freshness.is_overdue(last, "monthly", 2, calendar, dt.date(2026, 3, 11))


def test_art16_grace_skips_chinese_holidays():
    # Daily data last updated on 2026-09-30: due 2026-10-01, National Day; one working day of
    # grace reaches past the Golden Week holiday.
    calendar = WorkingDayCalendar()
    due = freshness.overdue_after(dt.date(2026, 9, 30), "daily", 1, calendar)
    assert due > dt.date(2026, 10, 7)
    assert calendar.is_working_day(due)


def test_art16_entry_without_any_date_is_not_judged():
    assert not freshness.is_overdue(None, "daily", 0, _WeekdaysOnly(), dt.date(2026, 1, 1))


def test_art6_use_is_the_share_of_published_entries_whose_gated_data_was_delivered():
    """Issue 18 item 13 / issue 16 item 6: access-log use is a criterion once the log exists."""
    fractions = rules.criterion_fractions({"published": 4, "entries_delivered": 1})
    assert fractions["use"] == 0.25
    assert rules.criterion_fractions({"published": 0})["use"] is None
    assert rules.parse_weights(["use:30", "catalog_completeness:70"])["use"] == 30
