"""API of the workbench: ``dongchang_workbench`` (the page's data, for API clients too)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.dongchang.kernel.schema import flag_field, validated
from ckanext.dongchang.workbench import service

__all__ = ["dongchang_workbench"]


@tk.validator_args
def _workbench_schema() -> Schema:
    return {"counts_only": flag_field()}


@tk.side_effect_free
def dongchang_workbench(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """What waits for the current user, by role.

    Department editors and admins get, per department, the pending access requests (soonest
    due first: overdue ones lead), entries the Bureau returned with the reason, open catalog
    changes and returned changes; the Bureau gets the review queue and overdue catalog
    changes; everyone gets their own requests returned to them and granted.

    :param counts_only: only the counts (as the header badge needs): no rows, and the
        ``overdue`` counts are ``None``
    :returns: ``{"role": "bureau"|"department"|"user", "todo": n, "departments": [...],
        "bureau": {...}|None, "mine": {...}}``; each list is ``{"count", "results"}`` as the
        action of its page answers (``dongchang_access_request_list``,
        ``dongchang_catalog_list``, ``dongchang_catalog_change_list``,
        ``dongchang_catalog_revision_list``), at most five rows
    """
    data = validated(data_dict, _workbench_schema(), context)
    tk.check_access("dongchang_workbench", context, data)
    return service.gather(context, counts_only=bool(data.get("counts_only")))
