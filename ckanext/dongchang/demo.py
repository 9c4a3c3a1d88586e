"""Loads the demo catalog (``demo/catalog.json``) through the action API.

Going through the actions means the demo obeys the same validation as a publisher's form. The
loader is idempotent: what exists is updated, what is missing is created. A resource with a
``file`` (a path beside the catalog) is uploaded to CKAN's FileStore, as a department uploads a
gated file (issue 16 item 3: the portal is the only door); it is uploaded once.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

DEFAULT_PASSWORD = "dongchang-demo-2026"


def load_catalog(catalog: dict[str, Any], password: str | None = None,
                 files: Path | None = None) -> dict[str, Any]:
    """Load ``catalog``; ``files``: the folder its resources' ``file`` paths start from."""
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
        if _upsert_dataset(site_user["name"], first, summary, files):
            summary["datasets"] += 1
    for dataset in catalog.get("datasets", []):
        if dataset.get("related_resource_codes"):
            _upsert_dataset(site_user["name"], dataset, summary, files)
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


def _upsert_dataset(user: str, dataset: dict[str, Any], summary: dict[str, Any],
                    files: Path | None) -> bool:
    uploads = [r for r in dataset.get("resources") or [] if r.get("file")]
    try:
        if _exists(user, "package_show", dataset["name"]):
            current = tk.get_action("package_show")(_context(user), {"id": dataset["name"]})
            uploaded = {r["name"]: r for r in current.get("resources") or []
                        if r.get("url_type") == "upload"}
            kept = [uploaded.pop(r["name"]) for r in uploads if r["name"] in uploaded]
            data = dict(dataset, id=dataset["name"], resources=_links(dataset) + kept)
            tk.get_action("package_update")(_context(user), data)
            uploads = [r for r in uploads if r["name"] not in {k["name"] for k in kept}]
        else:
            tk.get_action("package_create")(_context(user),
                                            dict(dataset, resources=_links(dataset)))
        for resource in uploads:
            _upload(user, dataset["name"], resource, files)
        return True
    except tk.ValidationError as error:
        summary["errors"].append({"dataset": dataset.get("name"), "errors": error.error_dict})
        return False


def _links(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in dataset.get("resources") or [] if not r.get("file")]


def _upload(user: str, dataset_name: str, resource: dict[str, Any], files: Path | None) -> None:
    if files is None:
        raise ValueError(f"{resource['file']}: give load_catalog the folder of the files")
    path = files / resource["file"]
    with path.open("rb") as content:
        tk.get_action("resource_create")(_context(user), dict(
            {k: v for k, v in resource.items() if k != "file"}, package_id=dataset_name,
            upload=FileStorage(content, filename=path.name,
                               content_type=mimetypes.guess_type(path.name)[0] or "text/csv")))
