"""Evaluation of departments (F-12, Art. 6): ``dongchang_evaluation``."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.catalog import freshness
from ckanext.dongchang.kernel import schema
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.oversight import rectification, rules, service
from ckanext.dongchang.oversight.model import RECTIFICATION_STATES

__all__ = ["dongchang_evaluation", "dongchang_rectification_create",
           "dongchang_rectification_close", "dongchang_rectification_list",
           "dongchang_freshness_list"]


@tk.validator_args
def _evaluation_schema(ignore_missing, unicode_safe) -> Schema:
    # ``period_start``, not ``start``: every page and action reads ``start`` as CKAN's numeric
    # offset (security/api_parameters.py), so a date there was refused before the action ran.
    return {"org_id": [ignore_missing, unicode_safe], "period_start": schema.date_field(),
            "period_end": schema.date_field(),
            "__after": [schema.period_in_order("period_start", "period_end")]}


@tk.side_effect_free
def dongchang_evaluation(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Evaluation (评价, Art. 6) per department and for the district: figures, and a ``score``
    per department with its parts and the criteria's weights.

    The Bureau sees every department; anyone else only the departments they belong to.

    :param org_id: only this department (id or name)
    :param period_start: period start (YYYY-MM-DD) for requests, catalog updates and products
    :param period_end: period end (YYYY-MM-DD)
    :returns: ``{"departments": [{..., "score": {"value", "parts", "weights"}}], "district":
        {...}, "columns": [...], "weights": {...}, "period": {...}}``
    """
    tk.check_access("dongchang_evaluation", context, data_dict)
    data = schema.validated(data_dict, _evaluation_schema(), context)
    return service.evaluation_for(context, data.get("org_id"), data.get("period_start"),
                                  data.get("period_end"))


# --- the rectification list (整改; Art. 6, 29) and data freshness (Art. 16) --------------------

@tk.validator_args
def _rectification_create_schema(not_empty, unicode_safe, ignore_empty) -> Schema:
    return {"org_id": [not_empty, unicode_safe], "problem": [not_empty, *schema.text_field(4000)],
            "criterion": [ignore_empty, unicode_safe,
                          schema.choice(rules.CRITERIA, N_("Choose one of the evaluation criteria:"
                                                           " %(known)s"))],
            "period_start": schema.date_field(), "period_end": schema.date_field(),
            "due_on": schema.date_field(),
            "__after": [schema.period_in_order("period_start", "period_end")]}


@tk.validator_args
def _rectification_close_schema(not_empty) -> Schema:
    return schema.row_schema(closing_note=[not_empty, *schema.text_field(4000)])


@tk.validator_args
def _rectification_list_schema(ignore_missing, unicode_safe, one_of) -> Schema:
    return {"org_id": [ignore_missing, unicode_safe],
            "state": [ignore_missing, unicode_safe, one_of(list(RECTIFICATION_STATES))]}


@tk.validator_args
def _freshness_list_schema(ignore_missing, unicode_safe) -> Schema:
    return {"org_id": [ignore_missing, unicode_safe], **schema.paging_schema(max_limit=100)}


def dongchang_rectification_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record a problem a department must rectify (the Bureau only).

    :param org_id: the department (id or name)
    :param problem: what is wrong and what to do about it
    :param criterion: optional evaluation criterion it concerns (see ``dongchang_evaluation``)
    :param period_start: optional start of the evaluated period (YYYY-MM-DD)
    :param period_end: optional end of the evaluated period
    :param due_on: optional date by which it should be rectified
    :returns: the item
    """
    tk.check_access("dongchang_rectification_create", context, data_dict)
    data = schema.validated(data_dict, _rectification_create_schema(), context)
    return rectification.create(context.get("user"), service.department(data["org_id"]),
                                data).as_dict()


def dongchang_rectification_close(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Close a rectification item once the department has rectified it (the Bureau only).

    :param id: the item
    :param closing_note: how it was rectified, or why it is closed
    :returns: the item
    """
    tk.check_access("dongchang_rectification_close", context, data_dict)
    data = schema.validated(data_dict, _rectification_close_schema(), context)
    return rectification.close(context.get("user"), data["id"], data["closing_note"]).as_dict()


@tk.side_effect_free
def dongchang_rectification_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Rectification items: the Bureau sees every department's, a department its own.

    :param org_id: only this department (id or name)
    :param state: ``open`` or ``closed``
    :returns: items, open ones first
    """
    tk.check_access("dongchang_rectification_list", context, data_dict)
    data = schema.validated(data_dict, _rectification_list_schema(), context)
    return rectification.listed(service.visible_department_ids(context, data.get("org_id")),
                                data.get("state"))


@tk.side_effect_free
def dongchang_freshness_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Published entries whose data is older than their update cycle allows (Art. 16).

    An entry is overdue once one update cycle and
    ``ckanext.dongchang.freshness_grace_working_days`` working days have passed since its data
    last changed. The Bureau sees every department's, a department member their own.

    :param org_id: only this department (id or name)
    :param limit: at most this many (1-100, default 20)
    :param page: page number
    :returns: ``{"count", "page", "limit", "grace_working_days", "results": [...]}``
    """
    tk.check_access("dongchang_freshness_list", context, data_dict)
    data = schema.validated(data_dict, _freshness_list_schema(), context)
    rows = freshness.overdue(service.visible_department_ids(context, data.get("org_id")))
    limit, page = data["limit"], data["page"]
    return {"count": len(rows), "page": page, "limit": limit,
            "grace_working_days": dc_config.freshness_grace_working_days(),
            "results": rows[(page - 1) * limit:page * limit]}
