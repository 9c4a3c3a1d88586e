"""The resource history page of ckanext-activity, read through ``activity_show`` (F-3).

CKAN 2.12's ``activity.resource_history`` reads the old version straight from the activity table:
it skips the activity-detail check of its sibling pages (``/dataset/<id>/history/<activity>``
asks ``activity_show`` with ``include_data``) and every action chain, so it showed gated
resource URLs to anyone who could see the entry. This page is the same page, but the snapshot
comes from ``activity_show``: the same rights as the history page, and the URLs stripped for
the viewer at hand (``logic.visibility.strip_activities``).
"""
from __future__ import annotations

import inspect
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.plugins import lookup_package_plugin
from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from ckanext.dongchang.kernel.pages import context as visitor_context
from ckanext.dongchang.kernel.pages import refusals

activity_blueprint = Blueprint("dongchang_activity", __name__)

CORE_ENDPOINT = "activity.resource_history"


@activity_blueprint.route("/dataset/<id>/resources/<resource_id>/history/<activity_id>")
def resource_history(id: str, resource_id: str, activity_id: str) -> str:
    context = dict(visitor_context(), for_view=True)
    try:
        current = tk.get_action("package_show")(context, {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    package = _old_version(activity_id, current["id"])
    package["name"] = current["name"]  # links use the current name, as CKAN's page does
    resource = next((r for r in package.get("resources") or [] if r.get("id") == resource_id),
                    None)
    if resource is None:
        return tk.abort(404, tk._("Resource not found"))
    package["isopen"] = _license_is_open(package.get("license_id"))
    views = _resource_views(resource)
    dataset = context["package"]
    tk.g.package, tk.g.resource, tk.g.pkg, tk.g.pkg_dict = package, resource, dataset, package
    return tk.render("package/resource_history.html", {
        "base_template": _resource_template(dataset.type),
        "resource_views": views,
        "current_resource_view": _current_view(views),
        "dataset_type": dataset.type,
        "pkg_dict": package,
        "package": package,
        "resource": resource,
        "pkg": dataset,
    })


def _old_version(activity_id: str, dataset_id: str) -> dict[str, Any]:
    """The entry as the activity recorded it, as ``activity_show`` gives it to this visitor."""
    with refusals(not_found=tk._("Activity not found"),
                  forbidden=tk._("Unauthorized to view activity data")):
        activity = tk.get_action("activity_show")(
            visitor_context(), {"id": activity_id, "include_data": True})
    package = (activity.get("data") or {}).get("package")
    if not isinstance(package, dict) or package.get("id") != dataset_id:
        return tk.abort(404, tk._("Activity not found"))
    package.setdefault("resources", [])
    return package


def _license_is_open(license_id: Any) -> bool:
    license = model.Package.get_license_register().get(license_id)
    return bool(license and license.isopen())


def _resource_views(resource: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        views = tk.get_action("resource_view_list")(visitor_context(), {"id": resource["id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):  # the file was deleted since this version
        views = []
    resource["has_views"] = bool(views)
    return views


def _current_view(views: list[dict[str, Any]]) -> dict[str, Any] | None:
    view_id = tk.request.args.get("view_id")
    if not views:
        return None
    if not view_id:
        return views[0]
    chosen = [view for view in views if view["id"] == view_id]
    if len(chosen) != 1:
        return tk.abort(404, tk._("Resource view not found"))
    return chosen[0]


def _resource_template(dataset_type: str) -> str:
    """The dataset type's resource page template (IDatasetForm allows both signatures)."""
    method = lookup_package_plugin(dataset_type).resource_template
    return method(dataset_type) if inspect.signature(method).parameters else method()


@activity_blueprint.record_once
def _replace_core_page(state: BlueprintSetupState) -> None:
    """Whatever the order of ``ckan.plugins``: if ckanext-activity registered its page first
    (its rule would match first), its endpoint is pointed at this page."""
    if CORE_ENDPOINT in state.app.view_functions:
        state.app.view_functions[CORE_ENDPOINT] = resource_history
