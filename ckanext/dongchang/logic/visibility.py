"""DESIGN §4 enforced through CKAN's own mechanisms (F-3).

* Metadata: ``private`` (set by the schema from the classes) plus permission labels, which
  CKAN's ``package_show`` auth and ``package_search`` both obey.
* Data: resource URLs are removed from every dict a viewer receives unless policy lets that
  viewer see the data; downloads are refused outright.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.types import Context

from ckanext.dongchang.logic import audience
from ckanext.dongchang.policy import publication, visibility

RESTRICTED_FLAG = "dongchang_restricted"
DOWNLOAD_ENDPOINTS = frozenset({"resource.download", "dataset_resource.download"})


# --- metadata: permission labels -------------------------------------------------------------
def dataset_labels(dataset: model.Package) -> list[str]:
    extras = dataset.extras or {}
    return visibility.dataset_labels(
        dataset.id, dataset.owner_org, extras.get("share_class", ""),
        extras.get("open_class", ""), publication.is_published(extras),
    )


def user_labels(user: model.User | None) -> list[str]:
    if user is None:
        return visibility.user_labels(False, (), False)
    memberships = audience.memberships_for(user)
    return visibility.user_labels(True, memberships.org_ids, memberships.is_bureau)


# --- data: resource URLs ----------------------------------------------------------------------
def needs_fresh_read(dataset_id_or_name: str) -> bool:
    """Whether ``package_show`` must read from the database instead of Solr's stored copy.

    The index holds gated entries without their resource URLs (see ``indexing``), so a
    viewer who may use the data must get the entry from the database.
    """
    if not dataset_id_or_name:
        return False
    extras = (
        model.Session.query(model.Package.extras)
        .filter(sa.or_(model.Package.id == dataset_id_or_name,
                       model.Package.name == dataset_id_or_name))
        .limit(1).scalar()
    )
    return extras is not None and not publication.data_is_public(extras or {})


def _context_user(context: Context) -> Any:
    return context.get("auth_user_obj") or context.get("user")


def _trusted(context: Context) -> bool:
    """Internal calls (indexing, activity snapshots) run with ignore_auth and no user."""
    return bool(context.get("ignore_auth")) and not context.get("user")


def visible_resource_ids(context: Context, dataset: dict[str, Any]) -> set[str] | None:
    """Resource ids whose data the context's user may see; ``None`` means all of them."""
    memberships = audience.memberships_for(_context_user(context), context)
    viewer = memberships.viewer(dataset.get("owner_org"), dataset.get("id", ""))
    published = publication.is_published(dataset)
    share, open_ = dataset.get("share_class", ""), dataset.get("open_class", "")
    if visibility.may_see_data(viewer - {visibility.GRANTEE}, share, open_, published):
        return None
    if visibility.may_see_data(viewer, share, open_, published):
        scope = memberships.granted_resources(dataset.get("id", "")) or ()
        return set(scope) if scope else None
    return set()


def strip_dataset(context: Context, dataset: dict[str, Any]) -> dict[str, Any]:
    """Remove the URLs of resources the viewer may not use (in place; returns the dict)."""
    if _trusted(context):
        return dataset
    allowed = visible_resource_ids(context, dataset)
    if allowed is None:
        return dataset
    for resource in dataset.get("resources") or []:
        if resource.get("id") not in allowed:
            _strip_resource(resource)
    return dataset


def _strip_resource(resource: dict[str, Any]) -> None:
    resource["url"] = ""
    resource[RESTRICTED_FLAG] = True


def strip_resource(context: Context, resource: dict[str, Any]) -> dict[str, Any]:
    """``resource_show``: strip the URL, and refuse a download outright."""
    if _trusted(context):
        return resource
    dataset = _dataset_fields(resource["package_id"])
    allowed = visible_resource_ids(context, dataset)
    if allowed is None or resource["id"] in allowed:
        return resource
    if _is_download_request():
        raise tk.NotAuthorized(tk._(
            "This data is not open to you. Conditionally open data can be requested from"
            " the dataset page."))
    _strip_resource(resource)
    return resource


def strip_resources_of_many(context: Context, resources: Iterable[dict[str, Any]]) -> None:
    """Strip a list of resources from several datasets with one query for their datasets."""
    resources = list(resources)
    ids = {r.get("package_id") for r in resources if r.get("package_id")}
    datasets = {d["id"]: d for d in _datasets_fields(ids)}
    for resource in resources:
        dataset = datasets.get(resource.get("package_id"))
        if dataset is None:
            _strip_resource(resource)
            continue
        allowed = visible_resource_ids(context, dataset)
        if allowed is not None and resource.get("id") not in allowed:
            _strip_resource(resource)


def usable_resources(context: Context, resources: Iterable[Any]) -> list[Any]:
    """Only the resources (model objects or dicts) whose data the viewer may use, in order.

    For searches: a gated resource must not take part in matching or ordering at all, or its
    position among the viewer's own resources would reveal its URL (issue 14, item 3).
    """
    resources = list(resources)
    if _trusted(context):
        return resources

    def field(resource: Any, name: str) -> Any:
        return resource.get(name) if isinstance(resource, dict) else getattr(resource, name)

    datasets = {d["id"]: d for d in _datasets_fields(
        {field(r, "package_id") for r in resources if field(r, "package_id")})}
    allowed_by_dataset = {dataset_id: visible_resource_ids(context, dataset)
                          for dataset_id, dataset in datasets.items()}
    usable = []
    for resource in resources:
        dataset_id = field(resource, "package_id")
        if dataset_id not in allowed_by_dataset:
            continue
        allowed = allowed_by_dataset[dataset_id]
        if allowed is None or field(resource, "id") in allowed:
            usable.append(resource)
    return usable


def _is_download_request() -> bool:
    try:
        return tk.request.endpoint in DOWNLOAD_ENDPOINTS
    except RuntimeError:  # no request: an action called from code
        return False


def _dataset_fields(dataset_id: str) -> dict[str, Any]:
    found = _datasets_fields({dataset_id})
    if not found:
        raise tk.ObjectNotFound()
    return found[0]


def _datasets_fields(dataset_ids: set[str]) -> list[dict[str, Any]]:
    if not dataset_ids:
        return []
    rows = (
        model.Session.query(model.Package.id, model.Package.owner_org, model.Package.extras)
        .filter(model.Package.id.in_(dataset_ids))
        .all()
    )
    return [dict(row.extras or {}, id=row.id, owner_org=row.owner_org) for row in rows]


# --- activity: snapshots hold whole dataset dicts ---------------------------------------------
def strip_activities(context: Context, activities: Iterable[dict[str, Any]]) -> None:
    """Strip resource URLs from the dataset snapshots inside activities.

    CKAN stores a full ``package_show`` in each activity and returns it from every activity
    list; the viewer's *current* rights on the entry decide what the snapshot may show.
    """
    activities = [a for a in activities if isinstance((a.get("data") or {}).get("package"), dict)]
    if _trusted(context) or not activities:
        return
    current = {d["id"]: d for d in _datasets_fields({a["object_id"] for a in activities})}
    for activity in activities:
        strip_snapshot(context, current.get(activity["object_id"]), activity["data"]["package"])


def strip_snapshot(context: Context, current: dict[str, Any] | None,
                   snapshot: dict[str, Any]) -> None:
    allowed = visible_resource_ids(context, current) if current else set()
    if allowed is None:
        return
    for resource in snapshot.get("resources") or []:
        if resource.get("id") not in allowed:
            _strip_resource(resource)


def may_see_all_data(context: Context, dataset_id: str) -> bool:
    current = current_dataset_fields(dataset_id)
    return current is not None and visible_resource_ids(context, current) is None


def current_dataset_fields(dataset_id: str) -> dict[str, Any] | None:
    found = _datasets_fields({dataset_id})
    return found[0] if found else None


# --- activity: labels follow the entry's current classes --------------------------------------
def refresh_activity_labels(dataset_id: str) -> None:
    """Give the entry's past activities its current labels.

    CKAN stamps each activity with the dataset's labels when it happens; after a class change
    old activities would otherwise stay visible to an audience that lost the entry.
    """
    from ckanext.activity.model import Activity

    dataset = model.Package.get(dataset_id)
    if dataset is None:
        return
    model.Session.query(Activity).filter(Activity.object_id == dataset.id).update(
        {Activity.permission_labels: dataset_labels(dataset)}, synchronize_session=False
    )
