"""The append-only audit log (Art. 29). The database refuses UPDATE, DELETE and TRUNCATE."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from ckan import model
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

from ckanext.dongchang.kernel import columns
from ckanext.dongchang.kernel.rows import page_of


class AuditEvent(columns.SerialRow):
    __tablename__ = "dongchang_audit_event"

    occurred_at: Mapped[dt.datetime] = columns.timestamp()
    actor_id: Mapped[str | None] = sa.Column(sa.UnicodeText)
    action: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    object_type: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    object_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    detail: Mapped[dict] = sa.Column(JSONB, nullable=False, default=dict)

    @classmethod
    def record(cls, actor_id: str | None, action: str, object_type: str, object_id: str,
               **detail: Any) -> AuditEvent:
        """Add an event to the current transaction: it commits or rolls back with the change."""
        event = cls(actor_id=actor_id, action=action, object_type=object_type,
                    object_id=object_id, detail=detail)
        model.Session.add(event)
        return event

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id, "action": self.action,
            "object_type": self.object_type, "object_id": self.object_id,
            "detail": self.detail,
        }


def listed(filters: dict[str, Any]) -> dict[str, Any]:
    """A page of events, newest first, narrowed to ``object_id`` and ``action`` when given."""
    query = model.Session.query(AuditEvent)
    for column in ("object_id", "action"):
        if filters.get(column):
            query = query.filter(getattr(AuditEvent, column) == filters[column])
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    return page_of(query, filters["page"], filters["limit"],
                   lambda rows: [row.as_dict() for row in rows])
