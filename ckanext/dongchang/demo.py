"""Loads the demo catalog (``demo/catalog.json``) through the action API.

Going through the actions means the demo obeys the same validation as a publisher's form. The
loader is idempotent: what exists is updated, what is missing is created.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

DEFAULT_PASSWORD = "dongchang-demo-2026"


def load_catalog(catalog: dict[str, Any], password: str | None = None) -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    summary: dict[str, Any] = {"organizations": 0, "users": 0, "datasets": 0, "errors": []}
    for org in catalog.get("organizations", []):
        _upsert_org(site_user["name"], org)
        summary["organizations"] += 1
    for user in catalog.get("users", []):
        _upsert_user(site_user["name"], user, password or DEFAULT_PASSWORD)
        summary["users"] += 1
    # Related codes may point forward in the file: create everything first, then link.
    for dataset in catalog.get("datasets", []):
        first = dict(dataset, related_resource_codes="")
        if _upsert_dataset(site_user["name"], first, summary):
            summary["datasets"] += 1
    for dataset in catalog.get("datasets", []):
        if dataset.get("related_resource_codes"):
            _upsert_dataset(site_user["name"], dataset, summary)
    return summary


def _context(user: str) -> dict[str, Any]:
    return {"user": user, "ignore_auth": False}


def _exists(user: str, show_action: str, name: str) -> bool:
    """Whether the demo's ``name`` is already on the site: loading again updates it."""
    try:
        tk.get_action(show_action)(_context(user), {"id": name})
    except tk.ObjectNotFound:
        return False
    return True


def _upsert_org(user: str, org: dict[str, Any]) -> None:
    data = {key: value for key, value in org.items() if key != "title_en"}
    data["is_bureau"] = "true" if org.get("is_bureau") else "false"
    # Every demo organisation is a department the Bureau recognised (F-1), also on a site
    # whose organisations predate the flag.
    data["is_department"] = "false" if org.get("is_department") is False else "true"
    if _exists(user, "organization_show", org["name"]):
        tk.get_action("organization_patch")(_context(user), dict(data, id=org["name"]))
    else:
        parent = data.pop("parent_department", "")
        tk.get_action("organization_create")(_context(user), data)
        if parent:  # the parent may come later in the file: link once both exist
            data["parent_department"] = parent
    if org.get("parent_department"):
        tk.get_action("organization_patch")(
            _context(user), {"id": org["name"], "parent_department": org["parent_department"]}
        )


def _upsert_user(site_user: str, user: dict[str, Any], password: str) -> None:
    try:
        tk.get_action("user_show")({"ignore_auth": True}, {"id": user["name"]})
    except tk.ObjectNotFound:
        tk.get_action("user_create")(
            _context(site_user),
            {"name": user["name"], "fullname": user.get("fullname", ""),
             "email": user["email"], "password": password},
        )
    for membership in user.get("memberships", []):
        tk.get_action("organization_member_create")(
            _context(site_user),
            {"id": membership["org"], "username": user["name"], "role": membership["capacity"]},
        )


def _upsert_dataset(user: str, dataset: dict[str, Any], summary: dict[str, Any]) -> bool:
    try:
        if _exists(user, "package_show", dataset["name"]):
            tk.get_action("package_update")(_context(user), dict(dataset, id=dataset["name"]))
        else:
            tk.get_action("package_create")(_context(user), dict(dataset))
        return True
    except tk.ValidationError as error:
        summary["errors"].append({"dataset": dataset.get("name"), "errors": error.error_dict})
        return False
