"""Chinese working days, for deadlines the regulation counts in working days (Art. 16, 25).

China moves workdays around every year: the State Council's notice makes some weekdays
holidays and some weekends *make-up workdays* (调休).  ``holidays.China`` encodes each year's
notice once it is published, in ``special_public_holidays`` keyed by year; for years without a
notice it still computes the statutory festivals, but neither the bridging days nor the
make-up workdays, so its answers for those years are guesses.  We refuse to guess a legal
deadline: such a year raises :class:`UnknownCalendarYear`, unless the site's configuration
supplies that year's holidays (then weekends plus the configured days are the calendar).

Limitation: a notice may make a weekend at the end of December of the *previous* year a
make-up workday; until the package (or the configuration) knows the new year's notice,
such a day counts as a weekend.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from ckanext.dongchang.kernel.messages import N_, Message

_SATURDAY = 5


class UnknownCalendarYear(ValueError):
    """No official holiday schedule is known for a year a calculation needs."""

    def __init__(self, year: int) -> None:
        self.year = year
        #: What to tell an end user whose request needs the deadline (the CKAN layer logs the
        #: exception text, meant for the site administrator).
        self.message = Message(
            N_("Deadlines in %(year)s cannot be calculated yet because the official holiday"
               " schedule for that year is not known. Please tell the site administrator."),
            year=year,
        )
        super().__init__(
            f"No official Chinese holiday schedule is known for {year}: the installed"
            f" 'holidays' package (version {holidays.__version__}) has no State Council notice"
            f" for that year. Upgrade the package once it has one, or configure the {year}"
            " holidays and make-up workdays (the extra holidays / extra workdays settings)."
        )


@lru_cache(maxsize=64)
def _official_calendar(year: int) -> holidays.HolidayBase | None:
    """The package's calendar for ``year`` if it has that year's State Council notice.

    Every notice since 2001 moves at least one day, so a year with no entry in
    ``special_public_holidays`` is a year whose notice the package does not have.
    The instance is fully populated here and only read afterwards (safe to share).
    """
    calendar = holidays.China(years=year)
    announced = getattr(calendar, "special_public_holidays", None) or {}
    return calendar if year in announced else None


@lru_cache(maxsize=64)
def _estimated_calendar(year: int) -> holidays.HolidayBase:
    """The package's rule-based guess for a year whose notice it lacks."""
    return holidays.China(years=year)


def official_years() -> frozenset[int]:
    """Years for which the installed ``holidays`` package has the State Council notice."""
    announced = getattr(holidays.China(), "special_public_holidays", None) or {}
    return frozenset(year for year in announced if isinstance(year, int))


def _as_date(value: date) -> date:
    """Datetimes never equal dates, so configured days would silently not match them."""
    return value.date() if isinstance(value, datetime) else value


class WorkingDayCalendar:
    """Working days per the package, corrected by the site's configured days.

    Precedence: a configured workday is always worked, a configured holiday never, and
    otherwise the official calendar decides.
    """

    def __init__(
        self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = (),
        estimate_unknown_years: bool = False,
    ) -> None:
        self.extra_holidays = frozenset(_as_date(d) for d in extra_holidays)
        self.extra_workdays = frozenset(_as_date(d) for d in extra_workdays)
        self._configured_years = frozenset(d.year for d in self.extra_holidays)
        #: With ``estimate_unknown_years``, a year without a notice uses the package's
        #: rule-based festivals (no bridging days, no make-up workdays) instead of raising;
        #: the years so estimated are recorded here so a deadline can be shown as provisional.
        self.estimate_unknown_years = estimate_unknown_years
        self.estimated_years: set[int] = set()

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day; raises :class:`UnknownCalendarYear` if unknowable."""
        day = _as_date(day)
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        official = _official_calendar(day.year)
        if official is not None:
            return official.is_working_day(day)
        if day.year in self._configured_years:
            return day.weekday() < _SATURDAY
        if self.estimate_unknown_years:
            self.estimated_years.add(day.year)
            return _estimated_calendar(day.year).is_working_day(day)
        raise UnknownCalendarYear(day.year)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start`` (``start`` itself if ``n`` is 0).

        Deadlines are counted from the day after the triggering event, as Chinese
        administrative practice counts periods.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day = _as_date(start)
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in ``(start, end]``; 0 when ``end`` is not after ``start``."""
        count = 0
        day, end = _as_date(start) + timedelta(days=1), _as_date(end)
        while day <= end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count
