"""What waits for a person, gathered by calling the domains' own actions as that person.

The workbench adds no rule of its own: every list is the answer of the action that the linked
page calls, so a count on the workbench is the count on the page it links to.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.dongchang.access import audience

# How many rows of each list the workbench shows; the linked page shows the rest.
PREVIEW = 5


def _call(context: Context, action: str, data_dict: dict[str, Any]) -> dict[str, Any]:
    return tk.get_action(action)(tk.fresh_context(context), data_dict)


def _listed(context: Context, action: str, data_dict: dict[str, Any],
            rows: int) -> dict[str, Any]:
    """``{"count", "results"}`` of a list action; ``rows=0`` asks for the count only."""
    answer = _call(context, action, dict(data_dict, limit=max(rows, 1)))
    return {"count": answer["count"], "results": answer["results"] if rows else []}


def editable_departments(context: Context) -> list[dict[str, Any]]:
    """The recognised departments where the user is an editor or admin, by title (from the
    memberships every permission check already read: the badge is on every page)."""
    memberships = audience.memberships_for(context.get("auth_user_obj") or context["user"],
                                           context)
    return [{"id": role.id, "name": role.name, "title": role.title,
             "is_admin": role.capacity == "admin"}
            for role in memberships.editing_departments()]


def department_work(context: Context, department: dict[str, Any], rows: int) -> dict[str, Any]:
    """A department's inbox (submitted requests, soonest due first, so overdue ones lead),
    its entries the Bureau returned (with the reason), and its open catalog changes."""
    org = {"org": department["id"]}
    requests = _listed(context, "dongchang_access_request_list",
                       dict(org, state="submitted"), rows)
    returned = _listed(context, "dongchang_catalog_list", dict(org, state="returned"), rows)
    changes = _listed(context, "dongchang_catalog_change_list", dict(org, state="open"), rows)
    # How many are overdue matters on the page, not for the badge's count (every page asks).
    requests["overdue"] = changes["overdue"] = None
    if rows:
        requests["overdue"] = _listed(context, "dongchang_access_request_list",
                                      dict(org, overdue=True), 0)["count"]
        changes["overdue"] = _listed(context, "dongchang_catalog_change_list",
                                     dict(org, overdue=True), 0)["count"]
    returned_changes = _listed(context, "dongchang_catalog_revision_list",
                               dict(org, state="returned"), rows)
    # Duplicate entries the Bureau marked for the department to merge (Art. 15).
    merges = _listed(context, "dongchang_duplicate_task_list", dict(org, state="open"), rows)
    merges["overdue"] = _listed(context, "dongchang_duplicate_task_list",
                                dict(org, state="overdue"), 0)["count"] if rows else None
    return dict(department, requests=requests, returned=returned, changes=changes,
                returned_changes=returned_changes, merges=merges,
                todo=requests["count"] + returned["count"] + changes["count"]
                + returned_changes["count"] + merges["count"])


def bureau_work(context: Context, rows: int) -> dict[str, Any]:
    """The Bureau's queue (new entries and changes of published ones), overdue catalog
    changes and overdue requests across the district."""
    review = _listed(context, "dongchang_catalog_list", {"state": "submitted"}, rows)
    changes_overdue = _listed(context, "dongchang_catalog_change_list", {"overdue": True}, rows)
    return {"review": review, "changes_overdue": changes_overdue,
            "todo": review["count"] + changes_overdue["count"]}


def own_work(context: Context, rows: int) -> dict[str, Any]:
    """The person's own requests: returned to them for more information, and granted."""
    returned = _listed(context, "dongchang_access_request_list",
                       {"mine": True, "state": "returned"}, rows)
    granted = _listed(context, "dongchang_access_request_list",
                      {"mine": True, "state": "approved"}, rows)
    return {"returned": returned, "granted": granted, "todo": returned["count"]}


def gather(context: Context, counts_only: bool = False) -> dict[str, Any]:
    """Everything on the person's workbench; ``todo`` (the header badge) counts what waits
    for them to act: requests to decide, entries and changes returned, changes due, the
    review queue, their own requests returned to them."""
    rows = 0 if counts_only else PREVIEW
    is_bureau = audience.memberships_for(context.get("auth_user_obj") or context["user"],
                                         context).is_bureau
    departments = [department_work(context, department, rows)
                   for department in editable_departments(context)]
    bureau = bureau_work(context, rows) if is_bureau else None
    mine = own_work(context, rows)
    role = "bureau" if bureau else "department" if departments else "user"
    todo = (sum(d["todo"] for d in departments) + (bureau["todo"] if bureau else 0)
            + mine["todo"])
    return {"role": role, "todo": todo, "departments": departments, "bureau": bureau,
            "mine": mine}
