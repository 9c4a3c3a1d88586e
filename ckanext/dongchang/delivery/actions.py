"""The access log through the API (issue 16 item 5; public contract:
``dongchang_access_log_list`` with filters ``dataset_id``, ``request_id``, ``user``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.dongchang.delivery import service
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.kernel.schema import file_content, invalid, paging_schema, validated

__all__ = ["dongchang_access_log_list", "dongchang_trace_copy"]


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
    return service.entries(context, filters, data["page"], data["limit"])


def dongchang_trace_copy(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Name the grant a leaked copy of gated tabular data came from (issue 16 item 7; Bureau).

    Each grantee's copy of an uploaded CSV has its rows in the grant's own order; the leaked
    file is compared with every file delivered under a grant, then with each grant's order.

    :param content: the leaked file's text (CSV), or an uploaded file in ``upload``
    :returns: ``request_id`` (the grant), ``agreement`` (Kendall's tau, 1 = the grant's exact
        order), ``resource_id``, ``dataset_id``, ``rows_matched`` and every ``candidates``'s score
    """
    tk.check_access("dongchang_trace_copy", context, data_dict)
    upload = data_dict.get("upload")
    if upload is not None and hasattr(upload, "read"):
        data_dict = dict(data_dict, content=upload.read())
    data = validated(data_dict, {"content": [tk.get_validator("not_empty"), file_content]},
                     context)
    content = data["content"]
    if isinstance(content, bytes):
        content = content.decode("utf-8-sig", errors="replace")
    found = service.trace_copy(content)
    if found is None:
        raise invalid("content", N_("This file matches no gated file the portal delivered."))
    return found
