"""What waits for a person, gathered by calling the domains' own actions as that person.

The workbench page adds no rule of its own: every list is the answer of the action that the
linked page calls, so a count on the workbench is the count on the page it links to. The
header badge (``counts_only``), asked on every page a signed-in person views, reads the same
counts in one SQL statement instead of some forty (``counted``); a test holds its counts equal
to the pages' (tests/workbench/test_badge.py).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.types import Context
from sqlalchemy.orm import aliased

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.access import audience
from ckanext.dongchang.catalog.merge_model import DuplicateMergeTask
from ckanext.dongchang.catalog.model import CatalogChange
from ckanext.dongchang.catalog.revision_model import PendingRevision
from ckanext.dongchang.requests import authority
from ckanext.dongchang.requests.model import AccessRequest

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


# --- the header badge: the same counts, one SQL statement -------------------------------------

def _count(query: Any) -> Any:
    """``SELECT count(*)`` of a query's rows, as a column of the badge's one statement."""
    return sa.select(sa.func.count()).select_from(query.subquery()).scalar_subquery()


def _entries(state: Any) -> Any:
    """Active catalog entries in a workflow state (``dongchang_catalog_list``'s rows)."""
    return sa.select(model.Package.id).where(
        model.Package.type == "dataset", model.Package.state == "active", state)


def _catalog_state() -> Any:
    return model.Package.extras["catalog_state"].astext


def _bureau_department_ids() -> Any:
    """``audience.bureau_org_ids`` as a subquery (no statement of its own)."""
    configured = dc_config.bureau_org()
    bureau = (model.Group.name == configured if configured
              else model.Group.extras["is_bureau"].astext == "true")
    return sa.select(model.Group.id).where(audience.recognised_department(), bureau)


def _department_counts(org_id: str) -> list[Any]:
    """A department's lists as ``department_work`` counts them: submitted requests in its
    inbox, returned entries, open catalog changes, returned changes, open merge tasks."""
    owned = model.Package.owner_org == org_id
    inbox = owned
    if authority.stand_in():  # Art. 20 ¶3: the Bureau's inbox also holds the city's requests
        bureau = sa.cast(org_id, sa.UnicodeText).in_(_bureau_department_ids())
        inbox = sa.or_(owned, sa.and_(bureau, AccessRequest.request_kind == "share",
                                      AccessRequest.applicant_kind != "department"))
    requests = (sa.select(AccessRequest.id)
                .join(model.Package, model.Package.id == AccessRequest.dataset_id)
                .where(inbox, AccessRequest.state == "submitted"))
    returned = _entries(_catalog_state() == "returned").where(owned)
    changes = (sa.select(CatalogChange.id)
               .join(model.Package, model.Package.id == CatalogChange.dataset_id)
               .where(owned, CatalogChange.reported_on.is_(None)))
    returned_changes = (sa.select(PendingRevision.id)
                        .join(model.Package, model.Package.id == PendingRevision.dataset_id)
                        .where(model.Package.state == "active", owned,
                               PendingRevision.state == "returned"))
    entry, duplicate = aliased(model.Package), aliased(model.Package)
    merges = (sa.select(DuplicateMergeTask.id)
              .join(entry, entry.id == DuplicateMergeTask.entry_id)
              .join(duplicate, duplicate.id == DuplicateMergeTask.duplicate_id)
              .where(sa.or_(entry.owner_org == org_id, duplicate.owner_org == org_id),
                     DuplicateMergeTask.state == "open"))
    return [_count(q) for q in (requests, returned, changes, returned_changes, merges)]


def _bureau_counts(today: dt.date) -> list[Any]:
    """The review queue (new entries and changes of published ones) and overdue changes."""
    pending = sa.select(PendingRevision.dataset_id).where(PendingRevision.state == "pending")
    state = _catalog_state()
    review = _entries(sa.or_(state == "submitted",
                             sa.and_(state == "published", model.Package.id.in_(pending))))
    overdue = (sa.select(CatalogChange.id)
               .join(model.Package, model.Package.id == CatalogChange.dataset_id)
               .where(CatalogChange.reported_on.is_(None), CatalogChange.due_on < today))
    return [_count(review), _count(overdue)]


def _counts(count: int) -> dict[str, Any]:
    return {"count": int(count), "results": []}


def counted(context: Context) -> dict[str, Any]:
    """``gather(counts_only=True)`` in one SQL statement: every count a scalar subquery of
    one SELECT, the person's departments and role taken from the memberships the request has
    already read. Same shape as ``gather``'s (no rows, ``overdue`` counts ``None``)."""
    memberships = audience.memberships_for(context.get("auth_user_obj") or context["user"],
                                           context)
    departments = editable_departments(context)
    today = dt.date.today()
    columns: list[Any] = []
    for department in departments:
        columns += _department_counts(department["id"])
    if memberships.is_bureau:
        columns += _bureau_counts(today)
    for state in ("returned", "approved"):  # the person's own: returned to them, granted
        columns.append(_count(sa.select(AccessRequest.id).where(
            AccessRequest.requester_id == memberships.user_id, AccessRequest.state == state)))
    values = list(model.Session.execute(sa.select(*columns)).one())
    worked = []
    for department in departments:
        requests, returned, changes, returned_changes, merges = (
            _counts(values.pop(0)) for _ in range(5))
        for listed in (requests, changes, merges):
            listed["overdue"] = None
        worked.append(dict(department, requests=requests, returned=returned, changes=changes,
                           returned_changes=returned_changes, merges=merges,
                           todo=sum(x["count"] for x in (requests, returned, changes,
                                                         returned_changes, merges))))
    bureau = None
    if memberships.is_bureau:
        review, changes_overdue = _counts(values.pop(0)), _counts(values.pop(0))
        bureau = {"review": review, "changes_overdue": changes_overdue,
                  "todo": review["count"] + changes_overdue["count"]}
    returned_to_me, granted = _counts(values.pop(0)), _counts(values.pop(0))
    mine_work = {"returned": returned_to_me, "granted": granted, "todo": returned_to_me["count"]}
    role = "bureau" if bureau else "department" if worked else "user"
    todo = sum(d["todo"] for d in worked) + (bureau["todo"] if bureau else 0) + mine_work["todo"]
    return {"role": role, "todo": todo, "departments": worked, "bureau": bureau,
            "mine": mine_work}


def gather(context: Context, counts_only: bool = False) -> dict[str, Any]:
    """Everything on the person's workbench; ``todo`` (the header badge) counts what waits
    for them to act: requests to decide, entries and changes returned, changes due, the
    review queue, their own requests returned to them."""
    if counts_only:
        return counted(context)
    rows = PREVIEW
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
