"""The rectification list (整改): problems the evaluation found, tracked to closure (Art. 6, 29)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

from ckanext.dongchang.kernel import columns

RECTIFICATION_STATES = ("open", "closed")


class Rectification(columns.UuidRow):
    """One problem of one department; open until the Bureau closes it with a note."""

    __tablename__ = "dongchang_rectification"

    org_id: Mapped[str] = columns.reference("group.id")
    criterion: Mapped[str | None] = sa.Column(sa.UnicodeText)
    problem: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    period_start: Mapped[dt.date | None] = sa.Column(sa.Date)
    period_end: Mapped[dt.date | None] = sa.Column(sa.Date)
    due_on: Mapped[dt.date | None] = sa.Column(sa.Date)
    state: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="open")
    created_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    created: Mapped[dt.datetime] = columns.timestamp()
    closing_note: Mapped[str] = columns.text_or_blank()
    closed_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    closed_at: Mapped[dt.datetime | None] = sa.Column(sa.DateTime)

    def as_dict(self) -> dict[str, Any]:
        return columns.column_values(self)
