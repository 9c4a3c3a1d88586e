"""Our tables' columns, written once: the kinds every table repeats, and how a row looks in the
API (every column, dates as ISO 8601 strings)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa


def uuid_key() -> Any:
    """The primary key of a row named by a random UUID (text, as CKAN's own ids)."""
    return sa.Column(sa.UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))


def serial_key() -> Any:
    """The primary key of an append-only row, numbered in the order rows are written."""
    return sa.Column(sa.BigInteger, primary_key=True, autoincrement=True)


def reference(target: str, *, required: bool = True, **options: Any) -> Any:
    """A text column pointing at ``target`` (``"package.id"``, ``"user.id"``, ...)."""
    return sa.Column(sa.UnicodeText, sa.ForeignKey(target), nullable=not required, **options)


def text_or_blank() -> Any:
    """Free text that is never NULL: an answer not given is the empty string."""
    return sa.Column(sa.UnicodeText, nullable=False, default="")


def timestamp(*, on_update: bool = False) -> Any:
    """When the row was written (UTC), and with ``on_update`` when it was last changed."""
    if on_update:
        return sa.Column(sa.DateTime, nullable=False, default=dt.datetime.utcnow,
                         onupdate=dt.datetime.utcnow)
    return sa.Column(sa.DateTime, nullable=False, default=dt.datetime.utcnow)


def column_values(row: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    out = {}
    for column in row.__table__.columns:
        if column.name in leave_out:
            continue
        value = getattr(row, column.name)
        out[column.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out
