"""The audit log (F-13, Art. 29): read-only through the API."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.dongchang.kernel import audit
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
    return audit.listed(validated(data_dict, _audit_list_schema(), context))


@tk.validator_args
def _audit_list_schema(ignore_missing, unicode_safe) -> Schema:
    return {"object_id": [ignore_missing, unicode_safe], "action": [ignore_missing, unicode_safe],
            **paging_schema(max_limit=100, default_limit=50)}
