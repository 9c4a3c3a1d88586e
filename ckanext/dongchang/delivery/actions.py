"""The access log through the API (issue 16 item 5; public contract:
``dongchang_access_log_list`` with filters ``dataset_id``, ``request_id``, ``user``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.delivery import service
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.kernel.schema import invalid, paging_schema, validated

__all__ = ["dongchang_access_log_list"]


def _list_schema() -> dict[str, Any]:
    ignore_missing, unicode_safe = tk.get_validator("ignore_missing"), \
        tk.get_validator("unicode_safe")
    return dict(paging_schema(max_limit=1000, default_limit=50),
                dataset_id=[ignore_missing, unicode_safe],
                request_id=[ignore_missing, unicode_safe],
                user=[ignore_missing, unicode_safe])


@tk.side_effect_free
def dongchang_access_log_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Deliveries of gated data, newest first: the Bureau sees all, a department the use of
    its own entries, everyone their own use.

    :param dataset_id: only deliveries of this entry (id)
    :param request_id: only deliveries under this grant
    :param user: only deliveries to this user (name or id)
    :param page: page number; ``limit``: rows a page (50 unless given, at most 1000)
    :returns: ``count``, ``page``, ``limit`` and ``results`` (each row with ``dataset_title``,
        ``resource_name``, ``user_name``)
    """
    tk.check_access("dongchang_access_log_list", context, data_dict)
    data = validated(data_dict, _list_schema(), context)
    filters = {"dataset_id": data.get("dataset_id"), "request_id": data.get("request_id")}
    if data.get("user"):
        filters["user_id"] = service.user_id(data["user"])
        if filters["user_id"] is None:
            raise invalid("user", N_("No such user."))
    scope = audience.memberships_for(context.get("auth_user_obj") or context.get("user"),
                                     context)
    return service.entries(scope, filters, data["page"], data["limit"])
