"""Our tables' columns, written once: the kinds every table repeats, and how a row looks in the
API (every column, dates as ISO 8601 strings)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped


class UuidRow(tk.BaseModel):  # type: ignore[misc]
    """A table whose rows are named by a random UUID (text, as CKAN's own ids): the primary
    key ``id``, first of the table's columns, as the migrations made it."""

    __abstract__ = True

    id: Mapped[str] = orm.mapped_column(sa.UnicodeText, primary_key=True,
                                        default=lambda: str(uuid.uuid4()), sort_order=-1)


class SerialRow(tk.BaseModel):  # type: ignore[misc]
    """An append-only table whose rows are numbered in the order they are written: the primary
    key ``id``, first of the table's columns, as the migrations made it."""

    __abstract__ = True

    id: Mapped[int] = orm.mapped_column(sa.BigInteger, primary_key=True, autoincrement=True,
                                        sort_order=-1)


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
