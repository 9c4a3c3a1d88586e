"""Plain helpers every domain's rules share: error collections, dates, blank values.

Pure Python (no CKAN): the rules of each domain build on these and are unit-tested without
services. Each helper is written here once.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

Errors = dict[str, list[str]]
"""Field name -> messages (msgids, translated by the CKAN layer), as in ``ValidationError``."""


def add(errors: Errors, field: str, message: str) -> None:
    """Record ``message`` against ``field``."""
    errors.setdefault(field, []).append(message)


def merge(errors: Errors, more: Errors) -> None:
    """Add every message of ``more`` to ``errors``, field by field."""
    for field, messages in more.items():
        errors.setdefault(field, []).extend(messages)


def is_blank(value: object) -> bool:
    """True unless ``value`` is a string with visible content (non-strings count as blank)."""
    return not isinstance(value, str) or not value.strip()


def parse_date(value: Any) -> date | None:
    """A date from a form or API value; ``None`` when blank; ``ValueError`` when malformed.

    Accepts dates, datetimes and ISO strings (a date, or a date-time whose date is taken);
    a number or any other type is malformed, not read as digits.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return datetime.fromisoformat(text).date()


def date_or_none(value: Any) -> date | None:
    """Like :func:`parse_date`, but ``None`` for a malformed value too: for rules that report a
    missing or malformed date with one message."""
    try:
        return parse_date(value)
    except (TypeError, ValueError):
        return None
