"""Registered upstreams (issue 16 item 3): gated data that stays at the department.

The department types the address of its server in the resource form (``upstream_url``); it
is taken out of the resource before anything else sees the dict (:func:`take_addresses`, run
first by the chained ``package_create``/``package_update``), kept in ``dongchang_upstream``
in the same transaction as the entry and never put back: the resource says only
``url_type: dongchang_upstream`` and its ``url`` is the portal's own download route
(:func:`show_as_portal_route`). Not even the department sees the address again (not its host
either: an internal host name is itself part of the department's network layout); the form
says an address is registered and a new one typed replaces it.

A download of such a file (:func:`serve`) is decided exactly as CKAN decides an upload's —
``resource_show`` and ``package_show`` as the user, where ``access/enforcement`` checks the
grant and announces the delivery to the access log — and only then calls the upstream,
streaming its answer. An upstream that fails or times out gives a 502 page, never a traceback,
and never the address.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ckan.plugins.toolkit as tk
import flask
import requests
from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.dongchang.access.enforcement import DOWNLOAD_ENDPOINTS
from ckanext.dongchang.access.rules import doors
from ckanext.dongchang.delivery.model import Upstream
from ckanext.dongchang.kernel.messages import render

log = logging.getLogger(__name__)

ADDRESS_FIELD = "upstream_url"  # the resource form's field; never stored on the resource
_PENDING = "dongchang_upstream_addresses"  # in the action's context: {resource id: address}
_ROWS = "dongchang_upstream_rows"  # the rows registered for them, until the action ends
_NEW_IDS = "dongchang_upstream_new_ids"  # the resource ids given in this action
_CHUNK = 64 * 1024

__all__ = ["dongchang_upstream_address"]

upstream_blueprint = flask.Blueprint("dongchang_upstream", __name__)


# --- registering ------------------------------------------------------------------------------
def take_addresses(context: Context, data_dict: dict[str, Any]) -> None:
    """Move each resource's typed upstream address out of the dict into the context, keyed by
    the resource id (given one now if it is new), and mark the resource as an upstream. An
    invalid address stays for the schema to refuse on its field; a blank one is dropped."""
    resources = data_dict.get("resources")
    if not isinstance(resources, list):
        return
    for resource in resources:
        if isinstance(resource, dict):
            _take(context, resource)
    _register(context)


def _register(context: Context) -> None:
    """Keep the typed addresses in the action's own transaction: saved with the entry (or
    with its held revision), gone with a rollback. The rows are remembered so that a refused
    change can take them back (:func:`forget`)."""
    pending = context.get(_PENDING) or {}
    if not pending:
        return
    user = context.get("auth_user_obj")
    if not isinstance(user, model.User) and context.get("user"):
        user = model.User.get(context["user"])
    rows = context.setdefault(_ROWS, [])
    new_ids = context.get(_NEW_IDS) or set()
    registered_here = {row.resource_id: row for row in rows}
    for resource_id, address in pending.items():
        if resource_id in registered_here:  # asked again in the same action (resource_create)
            registered_here[resource_id].address = address
            continue
        row = Upstream(resource_id=resource_id, address=address,
                       registered_by=getattr(user, "id", None),
                       registered_at=dt.datetime.utcnow())
        if resource_id in new_ids:  # an id given just now has no row to replace: no lookup
            model.Session.add(row)
            rows.append(row)
        else:
            rows.append(model.Session.merge(row))


@contextmanager
def forgotten_if_refused(context: Context) -> Iterator[None]:
    """Around the save: a refused change (or any failure) registers nothing."""
    try:
        yield
    except Exception:
        forget(context)
        raise
    for key in (_ROWS, _PENDING, _NEW_IDS):
        context.pop(key, None)


def forget(context: Context) -> None:
    """A refused change registers nothing: its addresses leave the session unsaved."""
    for row in context.pop(_ROWS, None) or []:
        if row in model.Session:
            model.Session.expunge(row)
    context.pop(_PENDING, None)
    context.pop(_NEW_IDS, None)


def _take(context: Context, resource: dict[str, Any]) -> None:
    address = resource.get(ADDRESS_FIELD)
    if address is None or (isinstance(address, str) and not address.strip()):
        resource.pop(ADDRESS_FIELD, None)
    elif doors.upstream_address_valid(address):
        del resource[ADDRESS_FIELD]
        if not isinstance(resource.get("id"), str) or not resource["id"]:
            resource["id"] = str(uuid.uuid4())
            context.setdefault(_NEW_IDS, set()).add(resource["id"])
        context.setdefault(_PENDING, {})[resource["id"]] = address.strip()
        resource["url_type"] = doors.UPSTREAM
    if resource.get("url_type") == doors.UPSTREAM:
        resource["url"] = ""  # the download route is given on show, never stored
        resource.pop("upload", None)


def dongchang_upstream_address(key: FlattenKey, data: FlattenDataDict,
                               errors: FlattenErrorDict, context: Context) -> None:
    """The resource field ``upstream_url``: what reaches the schema is an address
    :func:`take_addresses` did not accept. It is refused on its field and never stored."""
    value = data.pop(key, None)
    if value is None or value is missing or (isinstance(value, str) and not value.strip()):
        raise StopOnError
    errors.setdefault(key, []).append(render(doors.UPSTREAM_ADDRESS, tk._))
    raise StopOnError


def is_registered(context: Context, resource_id: Any) -> bool:
    """An address was typed in this action or is already kept for the resource."""
    if not isinstance(resource_id, str) or not resource_id:
        return False
    if resource_id in (context.get(_PENDING) or {}):
        return True
    return model.Session.get(Upstream, resource_id) is not None


def discard(resource_ids: set[str]) -> None:
    """The registrations of held files that never became resources (a returned change: they
    were registered at hold time under the ids the files would have had) leave the session's
    transaction, so no stray address waits for a resource to take its id."""
    if resource_ids:
        model.Session.query(Upstream).filter(Upstream.resource_id.in_(resource_ids)).delete(
            synchronize_session=False)


def address_of(resource_id: str) -> str | None:
    row = model.Session.get(Upstream, resource_id)
    return row.address if row is not None else None


# --- showing ----------------------------------------------------------------------------------
def show_as_portal_route(resource: dict[str, Any]) -> None:
    """``before_resource_show``: an upstream file's ``url`` is the portal's download route,
    like an upload's (the enforcement then strips it for whoever may not use the file)."""
    resource.pop(ADDRESS_FIELD, None)
    if resource.get("url_type") != doors.UPSTREAM:
        return
    if resource.get("id") and resource.get("package_id"):
        resource["url"] = tk.h.url_for("dataset_resource.download", id=resource["package_id"],
                                       resource_id=resource["id"], qualified=True)


# --- serving ----------------------------------------------------------------------------------
@upstream_blueprint.before_app_request
def serve() -> Any:
    """Answer CKAN's download route for an upstream file (an upload is left to CKAN)."""
    if flask.request.endpoint not in DOWNLOAD_ENDPOINTS:
        return None
    args = flask.request.view_args or {}
    resource = model.Resource.get(str(args.get("resource_id") or ""))
    if resource is None or resource.url_type != doors.UPSTREAM:
        return None
    context: Context = {"user": tk.current_user.name, "auth_user_obj": tk.current_user}
    try:  # as CKAN's download view decides an upload's download
        shown = tk.get_action("resource_show")(context, {"id": resource.id})
        tk.get_action("package_show")(context, {"id": args.get("id")})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to download resource"))
    address = address_of(resource.id)
    if address is None:
        return tk.abort(404, tk._("No download is available"))
    return _relay(address, shown, args.get("filename"))


def _timeout() -> float:
    return float(tk.config.get("ckanext.dongchang.upstream_timeout") or 15)


def _relay(address: str, resource: dict[str, Any], filename: str | None) -> Any:
    """Stream the upstream's answer. No redirect is followed: the portal calls exactly the
    address the department registered, never one the upstream names."""
    try:
        answer = requests.get(address, stream=True, timeout=_timeout(), allow_redirects=False,
                              headers={"User-Agent": "ckanext-dongchang portal"})
    except requests.RequestException as error:
        log.warning("upstream of resource %s failed: %s", resource["id"],
                    type(error).__name__)
        return _failed()
    if answer.status_code != 200:
        log.warning("upstream of resource %s answered %s", resource["id"], answer.status_code)
        answer.close()
        return _failed()
    headers = {"Content-Type": answer.headers.get("Content-Type")
               or resource.get("mimetype") or "application/octet-stream"}
    if answer.headers.get("Content-Length", "").isdigit():
        headers["Content-Length"] = answer.headers["Content-Length"]
    response = flask.Response(_chunks(answer), status=200, headers=headers,
                              direct_passthrough=True)
    response.headers.set("Content-Disposition", "attachment",
                         filename=filename or resource.get("name") or resource["id"])
    return response


def _chunks(answer: requests.Response) -> Iterator[bytes]:
    try:
        yield from answer.iter_content(_CHUNK)
    finally:
        answer.close()


def _failed() -> Any:
    return tk.abort(502, tk._(
        "The department's server that holds this data did not answer. Nothing was"
        " delivered; please try again later."))
