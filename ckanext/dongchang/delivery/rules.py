"""Per-grant limits on DataStore calls (issue 16 item 4): the arithmetic, free of CKAN.

A grant may make ``calls_per_day`` calls per Beijing calendar day (the day the grantee and the
department live in, not UTC's) and take ``rows_per_call`` rows per call; 0 means no limit. The
day resets at Beijing midnight.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991


@dataclass(frozen=True)
class Limits:
    calls_per_day: int = 0
    rows_per_call: int = 0


def beijing_day_bounds(now_utc: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The Beijing day holding ``now_utc`` as naive UTC instants ``[start, end)`` (the access
    log stores naive UTC)."""
    local = now_utc.replace(tzinfo=dt.UTC).astimezone(BEIJING)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + dt.timedelta(days=1)
    return (start.astimezone(dt.UTC).replace(tzinfo=None),
            end.astimezone(dt.UTC).replace(tzinfo=None))


def calls_left(limits: Limits, calls_today: int) -> int | None:
    """Calls the grant may still make today; None when there is no daily limit."""
    if limits.calls_per_day <= 0:
        return None
    return max(limits.calls_per_day - calls_today, 0)


def rows_allowed(limits: Limits, asked: int | None, default: int) -> int:
    """The rows one call may return: what was asked (or the DataStore's default), at most the
    per-call limit."""
    wanted = default if asked is None else asked
    if limits.rows_per_call <= 0:
        return wanted
    return min(wanted, limits.rows_per_call)


def dump_rows(limits: Limits, asked: int | None) -> int | None:
    """The rows one dump may stream: what was asked, at most the per-call limit; None for the
    whole table (no limit asked, none set). A dump is one call, capped like a search."""
    if limits.rows_per_call <= 0:
        return asked
    return limits.rows_per_call if asked is None else min(asked, limits.rows_per_call)


def seconds_until(reset_utc: dt.datetime, now_utc: dt.datetime) -> int:
    """Whole seconds to wait (for Retry-After), at least 1."""
    return max(int((reset_utc - now_utc).total_seconds()) + 1, 1)


def beijing_time(moment_utc: dt.datetime) -> str:
    """A naive UTC instant as Beijing wall time, e.g. ``2026-12-04 00:00 (UTC+8)``."""
    local = moment_utc.replace(tzinfo=dt.UTC).astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M") + " (UTC+8)"
