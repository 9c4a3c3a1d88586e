"""Tabular data as an API (issue 16 item 4): CKAN's DataStore, behind each file's audience.

CKAN lets anyone who may see a resource's metadata read its DataStore table. Here a gated
file's table answers only those who may use the file (``FileAccess.uses``: its department, the
Bureau, a grantee whose grant covers it); someone who may know of the file is refused (403),
anyone else is told it does not exist (404), as ``resource_show`` does. Writes are the owner
department's (and xloader's job, which runs as the site user). Every call that lets gated rows
through is announced with ``gated_file_served`` (channel ``api``) and logged with its row count;
a grant's calls may be limited per day and its rows per call (``rules.Limits``).

Registered only when the ``datastore`` plugin is loaded (CKAN refuses a chained auth function
whose original does not exist).
"""
from __future__ import annotations

import contextvars
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import flask
import sqlalchemy as sa
from ckan import model
from ckan.plugins import plugin_loaded
from ckan.types import Action, AuthFunction, AuthResult, Context, DataDict
from werkzeug.datastructures import ImmutableMultiDict

from ckanext.dongchang.access import enforcement
from ckanext.dongchang.access.rules import visibility
from ckanext.dongchang.delivery import rules
from ckanext.dongchang.delivery.model import CHANNEL_API, AccessLogEntry
from ckanext.dongchang.kernel.chains import chained_read, refusing_first

READS = ("datastore_search", "datastore_info", "xloader_status")
WRITES = ("datastore_create", "datastore_upsert", "datastore_delete",
          "datastore_records_delete", "xloader_submit")
_QUOTA = "dongchang_quota_exceeded"


def _resource_of(data_dict: DataDict | None) -> model.Resource | None:
    """The file a call names: by id (``datastore_info`` passes the real id as ``id``), or
    through a DataStore alias, which names the same table."""
    data_dict = data_dict or {}
    names = [data_dict.get(key) for key in ("id", "resource_id")]
    names = [name for name in names if isinstance(name, str) and name]
    for name in names:
        resource = model.Resource.get(name)
        if resource is not None:
            return resource if resource.state == "active" else None
    for name in names:
        real_id = _aliased(name)
        if real_id:
            resource = model.Resource.get(real_id)
            return resource if resource is not None and resource.state == "active" else None
    return None


def _aliased(name: str) -> str | None:
    from ckanext.datastore.backend import DatastoreBackend

    try:
        exists, real_id = DatastoreBackend.get_active_backend().resource_id_from_alias(name)
    except Exception:  # noqa: BLE001 - no DataStore (plugin off): nothing is aliased
        return None
    return real_id if exists else None


def read_refusal(context: Context, data_dict: DataDict | None) -> AuthResult | None:
    """None when the viewer may read the table's rows; a refusal (403) when the viewer may know
    of the file but not use it; ``ObjectNotFound`` when the viewer may not know of it."""
    resource = _resource_of(data_dict)
    if resource is None:
        return None  # not a resource (an alias, a missing table): CKAN's own check decides
    access = enforcement.entry_file_access(context, resource.package_id)
    declared = enforcement.declared_audience(resource)
    if access is not None and (access.everything or access.uses(resource.id, declared)):
        return None
    if access is None or not access.lists(resource.id, declared):
        raise tk.ObjectNotFound(tk._("Not found"))
    return {"success": False, "msg": tk._(
        "This data is not open to you. Conditionally open data can be requested from the"
        " dataset page.")}


def write_refusal(context: Context, data_dict: DataDict | None) -> AuthResult | None:
    """Only the entry's own department (and sysadmins: xloader's job runs as the site user)
    writes a table; the Bureau and grantees read."""
    resource = _resource_of(data_dict)
    if resource is None:
        return None
    user = context.get("auth_user_obj") or model.User.get(str(context.get("user") or ""))
    if isinstance(user, model.User) and user.sysadmin:
        return None
    access = enforcement.entry_file_access(context, resource.package_id)
    if access is not None and visibility.OWNER in access.viewer:
        return None
    return {"success": False, "msg": tk._(
        "Only the department that owns this dataset may change its data.")}


def _chained(name: str, refusal: Any) -> AuthFunction:
    auth = refusing_first(name, refusal)
    if name in READS:
        auth = tk.auth_allow_anonymous_access(auth)
    return auth


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search_sql(next_auth: AuthFunction, context: Context,
                         data_dict: DataDict | None = None) -> AuthResult:
    """Off on this site (``ckan.datastore.sqlsearch.enabled = false``); should a site turn it
    on, a query still reaches no table whose file the caller may not use."""
    for name in context.get("table_names") or ():
        try:
            refusal = read_refusal(dict(context), {"resource_id": name})
        except tk.ObjectNotFound:
            refusal = {"success": False, "msg": tk._("Not found")}
        if refusal:
            return refusal
    return next_auth(context, data_dict)


def auth_functions() -> dict[str, Any]:
    """The chains for the DataStore (and xloader) functions that are loaded."""
    chains: dict[str, Any] = {}
    if plugin_loaded("datastore"):
        chains.update({name: _chained(name, read_refusal) for name in READS[:2]})
        chains.update({name: _chained(name, write_refusal) for name in WRITES[:4]})
        chains["datastore_search_sql"] = datastore_search_sql
    if plugin_loaded("xloader"):
        chains["xloader_status"] = _chained("xloader_status", read_refusal)
        chains["xloader_submit"] = _chained("xloader_submit", write_refusal)
    return chains


# --- the call itself: limits and the log ---------------------------------------------------------
class QuotaExceeded(tk.NotAuthorized):
    """A grant over its daily calls: refused, and answered 429 with when it resets
    (``answer_quota`` rewrites CKAN's 403)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def limits() -> rules.Limits:
    return rules.Limits(
        calls_per_day=tk.config.get("ckanext.dongchang.datastore_calls_per_day") or 0,
        rows_per_call=tk.config.get("ckanext.dongchang.datastore_rows_per_call") or 0)


def _calls_today(request_id: str, now: dt.datetime) -> tuple[int, dt.datetime]:
    start, end = rules.beijing_day_bounds(now)
    log = AccessLogEntry.__table__
    count = model.Session.execute(
        sa.select(sa.func.count()).select_from(log).where(
            log.c.request_id == request_id, log.c.channel == CHANNEL_API,
            log.c.occurred_at >= start, log.c.occurred_at < end)).scalar_one()
    return int(count), end


def _check_calls(request_id: str, current: rules.Limits) -> None:
    if rules.calls_left(current, 0) is None:
        return  # no daily limit: no count to take
    now = dt.datetime.utcnow()
    calls, reset = _calls_today(request_id, now)
    if rules.calls_left(current, calls) != 0:
        return
    retry_after = rules.seconds_until(reset, now)
    message = tk._("This grant has used its %(calls)s DataStore calls for today. The count"
                   " resets at %(reset)s.", calls=current.calls_per_day,
                   reset=rules.beijing_time(reset))
    if flask.has_request_context():
        flask.g.setdefault(_QUOTA, retry_after)
    raise QuotaExceeded(message, retry_after)


def _served_rows(result: dict[str, Any]) -> int:
    records = result.get("records")
    if hasattr(records, "encoded_json"):  # the DataStore's raw JSON (LazyJSONObject)
        records = json.loads(records.encoded_json)
    if isinstance(records, list):
        return len(records)
    if isinstance(records, str):  # records_format csv/tsv
        return len(records.splitlines())
    return 0


def _gated_use(context: Context, data_dict: DataDict) -> tuple[model.Resource, str | None] | None:
    """The resource and the covering grant (None for insiders) when this call reads gated
    data; None for public data and for the portal's own calls."""
    if context.get("ignore_auth") and not context.get("user"):
        return None
    resource = _resource_of(data_dict)
    if resource is None:
        return None
    access = enforcement.entry_file_access(context, resource.package_id)
    declared = enforcement.declared_audience(resource)
    if access is None or access.public(declared):
        return None
    if not (access.everything or access.uses(resource.id, declared)):
        return None  # CKAN's auth refuses it
    return resource, access.grant_for(resource.id, declared)


@chained_read
def datastore_search(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    gated = _gated_use(context, data_dict)
    if gated is None:
        return up_func(context, data_dict)
    resource, request_id = gated
    dump = _dump_in_progress()
    if dump is not None and dump.resource_id == resource.id:
        result = up_func(context, data_dict)  # a page of a dump, judged once (guard_dump)
        dump.rows += _served_rows(result)
        return result
    if request_id:
        current = limits()
        _check_calls(request_id, current)
        asked = data_dict.get("limit")
        data_dict = dict(data_dict, limit=rules.rows_allowed(
            current, _as_int(asked), int(tk.config.get("ckan.datastore.search.rows_default")
                                          or 100)))
    result = up_func(context, data_dict)
    enforcement.gated_file_served.send(
        None, dataset_id=resource.package_id, resource_id=resource.id, request_id=request_id,
        channel=CHANNEL_API, rows=_served_rows(result))
    return result


def _as_int(value: Any) -> int | None:
    try:
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None  # the DataStore's schema names the field


def actions() -> dict[str, Any]:
    return {"datastore_search": datastore_search} if plugin_loaded("datastore") else {}


def answer_quota(response: flask.Response) -> flask.Response:
    """CKAN's API answers any NotAuthorized with 403: a call over its quota is 429, with
    Retry-After (seconds) and the message saying when the count resets."""
    retry_after = flask.g.pop(_QUOTA, None)
    if retry_after is not None and response.status_code == 403:
        response.status_code = 429
        response.headers["Retry-After"] = str(retry_after)
    return response


DUMP_ENDPOINT = "datastore.dump"
_DUMP = "dongchang_dump"  # flask.g: the gated dump this request serves
# The dump being streamed: CKAN pages through ``datastore_search`` while the response leaves,
# after the request context is gone; its pages find the dump here.
_STREAMING: contextvars.ContextVar[Dump | None] = contextvars.ContextVar(
    "dongchang_dump_streaming", default=None)


@dataclass
class Dump:
    """One dump of gated data: one call, one access-log row written when the stream ends,
    with the rows and bytes actually served."""

    resource_id: str
    dataset_id: str
    request_id: str | None
    user_id: str | None
    client_address: str | None
    occurred_at: dt.datetime
    rows_cap: int | None = None
    rows: int = 0
    bytes: int = 0


def _dump_in_progress() -> Dump | None:
    dump = _STREAMING.get()
    if dump is None and flask.has_request_context():
        dump = flask.g.get(_DUMP)
    return dump


def guard_dump() -> Any:
    """``/datastore/dump/<id>`` streams a whole table. On gated data it is one call: refused
    (404, as the dump answers for a missing table) to whoever may not use the file; for a
    grant, counted against its calls per day (429 when over) and capped at its rows per call
    (the ``limit`` lowered, as ``datastore_search`` lowers it)."""
    if flask.request.endpoint != DUMP_ENDPOINT:
        return None
    context: Context = {"user": tk.current_user.name if tk.current_user.is_authenticated
                        else ""}
    data_dict = {"resource_id": (flask.request.view_args or {}).get("resource_id")}
    try:
        refused = read_refusal(context, data_dict)
    except tk.ObjectNotFound:
        refused = True
    if refused:
        return tk.abort(404, tk._("DataStore resource not found"))
    gated = _gated_use(context, data_dict)
    if gated is None:
        return None
    resource, request_id = gated
    cap = None
    if request_id:
        current = limits()
        try:
            _check_calls(request_id, current)
        except QuotaExceeded as error:
            flask.g.pop(_QUOTA, None)
            return _quota_response(error)
        cap = _cap_dump_limit(current)
    flask.g.setdefault(_DUMP, Dump(
        resource_id=resource.id, dataset_id=resource.package_id, request_id=request_id,
        user_id=tk.current_user.id if tk.current_user.is_authenticated else None,
        client_address=flask.request.remote_addr, occurred_at=dt.datetime.utcnow(),
        rows_cap=cap))
    return None


def _cap_dump_limit(current: rules.Limits) -> int | None:
    """Lower the dump's ``limit`` to the grant's rows per call; the cap, or None."""
    args = flask.request.args
    asked = _as_int(args.get("limit"))
    allowed = rules.dump_rows(current, asked)
    if allowed is None:
        return None
    if allowed != asked:
        flask.request.args = ImmutableMultiDict(  # type: ignore[misc]
            [*((key, value) for key, value in args.items(multi=True) if key != "limit"),
             ("limit", str(allowed))])
    return current.rows_per_call


def finish_dump(response: flask.Response) -> flask.Response:
    """A gated dump that starts (200) is logged once its stream ends; a capped one says its
    cap and, when it filled it, where the next part is."""
    dump = flask.g.pop(_DUMP, None)
    if dump is None or response.status_code != 200:
        return response
    if dump.rows_cap:
        response.headers["X-Dongchang-Rows-Per-Call"] = str(dump.rows_cap)
        if dump.rows >= dump.rows_cap:
            params = flask.request.args.to_dict()
            params["offset"] = str((_as_int(params.get("offset")) or 0) + dump.rows)
            response.headers["Link"] = '<{}>; rel="next"'.format(tk.h.url_for(
                DUMP_ENDPOINT, resource_id=dump.resource_id, **params))
    response.response = _logged_stream(response.response, dump)
    return response


def _logged_stream(chunks: Iterable[Any], dump: Dump) -> Iterator[Any]:
    """The dump's chunks as they leave; the later pages count their rows into ``dump``; at the
    end (or when the client goes away) one access-log row with what was served."""
    _STREAMING.set(dump)
    try:
        for chunk in chunks:
            dump.bytes += len(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            yield chunk
    finally:
        _STREAMING.set(None)
        with model.meta.engine.begin() as connection:
            connection.execute(sa.insert(AccessLogEntry.__table__), [{
                "occurred_at": dump.occurred_at, "user_id": dump.user_id,
                "request_id": dump.request_id, "dataset_id": dump.dataset_id,
                "resource_id": dump.resource_id, "channel": CHANNEL_API, "bytes": dump.bytes,
                "rows": dump.rows, "client_address": dump.client_address}])


def _quota_response(error: QuotaExceeded) -> flask.Response:
    response = flask.jsonify({"success": False, "error": {
        "__type": "Quota Exceeded", "message": str(error)}})
    response.status_code = 429
    response.headers["Retry-After"] = str(error.retry_after)
    return response
