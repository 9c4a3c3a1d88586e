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
from ckanext.dongchang.delivery import copies, fingerprint
from ckanext.dongchang.delivery.model import CHANNEL_API, CHANNEL_DOWNLOAD, AccessLogEntry

_PENDING = "dongchang_pending_delivery"


def note_served(_sender: Any, **delivery: Any) -> None:
    """``gated_file_served`` listener: remember the delivery until the response is out."""
    if flask.has_request_context():
        flask.g.setdefault(_PENDING, []).append(delivery)


def record_deliveries(response: flask.Response) -> flask.Response:
    """After a download: the grantee's own copy of a gated table (item 7), then one log row
    per gated file it delivered, if it succeeded."""
    pending = flask.g.pop(_PENDING, None)
    if not pending or response.status_code >= 400 or _is_site_user():
        return response
    calls = [d for d in pending if d.get("channel") == CHANNEL_API]
    pending = [d for d in pending if d.get("channel", CHANNEL_DOWNLOAD) == CHANNEL_DOWNLOAD]
    if flask.request.endpoint not in DOWNLOAD_ENDPOINTS:
        pending = []
    if response.status_code == 200 and len(pending) == 1 and pending[0].get("request_id"):
        _mark_copy(response, pending[0])
    user = tk.current_user.id if tk.current_user.is_authenticated else None
    rows = [{"occurred_at": dt.datetime.utcnow(), "user_id": user,
             "request_id": delivery.get("request_id"), "dataset_id": delivery["dataset_id"],
             "resource_id": delivery["resource_id"], "channel": CHANNEL_DOWNLOAD,
             "bytes": response.content_length if response.status_code == 200 else None,
             "rows": None, "client_address": flask.request.remote_addr}
            for delivery in _unique(pending)]
    rows += [dict(row, user_id=user, client_address=flask.request.remote_addr)
             for row in _calls(calls)]
    if not rows:
        return response
    with model.meta.engine.begin() as connection:
        connection.execute(sa.insert(AccessLogEntry.__table__), rows)
    return response


def _mark_copy(response: flask.Response, delivery: dict[str, Any]) -> None:
    """Serve an uploaded CSV in the grant's own row order (``fingerprint``), so a leaked copy
    names the grant it came from; the copy is made once per grant and version of the file
    (``copies``). Other files go out as they are."""
    resource_id, request_id = delivery["resource_id"], delivery["request_id"]

    def make(path: str) -> bytes | None:
        lines = _read_lines(path)
        if lines is None:
            return None
        copy = fingerprint.marked(lines, _order_key(request_id, resource_id))
        return "\n".join(copy).encode("utf-8") + b"\n"

    content = copies.marked_copy(resource_id, request_id, make)
    if content is None:
        return
    original = response.response
    response.direct_passthrough = False
    response.set_data(content)
    if hasattr(original, "close"):  # the stored file CKAN opened to stream
        original.close()


def _order_key(request_id: str, resource_id: str) -> bytes:
    return fingerprint.order_key(str(tk.config.get("SECRET_KEY") or ""), request_id, resource_id)


def original_lines(resource_id: str) -> list[str] | None:
    """The lines of an uploaded CSV file as stored in the FileStore; None for anything else."""
    path = copies.stored_file(resource_id)
    return None if path is None else _read_lines(path)


def _read_lines(path: str) -> list[str] | None:
    try:
        with open(path, encoding="utf-8-sig") as stored:
            return stored.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return None


def trace_copy(content: str) -> dict[str, Any] | None:
    """The grant a leaked copy came from: the logged file whose rows it shares most, then the
    grant (among those that received that file) whose order it follows best; None when it
    matches no delivered file."""
    leaked = content.lstrip("\ufeff").splitlines()
    log = AccessLogEntry.__table__
    delivered = model.Session.execute(
        sa.select(log.c.resource_id, log.c.request_id, log.c.dataset_id)
        .where(log.c.request_id.isnot(None)).distinct()).all()
    grants_by_file: dict[str, set[str]] = {}
    datasets: dict[str, str] = {}
    for row in delivered:
        grants_by_file.setdefault(row.resource_id, set()).add(row.request_id)
        datasets[row.resource_id] = row.dataset_id
    best, best_shared, original = None, 1, None
    for resource_id in grants_by_file:
        lines = original_lines(resource_id)
        shared = len(set(lines or ()) & set(leaked[1:]))
        if lines is not None and shared > best_shared:
            best, best_shared, original = resource_id, shared, lines
    if best is None or original is None:
        return None
    ranking = fingerprint.trace(original, leaked, {
        grant: _order_key(grant, best) for grant in sorted(grants_by_file[best])})
    return {"resource_id": best, "dataset_id": datasets[best], "request_id": ranking[0][0],
            "agreement": ranking[0][1], "rows_matched": best_shared,
            "candidates": [{"request_id": grant, "agreement": score}
                           for grant, score in ranking]}


def _is_site_user() -> bool:
    """CKAN's site user (named after ``ckan.site_id``) is the portal itself, e.g. xloader's job
    fetching an upload to load it into the DataStore: no delivery to anyone."""
    return bool(tk.current_user.is_authenticated
                and tk.current_user.name == tk.config.get("ckan.site_id"))


def _calls(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """DataStore calls of one request (one API call; a dump pages through several searches):
    one row per table, with the rows served added up (None when not counted)."""
    by_resource: dict[str, dict[str, Any]] = {}
    for call in calls:
        row = by_resource.setdefault(call["resource_id"], {
            "occurred_at": dt.datetime.utcnow(), "request_id": call.get("request_id"),
            "dataset_id": call["dataset_id"], "resource_id": call["resource_id"],
            "channel": CHANNEL_API, "bytes": None, "rows": None})
        if call.get("rows") is not None:
            row["rows"] = (row["rows"] or 0) + call["rows"]
    return list(by_resource.values())


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


def entries(context: Any, filters: dict[str, Any], page: int, limit: int) -> dict[str, Any]:
    """One page of the rows the context's user may see, newest first, with the entry and file
    names."""
    scope = audience.memberships_for(context.get("auth_user_obj") or context.get("user"),
                                     context)
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


def use_summary() -> dict[str, Any]:
    """Deliveries counted from the log (issue 16 item 6: utilisation from use, not from
    grants): in total, per entry and per department (the entry's owner), most used first, and
    per grant (``{request id: deliveries}``)."""
    log = AccessLogEntry.__table__
    package = model.Package.__table__
    per_entry = model.Session.execute(
        sa.select(package.c.id, package.c.name, package.c.title, package.c.owner_org,
                  sa.func.count().label("deliveries"))
        .select_from(log.join(package, package.c.id == log.c.dataset_id))
        .group_by(package.c.id).order_by(sa.desc("deliveries"), package.c.title)).all()
    departments: dict[str, int] = {}
    for row in per_entry:
        departments[row.owner_org] = departments.get(row.owner_org, 0) + row.deliveries
    titles = _lookup(model.Group.id, model.Group.name, model.Group.title, set(departments))
    per_grant = model.Session.execute(
        sa.select(log.c.request_id, sa.func.count()).where(log.c.request_id.isnot(None))
        .group_by(log.c.request_id)).all()
    return {
        "deliveries": sum(departments.values()),
        "entries": [{"dataset_id": row.id, "name": row.name, "title": row.title,
                     "deliveries": row.deliveries} for row in per_entry],
        "departments": sorted(
            ({"org_id": org, "title": titles.get(org, ("", ""))[1], "deliveries": count}
             for org, count in departments.items()), key=lambda d: (-d["deliveries"], d["title"])),
        "grants": dict(per_grant),
    }
