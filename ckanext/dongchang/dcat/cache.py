"""Rendered DCAT documents for anonymous visitors, kept in Redis (issue 20 item 1).

Harvesters walk the whole catalog again and again; rendering a page of 100 entries as RDF
costs seconds. What an anonymous visitor gets from ``/catalog.<format>`` and
``/dataset/<id>.<format>`` depends only on the public catalog, so it is rendered once per
**catalog generation** and answered from Redis after that, with ``ETag`` and
``Last-Modified`` (and ``304 Not Modified`` to a conditional request).

* **Only anonymous answers** enter the cache or come out of it: a request with a logged-in
  user or an ``Authorization`` header is rendered as always. Anonymous answers carry nothing
  gated, so nothing gated can enter the cache; the leak sweep checks it does not.
* **Generation.** One Redis counter per site; every entry created, updated or deleted, every
  purge, bulk visibility change and change to a department bumps it (``bump_generation``,
  from the plugin's ``IPackageController`` hooks and the ``action_succeeded`` signal).
  A change made inside a transaction bumps it when the transaction commits
  (``bump_after_commit``), once however many entries it saved: bumped before the commit, a
  page rendered in between, still without the change, would be kept under the new generation.
  The generation is part of every key, so an entry is never served after the generation it
  was rendered in, in any worker process. Entries also expire after
  ``ckanext.dongchang.dcat_cache_seconds`` (a backstop for changes made outside CKAN's
  actions, e.g. SQL).
* **Redis down**: documents are rendered uncached, the failure is logged once per outage, no
  request fails. A process that saw Redis fail bumps the generation when Redis answers again
  (a write it made meanwhile could not bump it).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

import ckan.plugins.toolkit as tk
import flask
import sqlalchemy as sa
from ckan import model
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

dcat_cache_blueprint = flask.Blueprint("dongchang_dcat_cache", __name__)

SECONDS_OPTION = "ckanext.dongchang.dcat_cache_seconds"
CACHED_ENDPOINTS = frozenset({"dcat.read_catalog", "dcat.read_dataset",
                              "dcat.read_dataset_series"})
# Only RDF is cached: with content negotiation ``/dataset/<id>`` may answer the HTML page.
RDF_MIMETYPES = frozenset({"text/turtle", "application/rdf+xml", "application/ld+json",
                           "text/n3", "application/n-triples", "application/n-quads",
                           "application/trig"})
# Actions that change what anonymous visitors see without an IPackageController hook:
# purges, bulk visibility changes, moves between departments, a department's own fields
# (its title is the publisher's name).
CHANGING_ACTIONS = frozenset({
    "dataset_purge", "bulk_update_private", "bulk_update_public", "bulk_update_delete",
    "package_owner_org_update", "organization_update", "organization_patch",
    "organization_delete", "organization_purge"})


class _Health:
    """Whether this process saw Redis fail (log once per outage, bump on recovery)."""

    down = False


def key(*parts: str) -> str:
    return ":".join((tk.config.get("ckan.site_id") or "default", "dongchang", "dcat", *parts))


def redis_failed(error: Exception) -> None:
    if not _Health.down:
        log.warning("DCAT cache off while Redis does not answer (%s); documents are rendered "
                    "uncached", error)
    _Health.down = True


def redis_client():
    """A Redis client, or None if Redis fails; after an outage, bump once on recovery."""
    try:
        client = connect_to_redis()
        if _Health.down:
            client.incr(key("generation"))
            _Health.down = False
            log.info("DCAT cache on again: Redis answers")
        return client
    except RedisError as error:
        redis_failed(error)
        return None


def bump_generation(*_args: Any, **_kwargs: Any) -> None:
    """The public catalog may have changed: every cached document is out of date."""
    try:
        connect_to_redis().incr(key("generation"))
    except RedisError as error:
        redis_failed(error)


def bump_after_commit() -> None:
    """The public catalog changes when the session's transaction commits: bump then, once
    (an import of a thousand rows bumps once). A rolled-back transaction leaves the mark for
    the session's next commit: one needless bump, never a missed one."""
    model.Session().info[_BUMP_ON_COMMIT] = True


def _bump_if_marked(session: Any) -> None:
    if session.info.pop(_BUMP_ON_COMMIT, False):
        bump_generation()


_BUMP_ON_COMMIT = "dongchang_dcat_bump_on_commit"  # in the session's ``info``
sa.event.listen(model.Session, "after_commit", _bump_if_marked)


def on_action_succeeded(sender: str, context: Any = None, **_kwargs: Any) -> None:
    """``action_succeeded`` receiver for the changes no ``IPackageController`` hook sees. An
    action run inside another's transaction (``defer_commit``, as ``package_create`` runs
    ``package_owner_org_update``) has not committed yet; any other has."""
    if sender not in CHANGING_ACTIONS:
        return
    if isinstance(context, dict) and context.get("defer_commit"):
        bump_after_commit()
    else:
        bump_generation()


def _anonymous() -> bool:
    if flask.request.headers.get("Authorization") or flask.request.headers.get(
            "X-CKAN-API-Key"):
        return False
    user = tk.current_user
    return user is None or bool(getattr(user, "is_anonymous", True))


def _enabled() -> bool:
    return tk.asint(tk.config.get(SECONDS_OPTION)) > 0


def _document_key(generation: str) -> str:
    """The generation, the path (format, id, locale), every query argument and the Accept
    header (content negotiation) name a document."""
    request = flask.request
    args = "&".join(f"{k}={v}" for k, v in sorted(request.args.items(multi=True)))
    digest = hashlib.sha256("\n".join(
        (request.path, args, request.headers.get("Accept", ""))).encode()).hexdigest()
    return key("doc", generation, digest)


@dcat_cache_blueprint.before_app_request
def answer_from_cache() -> flask.Response | None:
    if (flask.request.method != "GET" or flask.request.endpoint not in CACHED_ENDPOINTS
            or not _enabled() or not _anonymous()):
        return None
    client = redis_client()
    if client is None:
        return None
    try:
        generation = (client.get(key("generation")) or b"0").decode()
        document = _document_key(generation)
        cached = client.hgetall(document)
    except RedisError as error:
        redis_failed(error)
        return None
    if not cached:
        flask.g.dongchang_dcat_cache_key = document  # rendered now, kept by keep_in_cache
        return None
    response = flask.Response(cached[b"body"], mimetype=cached[b"mimetype"].decode())
    return _conditional(response, cached[b"etag"].decode(),
                        dt.datetime.fromtimestamp(float(cached[b"modified"]), dt.UTC))


@dcat_cache_blueprint.after_app_request
def keep_in_cache(response: flask.Response) -> flask.Response:
    document = flask.g.pop("dongchang_dcat_cache_key", None)
    if (document is None or response.status_code != 200 or response.mimetype not in RDF_MIMETYPES
            or response.direct_passthrough):
        return response
    body = response.get_data()
    etag = hashlib.sha256(body).hexdigest()[:32]
    modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        client = connect_to_redis()
        with client.pipeline() as pipe:
            pipe.hset(document, mapping={"body": body, "mimetype": response.mimetype, "etag": etag,
                                    "modified": modified.timestamp()})
            pipe.expire(document, tk.asint(tk.config.get(SECONDS_OPTION)))
            pipe.execute()
    except RedisError as error:
        redis_failed(error)
    return _conditional(response, etag, modified)


def _conditional(response: flask.Response, etag: str, modified: dt.datetime) -> flask.Response:
    response.set_etag(etag)
    response.last_modified = modified
    return response.make_conditional(flask.request)
