"""A department's change to a published catalog entry, held for the Bureau's review (F-10)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

from ckanext.dongchang.kernel import columns

REVISION_STATES: tuple[str, ...] = ("pending", "approved", "returned", "withdrawn")


class PendingRevision(columns.UuidRow):
    """The proposed entry (a whole ``package_update`` dict) and the fields it changes.

    ``proposed`` may hold text and resource URLs nobody has reviewed: it is read only by the
    owner department's editors and the Bureau, never copied into the audit log or the index.
    At most one revision per entry is ``pending`` (a partial unique index); later edits merge
    into it.
    """

    __tablename__ = "dongchang_pending_revision"

    dataset_id: Mapped[str] = columns.reference("package.id")
    proposed: Mapped[dict] = sa.Column(JSONB, nullable=False)
    fields: Mapped[list] = sa.Column(JSONB, nullable=False, default=list)
    state: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="pending")
    submitted_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    submitted_at: Mapped[dt.datetime] = columns.timestamp()
    updated_at: Mapped[dt.datetime] = columns.timestamp()
    reason: Mapped[str] = columns.text_or_blank()
    decided_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    decided_at: Mapped[dt.datetime | None] = sa.Column(sa.DateTime)

    def summary(self) -> dict[str, Any]:
        """Everything but the proposal itself (safe for the department's lists)."""
        return columns.column_values(self, leave_out=("proposed",))
