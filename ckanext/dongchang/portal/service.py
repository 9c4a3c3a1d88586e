"""The home page's figures, as the public sees the catalog: every count comes from an anonymous
search or the open lists, so no figure reveals an unpublished or private entry."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.dongchang.requests.model import AccessRequest

LATEST = 5
# A department's answer: approved (and since expired or revoked) or refused; not withdrawals.
DECIDED_STATES = ("approved", "expired", "revoked", "refused")


def _public() -> dict[str, Any]:
    return {"user": "", "auth_user_obj": None}


def _open_list_count(open_class: str) -> int:
    return tk.get_action("dongchang_open_list")(
        _public(), {"open_class": open_class, "limit": 1})["count"]


def _public_catalog() -> dict[str, Any]:
    """Published entries the public finds, the departments they come from, the newest few."""
    search = tk.get_action("package_search")(_public(), {
        "fq": "+dataset_type:dataset", "rows": LATEST, "sort": "metadata_modified desc",
        "facet.field": ["organization"], "facet.limit": -1})
    departments = (search.get("search_facets") or {}).get("organization", {}).get("items", [])
    latest = [{"name": e["name"], "title": e.get("title") or e["name"],
               "department": (e.get("organization") or {}).get("title") or "",
               "metadata_modified": e.get("metadata_modified")}
              for e in search["results"]]
    return {"entries": search["count"], "departments": len(departments), "latest": latest}


def requests_answered_on_time() -> dict[str, Any]:
    """Decided access requests, and how many were decided by their due date (Art. 25)."""
    decided = sa.and_(AccessRequest.decided_at.isnot(None),
                      AccessRequest.state.in_(DECIDED_STATES))
    on_time = sa.and_(decided, sa.func.date(AccessRequest.decided_at) <= AccessRequest.due_on)
    total, in_time = model.Session.query(
        sa.func.count().filter(decided), sa.func.count().filter(on_time)).one()
    return {"decided": total, "on_time": in_time,
            "ratio": round(in_time / total, 4) if total else None}


def figures() -> dict[str, Any]:
    catalog = _public_catalog()
    return {
        "entries": catalog["entries"],
        "entries_open": _open_list_count("unconditional"),
        "entries_conditional": _open_list_count("conditional"),
        "departments": catalog["departments"],
        "requests": requests_answered_on_time(),
        "latest": catalog["latest"],
    }
