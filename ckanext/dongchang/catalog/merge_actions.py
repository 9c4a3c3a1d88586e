"""API of merge tasks for duplicate entries (Art. 15, issue 18 item 6).

The Bureau marks two entries as duplicates (``dongchang_duplicate_mark``); the departments
compiling them merge them (``dongchang_duplicate_merge``) or decline with a reason
(``dongchang_duplicate_decline``) by the due date (the catalog update deadline in working days,
``ckanext.dongchang.catalog_update_working_days``).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.dongchang.catalog import merges
from ckanext.dongchang.catalog.rules import merge as rules
from ckanext.dongchang.kernel import schema

__all__ = ["dongchang_duplicate_mark", "dongchang_duplicate_merge",
           "dongchang_duplicate_decline", "dongchang_duplicate_task_list",
           "dongchang_duplicate_task_show"]


@tk.validator_args
def _mark_schema(not_empty, ignore_missing, unicode_safe) -> Schema:
    return {"entry_id": [not_empty, unicode_safe], "duplicate_id": [not_empty, unicode_safe],
            "keep_id": [ignore_missing, unicode_safe], "note": schema.text_field(4000)}


@tk.validator_args
def _merge_schema(ignore_missing, unicode_safe) -> Schema:
    return schema.row_schema(keep_id=[ignore_missing, unicode_safe])


@tk.validator_args
def _list_schema(ignore_missing, unicode_safe) -> Schema:
    return {"org": [ignore_missing, unicode_safe], "state": [ignore_missing, unicode_safe],
            **schema.paging_schema(max_limit=100)}


def _answer(context: Context, task_id: str) -> dict[str, Any]:
    return merges.task_dicts([merges.get_task(task_id)], context)[0]


def dongchang_duplicate_mark(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Mark two catalog entries as duplicates (the Bureau only): their departments get a
    merge task, due within ``catalog_update_working_days`` working days, and a mail.

    :param entry_id: id or name of one entry
    :param duplicate_id: id or name of the entry that duplicates it
    :param keep_id: optional: the entry the Bureau suggests keeping (one of the two)
    :param note: optional note to the departments
    :returns: the task: ``id``, ``state`` (``open``), ``status`` (``open``/``overdue``),
        ``due_on``, ``due_on_provisional``, ``entry`` and ``duplicate`` (``id``, ``name``,
        ``title``, ``org_title``), ``keep_id``, ``note``
    """
    data = schema.validated(data_dict, _mark_schema(), context)
    tk.check_access("dongchang_duplicate_mark", context, data)
    return _answer(context, merges.mark(context, data).id)


def dongchang_duplicate_merge(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Merge the task's entries: the kept entry takes the other's data items (those whose name
    it lacks) and files (as new files); the other entry is deleted and its address
    ``/dataset/<name>`` leads to the kept entry for whoever may see it.

    A department's change of a published kept entry waits for the Bureau's review like any
    change: the task is ``in_review`` (``revision_id``) and the other entry stays public until
    the Bureau publishes the change (then ``merged``); a returned change opens the task again
    with the Bureau's ``reason``. The Bureau's own merge, or one into an unpublished entry,
    is ``merged`` at once.

    An editor of the kept entry's department, or the Bureau.

    :param id: the task id
    :param keep_id: id or name of the entry to keep (default: the Bureau's suggestion)
    :returns: the task with ``state`` (``in_review`` or ``merged``), ``kept_id``,
        ``removed_name``, ``revision_id`` and ``closed_on``
    """
    data = schema.validated(data_dict, _merge_schema(), context)
    tk.check_access("dongchang_duplicate_merge", context, data)
    return _answer(context, merges.merge(context, data["id"], data.get("keep_id")).id)


def dongchang_duplicate_decline(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Decline a merge task with the reason (either department, or the Bureau withdrawing
    its mark); the Bureau sees the reason in the task list.

    :param id: the task id
    :param reason: why the entries are not duplicates or should not be merged
    """
    data = schema.validated(data_dict, schema.decision_schema(), context)
    tk.check_access("dongchang_duplicate_decline", context, data)
    return _answer(context, merges.decline(context, data["id"], data.get("reason") or "").id)


@tk.side_effect_free
def dongchang_duplicate_task_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One merge task (the departments concerned and the Bureau).

    :param id: the task id
    """
    data = schema.validated(data_dict, schema.row_schema(), context)
    tk.check_access("dongchang_duplicate_task_show", context, data)
    return _answer(context, data["id"])


@tk.side_effect_free
def dongchang_duplicate_task_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Merge tasks, open ones first by due date: the Bureau's all, a department's those of
    its entries.

    :param org: only this department's (id or name)
    :param state: ``open``, ``in_review``, ``merged``, ``declined`` or ``overdue`` (open
        past ``due_on``)
    :param page: page number (20 per page unless ``limit``, at most 100)
    :returns: ``{"count", "page", "limit", "results"}``; each result as
        ``dongchang_duplicate_task_show``, with ``status`` and ``overdue``; ``reason`` is why
        a department declined, or why the Bureau returned the merged change
    """
    data = schema.validated(data_dict, _list_schema(), context)
    if data.get("state") not in (None, *rules.TASK_FILTERS):
        raise schema.invalid("state", rules.UNKNOWN_STATE)
    tk.check_access("dongchang_duplicate_task_list", context, data)
    return merges.list_tasks(context, data)
