"""When an entry's data is overdue for its declared 更新周期 (update cycle; Art. 14, 16).

Art. 16 asks departments to keep their catalog and data current (动态管理, 真实、准确、完整);
the update cycle each entry declares says how current. Data older than one cycle plus a grace
in working days (``ckanext.dongchang.freshness_grace_working_days``, site policy) is overdue.
"""
from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from typing import Protocol

#: Cycles counted in days and in months; ``irregular`` (不定期) has no due date.
CYCLE_DAYS = {"realtime": 1, "daily": 1, "weekly": 7}
CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


class WorkingDays(Protocol):
    def add_working_days(self, start: dt.date, n: int) -> dt.date: ...


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def next_update_due(last_updated: dt.date, cycle: str | None) -> dt.date | None:
    """The day the next update is due by the cycle alone; None for irregular or unknown."""
    if cycle in CYCLE_DAYS:
        return last_updated + dt.timedelta(days=CYCLE_DAYS[cycle])
    if cycle in CYCLE_MONTHS:
        return _add_months(last_updated, CYCLE_MONTHS[cycle])
    return None


def overdue_after(last_updated: dt.date | None, cycle: str | None, grace_working_days: int,
                  calendar: WorkingDays) -> dt.date | None:
    """The last day the data still counts as current; None when it can never be overdue."""
    if last_updated is None:
        return None
    due = next_update_due(last_updated, cycle)
    if due is None:
        return None
    return calendar.add_working_days(due, grace_working_days)


def is_overdue(last_updated: dt.date | None, cycle: str | None, grace_working_days: int,
               calendar: WorkingDays, today: dt.date) -> bool:
    limit = overdue_after(last_updated, cycle, grace_working_days, calendar)
    return limit is not None and today > limit
