"""Deadlines in Chinese working days, configured per site (F-11, F-14).

Years the holiday package has no State Council notice for are estimated rather than refused —
a request must never fail because of the calendar — and the result says it is provisional, so
pages can show "provisional" until the package or the site configuration knows the year.
"""
from __future__ import annotations

import datetime as dt

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.calendar.working_days import WorkingDayCalendar


def calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar(
        extra_holidays=dc_config.extra_holidays(),
        extra_workdays=dc_config.extra_workdays(),
        estimate_unknown_years=True,
    )


def due_date(start: dt.date, kind: str) -> tuple[dt.date, bool]:
    """``kind`` names a configured period (share_request, open_request, catalog_update, …).

    Returns the due date and whether it rests on an estimated year.
    """
    days = calendar()
    due = days.add_working_days(start, dc_config.working_days(kind))
    return due, bool(days.estimated_years)
