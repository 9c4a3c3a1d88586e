"""Which files a request asks for and a grant covers (issue 16 item 2).

An open request is for the entry's open version, a share request for its shared version
(``visibility.grantable_files``); the applicant may name some of them, the approver sees them
and may narrow the choice, and the grant records exactly the resources it covers. Whether a
grant still gives a file is decided on every request (``access.enforcement``): a file
relabelled since no longer counts.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.dongchang.access.rules import visibility
from ckanext.dongchang.requests.model import AccessRequest

AUDIENCE_FIELD = "audience"


def _files(dataset: model.Package) -> list[tuple[str, Any]]:
    """The entry's active files in their order, with their declared audience."""
    return [(resource.id, (resource.extras or {}).get(AUDIENCE_FIELD))
            for resource in dataset.resources]


def grantable(dataset: model.Package, kind: str) -> list[str]:
    """Ids of the files a request of ``kind`` on ``dataset`` may cover."""
    extras = dataset.extras or {}
    return visibility.grantable_files(kind, _files(dataset), extras.get("share_class"),
                                      extras.get("open_class"))


def _outside(dataset: model.Package, kind: str, resource_ids: list[str]) -> list[str]:
    allowed = set(grantable(dataset, kind))
    return [resource_id for resource_id in resource_ids if resource_id not in allowed]


def requested(dataset: model.Package, kind: str, resource_ids: list[str]) -> list[str]:
    """The files an applicant names (none: all the kind covers). Files of another version
    answer like files that do not exist: an applicant never learns of a file not for them."""
    resource_ids = list(dict.fromkeys(resource_ids))
    outside = _outside(dataset, kind, resource_ids)
    if outside:
        raise tk.ValidationError({"resource_ids": [tk._(
            "These files cannot be requested with this request: %(ids)s") % {
            "ids": ", ".join(outside)}]})
    return resource_ids


def covered_on_approval(request: AccessRequest, resource_ids: list[str] | None) -> list[str]:
    """The resources the grant will cover, exactly: the approver's choice (which must be of
    the request's version), else what the applicant asked for that is still of it, else every
    file of that version."""
    dataset = model.Package.get(request.dataset_id)
    if resource_ids is None:
        allowed = grantable(dataset, request.request_kind)
        asked = [r for r in request.resource_ids or [] if r in allowed]
        return asked if request.resource_ids else allowed
    resource_ids = list(dict.fromkeys(resource_ids))
    outside = _outside(dataset, request.request_kind, resource_ids)
    if outside:
        message = (tk._("An open request covers only the entry's open files (marked ‘open’);"
                        " these are not: %(ids)s") if request.request_kind == "open" else
                   tk._("A share request covers only the entry's shared files (marked"
                        " ‘shared’); these are not: %(ids)s"))
        raise tk.ValidationError({"resource_ids": [message % {"ids": ", ".join(outside)}]})
    return resource_ids


def files_of(request: AccessRequest) -> list[dict[str, Any]]:
    """The files of the request's version, as its page shows them to the applicant and the
    department: each with ``covered`` (the grant, or the application, names it)."""
    dataset = model.Package.get(request.dataset_id)
    if dataset is None:
        return []
    names = {resource.id: resource for resource in dataset.resources}
    files = grantable(dataset, request.request_kind)
    pending_for_all = request.state in ("submitted", "returned") and not request.resource_ids
    chosen = set(files if pending_for_all else request.resource_ids or ())
    return [{"id": resource_id, "name": names[resource_id].name or resource_id,
             "format": names[resource_id].format or "",
             "covered": resource_id in chosen}
            for resource_id in files]
