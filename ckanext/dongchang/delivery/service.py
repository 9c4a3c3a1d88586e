"""Writing and reading the access log (issue 16 items 5 and 6).

A gated file is delivered by CKAN's own download route, which runs ``resource_show``; our
chained ``resource_show`` (``access/enforcement``) decides and, when it lets gated data through,
sends ``gated_file_served``. What it announces is kept for the request and written once the
response is known to have succeeded (a refused or failed download is not a delivery), in a
transaction of its own, so a page's rollback cannot lose it and it cannot commit a page's
half-done work.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
import flask
import sqlalchemy as sa
from ckan import model

from ckanext.dongchang.access import audience
from ckanext.dongchang.access.enforcement import DOWNLOAD_ENDPOINTS
from ckanext.dongchang.delivery.model import CHANNEL_DOWNLOAD, AccessLogEntry

_PENDING = "dongchang_pending_delivery"


def note_served(_sender: Any, **delivery: Any) -> None:
    """``gated_file_served`` listener: remember the delivery until the response is out."""
    if flask.has_request_context():
        flask.g.setdefault(_PENDING, []).append(delivery)


def record_deliveries(response: flask.Response) -> flask.Response:
    """After a download: one log row per gated file it delivered, if it succeeded."""
    pending = flask.g.pop(_PENDING, None)
    if not pending or response.status_code >= 400 \
            or flask.request.endpoint not in DOWNLOAD_ENDPOINTS:
        return response
    user = tk.current_user.id if tk.current_user.is_authenticated else None
    rows = [{"occurred_at": dt.datetime.utcnow(), "user_id": user,
             "request_id": delivery.get("request_id"), "dataset_id": delivery["dataset_id"],
             "resource_id": delivery["resource_id"], "channel": CHANNEL_DOWNLOAD,
             "bytes": response.content_length if response.status_code == 200 else None,
             "rows": None, "client_address": flask.request.remote_addr}
            for delivery in _unique(pending)]
    with model.meta.engine.begin() as connection:
        connection.execute(sa.insert(AccessLogEntry.__table__), rows)
    return response


def _unique(pending: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CKAN may read the resource more than once per download: one row per file."""
    return list({delivery["resource_id"]: delivery for delivery in pending}.values())


def purge_older_than(days: int) -> int:
    """Delete the rows older than ``days`` (retention); the only DELETE the table lets pass.
    Returns how many rows went."""
    cutoff = dt.datetime.utcnow() - dt.timedelta(days=days)
    with model.meta.engine.begin() as connection:
        connection.execute(sa.text("select set_config('dongchang.access_log_purge_before',"
                                   " :cutoff, true)"), {"cutoff": cutoff.isoformat()})
        result = connection.execute(sa.delete(AccessLogEntry.__table__)
                                    .where(AccessLogEntry.occurred_at < cutoff))
        return result.rowcount


# --- reading ------------------------------------------------------------------------------------
def user_id(name_or_id: str) -> str | None:
    user = model.User.get(name_or_id)
    return user.id if user is not None else None


def entries(scope: audience.Memberships, filters: dict[str, Any], page: int,
            limit: int) -> dict[str, Any]:
    """One page of the rows ``scope`` may see, newest first, with the entry and file names."""
    query = _visible(model.Session.query(AccessLogEntry), scope)
    for column in ("dataset_id", "request_id", "user_id"):
        if filters.get(column):
            query = query.filter(getattr(AccessLogEntry, column) == filters[column])
    count = query.count()
    rows = (query.order_by(AccessLogEntry.occurred_at.desc(), AccessLogEntry.id.desc())
            .offset((page - 1) * limit).limit(limit).all())
    return {"count": count, "page": page, "limit": limit, "results": _described(rows)}


def _visible(query: Any, scope: audience.Memberships) -> Any:
    """The Bureau sees every row; a department the use of its own entries; everyone their own
    use (Art. 25 ¶4: the Bureau follows use under the agreement)."""
    if scope.is_bureau:
        return query
    own_data = sa.select(model.Package.id).where(model.Package.owner_org.in_(scope.org_ids))
    return query.filter(sa.or_(AccessLogEntry.user_id == scope.user_id,
                               AccessLogEntry.dataset_id.in_(own_data)))


def _described(rows: list[AccessLogEntry]) -> list[dict[str, Any]]:
    """Each row with the names a person reads: entry, file and user (three queries a page)."""
    datasets = _lookup(model.Package.id, model.Package.name, model.Package.title,
                       {row.dataset_id for row in rows})
    files = _lookup(model.Resource.id, model.Resource.id, model.Resource.name,
                    {row.resource_id for row in rows})
    users = _lookup(model.User.id, model.User.name, model.User.fullname,
                    {row.user_id for row in rows if row.user_id})
    described = []
    for row in rows:
        dataset_name, dataset_title = datasets.get(row.dataset_id, ("", ""))
        user_name, user_display_name = users.get(row.user_id, ("", ""))
        described.append(dict(row.as_dict(), dataset_name=dataset_name,
                              dataset_title=dataset_title,
                              resource_name=files.get(row.resource_id, ("", ""))[1],
                              user_name=user_name, user_display_name=user_display_name))
    return described


def _lookup(key: Any, name: Any, title: Any, ids: set[str]) -> dict[str, tuple[str, str]]:
    """``{id: (name, title or name)}`` for the given ids, in one query."""
    if not ids:
        return {}
    return {row[0]: (row[1] or "", row[2] or row[1] or "")
            for row in model.Session.query(key, name, title).filter(key.in_(ids))}


def use_counts() -> dict[str, dict[str, int]]:
    """Deliveries from the log per entry, per department (owner of the entry) and per grant
    (issue 16 item 6: utilisation from use, not from grants)."""
    log = AccessLogEntry.__table__
    per_entry = dict(model.Session.execute(
        sa.select(log.c.dataset_id, sa.func.count()).group_by(log.c.dataset_id)).all())
    per_grant = dict(model.Session.execute(
        sa.select(log.c.request_id, sa.func.count()).where(log.c.request_id.isnot(None))
        .group_by(log.c.request_id)).all())
    per_department = dict(model.Session.execute(
        sa.select(model.Package.owner_org, sa.func.count())
        .select_from(log.join(model.Package.__table__, model.Package.id == log.c.dataset_id))
        .group_by(model.Package.owner_org)).all())
    return {"entries": per_entry, "departments": per_department, "grants": per_grant}
