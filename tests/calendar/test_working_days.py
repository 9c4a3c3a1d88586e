"""Working-day deadlines on the Chinese calendar (Art. 16: 15 working days; Art. 25 requests).

Expected values come from the State Council General Office's notice on the 2026 holiday
arrangements (国务院办公厅关于2026年部分节假日安排的通知, November 2025), written out below
day by day, not from the package under test.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.dongchang.calendar.working_days import (
    UnknownCalendarYear,
    WorkingDayCalendar,
    official_years,
)


def days(first: date, last: date) -> set[date]:
    return {first + timedelta(n) for n in range((last - first).days + 1)}


# The 2026 notice: days off (放假) and weekend days worked instead (上班).
HOLIDAYS_2026 = (
    days(date(2026, 1, 1), date(2026, 1, 3))        # 元旦
    | days(date(2026, 2, 15), date(2026, 2, 23))    # 春节
    | days(date(2026, 4, 4), date(2026, 4, 6))      # 清明节
    | days(date(2026, 5, 1), date(2026, 5, 5))      # 劳动节
    | days(date(2026, 6, 19), date(2026, 6, 21))    # 端午节
    | days(date(2026, 9, 25), date(2026, 9, 27))    # 中秋节
    | days(date(2026, 10, 1), date(2026, 10, 7))    # 国庆节
)
MAKEUP_WORKDAYS_2026 = {
    date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
    date(2026, 9, 20), date(2026, 10, 10),
}

CALENDAR = WorkingDayCalendar()


def test_art16_the_2026_notice_is_followed_day_by_day():
    for day in days(date(2026, 1, 1), date(2026, 12, 31)):
        expected = day in MAKEUP_WORKDAYS_2026 or (
            day.weekday() < 5 and day not in HOLIDAYS_2026)
        assert CALENDAR.is_working_day(day) is expected, day


def test_art16_national_day_2026_and_its_makeup_days():
    assert not any(CALENDAR.is_working_day(d) for d in days(date(2026, 10, 1),
                                                             date(2026, 10, 7)))
    assert CALENDAR.is_working_day(date(2026, 9, 20))   # Sunday worked
    assert CALENDAR.is_working_day(date(2026, 10, 10))  # Saturday worked


def test_art16_fifteen_working_days_across_national_day():
    # From Mon 28 Sep: 29, 30 Sep (2); 1-7 Oct off; 8, 9, 10 Oct (5); 12-16 Oct (10);
    # 19-23 Oct (15).
    assert CALENDAR.add_working_days(date(2026, 9, 28), 15) == date(2026, 10, 23)


def test_art16_deadline_counts_from_the_day_after():
    assert CALENDAR.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Fri -> Mon
    assert CALENDAR.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)
    assert CALENDAR.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)


def test_add_working_days_rejects_negative_counts():
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_working_days(date(2026, 3, 9), -1)


def test_art16_working_days_between():
    # (30 Sep, 10 Oct]: 8, 9 and 10 (a make-up Saturday) October.
    assert CALENDAR.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert CALENDAR.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert CALENDAR.working_days_between(date(2026, 3, 20), date(2026, 3, 9)) == 0


def test_datetimes_count_as_their_dates():
    calendar = WorkingDayCalendar(extra_holidays=[datetime(2026, 3, 10, 9, 30)])
    assert calendar.is_working_day(datetime(2026, 3, 10, 15, 0)) is False
    assert calendar.add_working_days(datetime(2026, 3, 9, 8, 0), 1) == date(2026, 3, 11)


def test_f14_configured_days_override_the_package():
    calendar = WorkingDayCalendar(
        extra_holidays=[date(2026, 3, 10), date(2026, 10, 5)],
        extra_workdays=[date(2026, 10, 5), date(2026, 3, 14)],
    )
    assert calendar.is_working_day(date(2026, 3, 10)) is False   # a Tuesday made a holiday
    assert calendar.is_working_day(date(2026, 3, 14)) is True    # a Saturday made a workday
    assert calendar.is_working_day(date(2026, 10, 5)) is True    # workday wins over both


def test_the_package_knows_2001_to_2026():
    # holidays 0.109 (pinned in pyproject.toml) carries the notices for 2001-2026. When an
    # upgrade adds 2027, update this test and the 2027 ones below.
    assert official_years() == frozenset(range(2001, 2027))


@pytest.mark.parametrize("day", [date(2027, 2, 8), date(2027, 7, 1), date(2000, 5, 1)])
def test_art16_a_year_without_official_notice_is_an_error_not_a_guess(day):
    with pytest.raises(UnknownCalendarYear) as raised:
        CALENDAR.is_working_day(day)
    assert raised.value.year == day.year
    assert str(day.year) in str(raised.value)
    assert "configure" in str(raised.value)
    assert raised.value.message.params == {"year": day.year}


def test_art16_mid_december_deadline_needs_next_years_calendar():
    # DESIGN §7: 15 working days from 15 Dec 2026 end in January 2027.
    with pytest.raises(UnknownCalendarYear, match="2027"):
        CALENDAR.add_working_days(date(2026, 12, 15), 15)
    with pytest.raises(UnknownCalendarYear, match="2027"):
        CALENDAR.working_days_between(date(2026, 12, 15), date(2027, 1, 8))


def test_art16_configured_2027_holidays_make_the_year_usable():
    calendar = WorkingDayCalendar(extra_holidays=[date(2027, 1, 1)])
    # 16-18 Dec (3), 21-25 Dec (8), 28-31 Dec (12), 1 Jan off, 4, 5, 6 Jan (15).
    assert calendar.add_working_days(date(2026, 12, 15), 15) == date(2027, 1, 6)
    assert calendar.working_days_between(date(2026, 12, 31), date(2027, 1, 8)) == 5


def test_art16_configured_spring_festival_2027():
    # A configured schedule (as a site would copy it from the notice): 5 and 8-12 Feb off,
    # Saturday 20 Feb worked. Weekends and these days are then the whole 2027 calendar: the
    # package's own estimate for 2027 (e.g. 9-10 Feb "observed") is not used.
    calendar = WorkingDayCalendar(
        extra_holidays=[date(2027, 2, 5), *days(date(2027, 2, 8), date(2027, 2, 12))],
        extra_workdays=[date(2027, 2, 20)],
    )
    assert calendar.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 15)
    assert calendar.add_working_days(date(2027, 2, 4), 6) == date(2027, 2, 20)
    assert calendar.is_working_day(date(2027, 2, 6)) is False   # Saturday, not worked

    only_new_year = WorkingDayCalendar(extra_holidays=[date(2027, 1, 1)])
    assert only_new_year.is_working_day(date(2027, 2, 9)) is True


def test_configured_workdays_alone_do_not_make_a_year_known():
    calendar = WorkingDayCalendar(extra_workdays=[date(2027, 2, 20)])
    assert calendar.is_working_day(date(2027, 2, 20)) is True
    with pytest.raises(UnknownCalendarYear):
        calendar.is_working_day(date(2027, 2, 22))


@given(start=st.dates(date(2025, 1, 1), date(2026, 11, 30)), n=st.integers(0, 20))
def test_art16_adding_and_counting_working_days_agree(start, n):
    end = CALENDAR.add_working_days(start, n)
    assert CALENDAR.working_days_between(start, end) == n
    assert (end > start) is (n > 0)
    if n:
        assert CALENDAR.is_working_day(end)
        assert CALENDAR.working_days_between(start, end - timedelta(1)) == n - 1


def test_art16_unknown_year_can_be_estimated_and_says_so():
    """A deadline crossing into a year without a State Council notice must not crash a request:
    the estimate counts weekends and the package's rule-based festivals, and is flagged."""
    calendar = WorkingDayCalendar(estimate_unknown_years=True)
    due = calendar.add_working_days(date(2026, 12, 15), 15)
    # 2026-12-16..31 has 12 working days (Mon-Fri); 2027-01-01 is New Year's Day (a Friday);
    # then Mon 4, Tue 5, Wed 6 January 2027 complete the 15.
    assert due == date(2027, 1, 6)
    assert calendar.estimated_years == {2027}


def test_art16_known_years_are_never_flagged_as_estimated():
    calendar = WorkingDayCalendar(estimate_unknown_years=True)
    calendar.add_working_days(date(2026, 9, 1), 30)
    assert calendar.estimated_years == set()
