"""Merging duplicate catalog entries (Art. 15: "目录编制部门…整合").

The Bureau marks two entries as duplicates; the compiling departments get a *merge task*:
keep one entry, move the other's data items and files into it, and retire the other (its old
address then leads to the kept entry). The task has a deadline in working days, like a catalog
change (Art. 16), and the departments may decline it with a reason the Bureau reads.

    open --merge--> merged (kept_id, removed entry deleted, closed_on)
     |  \\--merge into a published entry, by a department--> in_review (revision_id)
     |        in_review --the Bureau publishes the change--> merged
     |        in_review --the Bureau returns the change--> open (reason)
     \\--decline--> declined (reason, closed_on)

Pure rules: no CKAN; messages are msgids translated by the CKAN layer.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.kernel.rules import Errors, add, is_blank

TASK_STATES: tuple[str, ...] = ("open", "in_review", "merged", "declined")
# What a list may be filtered by: the stored state, or an open task past its due date.
TASK_FILTERS: tuple[str, ...] = (*TASK_STATES, "overdue")

SAME_ENTRY = N_("An entry cannot be a duplicate of itself: choose two different entries.")
KEEP_NOT_IN_PAIR = N_("The entry to keep must be one of the two duplicate entries.")
KEEP_REQUIRED = N_("Choose the entry to keep.")
REMOVED_NOT_VISIBLE = N_("Your department may not see all of the other entry's data: the other"
                         " department keeps its entry, or the Big Data Bureau merges them.")
KEEP_THE_PUBLISHED = N_("Keep the published entry: a published entry cannot be merged into one"
                        " that is not published.")
ALREADY_MARKED = N_("These two entries already have an open merge task.")
TASK_CLOSED = N_("This merge task is no longer open.")
DECLINE_NEEDS_REASON = N_("Say why the entries should not be merged; the Big Data Bureau reads"
                          " the reason.")
UNKNOWN_STATE = N_("Unknown state of a merge task.")
UPLOADED_FILE = N_("A file uploaded to the site cannot be moved to another entry: add it to the"
                   " entry kept by hand, delete it here, then merge.")
ENTRY_GONE = N_("This entry no longer exists; the Big Data Bureau can close the task.")


def mark_errors(entry_id: str, duplicate_id: str, keep_id: str | None,
                open_task_exists: bool) -> Errors:
    """Why the Bureau cannot mark ``entry_id`` and ``duplicate_id`` (resolved ids) as
    duplicates; ``keep_id`` is the Bureau's optional suggestion of the entry to keep."""
    errors: Errors = {}
    if entry_id == duplicate_id:
        add(errors, "duplicate_id", SAME_ENTRY)
        return errors
    if keep_id and keep_id not in (entry_id, duplicate_id):
        add(errors, "keep_id", KEEP_NOT_IN_PAIR)
    if open_task_exists:
        add(errors, "duplicate_id", ALREADY_MARKED)
    return errors


def merge_errors(state: str, pair: tuple[str, str], keep_id: str | None) -> Errors:
    """Why the task cannot be merged keeping ``keep_id`` (a resolved id or ``None``)."""
    errors: Errors = {}
    if state != "open":
        add(errors, "id", TASK_CLOSED)
    elif not keep_id:
        add(errors, "keep_id", KEEP_REQUIRED)
    elif keep_id not in pair:
        add(errors, "keep_id", KEEP_NOT_IN_PAIR)
    return errors


def removal_errors(removed_published: bool, kept_published: bool, sees_removed_whole: bool,
                   by_bureau: bool) -> Errors:
    """What a department may not do by merging (the Bureau decides otherwise on its own):

    * take published data out of the public catalog by merging it into an entry the public
      does not see: a published entry merges only into a published one (whose change the
      Bureau then reviews);
    * take into its own entry another department's data it may not see (a not-shared entry,
      or files shared only on conditions it was not granted).
    """
    errors: Errors = {}
    if by_bureau:
        return errors
    if removed_published and not kept_published:
        add(errors, "keep_id", KEEP_THE_PUBLISHED)
    if not sees_removed_whole:
        add(errors, "keep_id", REMOVED_NOT_VISIBLE)
    return errors


def decline_errors(state: str, reason: str | None) -> Errors:
    errors: Errors = {}
    if state != "open":
        add(errors, "id", TASK_CLOSED)
    elif is_blank(reason):
        add(errors, "reason", DECLINE_NEEDS_REASON)
    return errors


def other_of(pair: tuple[str, str], keep_id: str) -> str:
    """The entry of the pair that is not kept."""
    return pair[1] if pair[0] == keep_id else pair[0]


def _item_key(item: Any) -> str:
    """Data items are the same item when their names are, whatever the spacing or case."""
    name = item.get("name") if isinstance(item, dict) else None
    return "".join(str(name or "").split()).casefold()


def merged_items(kept: list[dict[str, Any]] | None,
                 moved: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The kept entry's data items, then the other entry's items whose name it lacks (the
    kept entry's description of a shared item wins: it is the entry that stays)."""
    result = [dict(item) for item in kept or []]
    seen = {_item_key(item) for item in result}
    for item in moved or []:
        key = _item_key(item)
        if key and key not in seen:
            seen.add(key)
            result.append(dict(item))
    return result


def effective_state(state: str, revision_state: str | None) -> str:
    """A task ``in_review`` whose change is no longer pending without having been published
    (the department withdrew it by a later edit, or it was returned) is open again."""
    if state == "in_review" and revision_state in ("withdrawn", "returned"):
        return "open"
    return state


def task_status(state: str, due_on: date, today: date) -> str:
    """``merged``, ``declined``, ``overdue`` (open past ``due_on``) or ``open``."""
    if state != "open":
        return state
    return "overdue" if due_on < today else "open"
