"""A merge task: the Bureau marked two entries as duplicates; their departments merge them
(Art. 15), within a deadline in working days like a catalog change (Art. 16)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

from ckanext.dongchang.kernel import columns


class DuplicateMergeTask(columns.UuidRow):
    """Open until merged (``kept_id``, ``removed_id``) or declined (``reason``); the removed
    entry's name is kept so that its old address can lead to the kept entry."""

    __tablename__ = "dongchang_duplicate_merge"

    entry_id: Mapped[str] = columns.reference("package.id")
    duplicate_id: Mapped[str] = columns.reference("package.id")
    keep_id: Mapped[str | None] = sa.Column(sa.UnicodeText)  # the Bureau's suggestion
    note: Mapped[str] = columns.text_or_blank()
    state: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="open")
    due_on: Mapped[dt.date] = sa.Column(sa.Date, nullable=False)
    due_on_provisional: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)
    created_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    created: Mapped[dt.datetime] = columns.timestamp()
    kept_id: Mapped[str | None] = sa.Column(sa.UnicodeText)
    removed_id: Mapped[str | None] = sa.Column(sa.UnicodeText)
    removed_name: Mapped[str | None] = sa.Column(sa.UnicodeText)
    revision_id: Mapped[str | None] = sa.Column(sa.UnicodeText)  # held for the Bureau's review
    reason: Mapped[str] = columns.text_or_blank()
    closed_on: Mapped[dt.date | None] = sa.Column(sa.Date)
    closed_by: Mapped[str | None] = sa.Column(sa.UnicodeText)

    @property
    def pair(self) -> tuple[str, str]:
        return (self.entry_id, self.duplicate_id)

    def as_dict(self) -> dict[str, Any]:
        return columns.column_values(self)
