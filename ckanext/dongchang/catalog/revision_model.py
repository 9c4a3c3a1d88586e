"""A department's change to a published catalog entry, held for the Bureau's review (F-10)."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

REVISION_STATES: tuple[str, ...] = ("pending", "approved", "returned", "withdrawn")


class PendingRevision(tk.BaseModel):  # type: ignore[misc]
    """The proposed entry (a whole ``package_update`` dict) and the fields it changes.

    ``proposed`` may hold text and resource URLs nobody has reviewed: it is read only by the
    owner department's editors and the Bureau, never copied into the audit log or the index.
    At most one revision per entry is ``pending`` (a partial unique index); later edits merge
    into it.
    """

    __tablename__ = "dongchang_pending_revision"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True,
                                default=lambda: str(uuid.uuid4()))
    dataset_id: Mapped[str] = sa.Column(sa.UnicodeText, sa.ForeignKey("package.id"),
                                        nullable=False)
    proposed: Mapped[dict] = sa.Column(JSONB, nullable=False)
    fields: Mapped[list] = sa.Column(JSONB, nullable=False, default=list)
    state: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="pending")
    submitted_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    submitted_at: Mapped[dt.datetime] = sa.Column(sa.DateTime, nullable=False,
                                                  default=dt.datetime.utcnow)
    updated_at: Mapped[dt.datetime] = sa.Column(sa.DateTime, nullable=False,
                                                default=dt.datetime.utcnow)
    reason: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="")
    decided_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    decided_at: Mapped[dt.datetime | None] = sa.Column(sa.DateTime)

    def summary(self) -> dict[str, Any]:
        """Everything but the proposal itself (safe for the department's lists)."""
        out = {}
        for column in self.__table__.columns:
            if column.name == "proposed":
                continue
            value = getattr(self, column.name)
            out[column.name] = value.isoformat() if hasattr(value, "isoformat") else value
        return out
