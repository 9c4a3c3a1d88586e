"""Entries whose data is overdue for its declared update cycle (更新周期; Art. 16), and the mail.

An entry's data counts as updated on the later of its files' last modification and the entry's
last save (linked files change where we cannot see them, so a department confirms an update by
saving the entry). Only published entries are judged: a draft is not yet in the catalog.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cache
from types import SimpleNamespace
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.calendar import deadlines
from ckanext.dongchang.catalog.rules import freshness
from ckanext.dongchang.kernel import mail


def _entries(org_ids: list[str] | None) -> sa.orm.Query:
    """Published entries with a cycle that can fall due, with the day their data last changed."""
    extras = model.Package.extras
    files = (model.Session.query(model.Resource.package_id,
                                 sa.func.max(model.Resource.last_modified).label("modified"))
             .filter(model.Resource.state == "active")
             .group_by(model.Resource.package_id).subquery())
    query = (
        model.Session.query(model.Package.id, model.Package.name, model.Package.title,
                            model.Package.owner_org, extras["update_cycle"].astext,
                            model.Package.metadata_modified, files.c.modified)
        .outerjoin(files, files.c.package_id == model.Package.id)
        .filter(model.Package.type == "dataset", model.Package.state == "active",
                extras["catalog_state"].astext == "published",
                extras["update_cycle"].astext.in_(
                    list(freshness.CYCLE_DAYS) + list(freshness.CYCLE_MONTHS)))
    )
    if org_ids is not None:
        query = query.filter(model.Package.owner_org.in_(org_ids or [""]))
    return query


def judged(org_ids: list[str] | None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every published entry with a dated cycle: last update, last current day, overdue."""
    today = today or dt.date.today()
    # Many entries share a due date: count each date's grace once.
    days = SimpleNamespace(add_working_days=cache(deadlines.calendar().add_working_days))
    grace = dc_config.freshness_grace_working_days()
    out = []
    for id_, name, title, org_id, cycle, saved, files_changed in _entries(org_ids):
        changed = [d.date() for d in (saved, files_changed) if d is not None]
        last = max(changed) if changed else None
        current_until = freshness.overdue_after(last, cycle, grace, days)
        out.append({
            "dataset_id": id_, "dataset_name": name, "dataset_title": title,
            "owner_org": org_id, "update_cycle": cycle,
            "last_updated": last.isoformat() if last else None,
            "current_until": current_until.isoformat() if current_until else None,
            "overdue": current_until is not None and today > current_until,
        })
    return out


def overdue(org_ids: list[str] | None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Overdue entries, the most overdue first, with their department's name and title and
    how many working days they are overdue."""
    today = today or dt.date.today()
    rows = [row for row in judged(org_ids, today) if row["overdue"]]
    orgs = {g.id: g for g in model.Session.query(model.Group).filter(
        model.Group.id.in_({row["owner_org"] for row in rows}))} if rows else {}
    since = _working_days_since({row["current_until"] for row in rows}, today)
    for row in rows:
        org = orgs.get(row["owner_org"])
        row.update(org_name=org.name if org else None,
                   org_title=(org.title or org.name) if org else None,
                   working_days_overdue=since[row["current_until"]])
    return sorted(rows, key=lambda row: (row["current_until"], row["dataset_title"] or ""))


def _working_days_since(iso_days: set[str], today: dt.date) -> dict[str, int]:
    """Working days from each day (exclusive) to today (inclusive), walking the calendar once
    from today back to the earliest day rather than once per day."""
    calendar = deadlines.calendar()
    result, total, cursor = {}, 0, today
    for iso_day in sorted(iso_days, reverse=True):
        day = dt.date.fromisoformat(iso_day)
        total += calendar.working_days_between(day, cursor)
        result[iso_day], cursor = total, day
    return result


def counts(org_ids: list[str] | None, today: dt.date | None = None) -> dict[str, list[int]]:
    """Per department: [entries judged, entries overdue] (for the evaluation)."""
    result: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in judged(org_ids, today):
        result[row["owner_org"]][0] += 1
        result[row["owner_org"]][1] += row["overdue"]
    return result


_REMINDER = {
    "subject": lambda: tk._("Data overdue for its update cycle: %(org)s"),
    "body": lambda: tk._(
        "The data of these catalog entries is older than their declared update cycle allows"
        " (with %(grace)s working days of grace). Update the data, or the update cycle if it"
        " has changed, and save the entry:\n%(lines)s\n\nSee every overdue entry: %(url)s"),
    "line": lambda: tk._("- %(title)s: %(cycle)s, last updated %(last)s, overdue since"
                         " %(since)s"),
}


def remind(today: dt.date | None = None) -> int:
    """Mail each department's editors and admins its overdue entries; returns mails queued."""
    by_org: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in overdue(None, today):
        by_org[row["owner_org"]].append(row)
    site = tk.config["ckan.site_url"].rstrip("/")
    sent = 0
    for org_id, rows in by_org.items():
        facts = {"org": rows[0]["org_title"], "grace": dc_config.freshness_grace_working_days(),
                 "url": f"{site}/organization/{rows[0]['org_name']}/changes"}
        sent += mail.digest(org_id, _REMINDER, facts, lambda rows=rows: [{
            "title": row["dataset_title"], "cycle": cycle_label(row["update_cycle"]),
            "last": row["last_updated"], "since": _day_after(row["current_until"])}
            for row in rows])
    return sent


def _day_after(iso_day: str) -> str:
    return (dt.date.fromisoformat(iso_day) + dt.timedelta(days=1)).isoformat()


def cycle_label(cycle: str) -> str:
    """The schema's label of a cycle in the current language (the choices are the schema's)."""
    labels = {
        "realtime": tk._("Real time"), "daily": tk._("Daily"), "weekly": tk._("Weekly"),
        "monthly": tk._("Monthly"), "quarterly": tk._("Quarterly"),
        "semiannual": tk._("Every six months"), "annual": tk._("Annually"),
    }
    return labels.get(cycle, cycle)
