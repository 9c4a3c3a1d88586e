"""The rectification list (整改): the Bureau records a department's problem, the department sees
it, the Bureau closes it once rectified (Art. 6's evaluation, Art. 29's 发现问题应当及时整改).

Every step is an audit event, so a third-party assessment (Art. 29) can follow each item from
finding to closure.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.kernel.rows import row_by_id
from ckanext.dongchang.oversight.model import Rectification

OBJECT_TYPE = "rectification"


def _actor_id(user_name: str | None) -> str | None:
    user = model.User.get(user_name) if user_name else None
    return user.id if user else None


def create(user_name: str | None, org: model.Group, data: dict[str, Any]) -> Rectification:
    item = Rectification(
        org_id=org.id, problem=data["problem"].strip(), criterion=data.get("criterion") or None,
        period_start=data.get("period_start"), period_end=data.get("period_end"),
        due_on=data.get("due_on"), created_by=_actor_id(user_name))
    model.Session.add(item)
    model.Session.flush()
    AuditEvent.record(item.created_by, "rectification_create", OBJECT_TYPE, item.id,
                      org_id=org.id, criterion=item.criterion, problem=item.problem,
                      due_on=item.due_on.isoformat() if item.due_on else None)
    model.Session.commit()
    return item


def close(user_name: str | None, item_id: str, note: str) -> Rectification:
    """Close an open item; a conditional UPDATE, so two closings cannot both win."""
    item = row_by_id(Rectification, item_id, tk._("Rectification item not found"), True)
    if item.state != "open":
        model.Session.rollback()
        raise tk.ValidationError({"id": [tk._("This rectification item is already closed.")]})
    item.state, item.closing_note = "closed", note.strip()
    item.closed_by, item.closed_at = _actor_id(user_name), dt.datetime.utcnow()
    AuditEvent.record(item.closed_by, "rectification_close", OBJECT_TYPE, item.id,
                      org_id=item.org_id, closing_note=item.closing_note)
    model.Session.commit()
    return item


def listed(org_ids: list[str] | None, state: str | None) -> list[dict[str, Any]]:
    """Items of these departments (None: all), open ones first, oldest first."""
    query = model.Session.query(Rectification, model.Group).join(
        model.Group, model.Group.id == Rectification.org_id)
    if org_ids is not None:
        query = query.filter(Rectification.org_id.in_(org_ids or [""]))
    if state:
        query = query.filter(Rectification.state == state)
    query = query.order_by(sa.case((Rectification.state == "open", 0), else_=1),
                           Rectification.created)
    return [dict(item.as_dict(), org_name=org.name, org_title=org.title or org.name)
            for item, org in query]
