"""The audit log (F-13, Art. 29): read-only through the API."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.kernel.schema import paging_schema, validated

__all__ = ["dongchang_audit_list"]


@tk.side_effect_free
def dongchang_audit_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Audit events, newest first (the Bureau).

    :param object_id: only events about this object (a request, an entry, …)
    :param action: only events of this kind (e.g. ``access_request_approve``)
    :param page: page number (50 per page unless ``limit``, at most 100)
    """
    tk.check_access("dongchang_audit_list", context, data_dict)
    paging = validated({"page": data_dict.get("page"), "limit": data_dict.get("limit")},
                       paging_schema(max_limit=100, default_limit=50), context)
    page, limit = paging["page"], paging["limit"]
    query = model.Session.query(AuditEvent)
    if data_dict.get("object_id"):
        query = query.filter(AuditEvent.object_id == str(data_dict["object_id"]))
    if data_dict.get("action"):
        query = query.filter(AuditEvent.action == str(data_dict["action"]))
    count = query.count()
    rows = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()) \
        .offset((page - 1) * limit).limit(limit).all()
    return {"count": count, "page": page, "limit": limit,
            "results": [row.as_dict() for row in rows]}
