"""Each entry's DCAT rendered once per version, and reused by every catalog page (issue 20).

A catalog page of 100 entries costs a second or more to render, nearly all of it in mapping
each entry to RDF (ckanext-dcat's profiles and ours) and in rdflib's Turtle serialiser. The
page cache (``cache.py``) keeps whole pages, but any change to the catalog makes every page
out of date, so a harvester's next walk rendered all entries again although one had changed.

Here each entry of an anonymous Turtle catalog page is rendered on its own (its own graph,
the same profiles) and kept in Redis under a **digest of everything its rendering reads**:
the entry as the page's search returned it, the profiles, the rendering code, the site's
configuration and the language. The page is its catalog part (the catalog, its list of
datasets, the paging links), rendered as always, followed by the entries' Turtle, from Redis
or rendered now. An entry that changed has another digest, so nothing has to be invalidated
and nothing out of date can be served, in any worker; a triple that several entries share
(a department's name, a theme's labels) is written once per entry, which parsers merge.

Limits, each on purpose:

* **anonymous callers only**, as the page cache: what they get is public, so nothing gated
  enters Redis; the share catalog and signed-in callers render as before;
* **Turtle only**, the format harvesters walk (ckanext-harvest's ``dcat_rdf`` default and the
  city platforms'); other formats render whole, as before;
* an entry whose DCAT reads **other entries** (a data product names its sources' titles:
  ``profile.reads_other_entries``) is rendered each time, since its own digest cannot tell
  when a source changed;
* if two entries' Turtle give one prefix different namespaces, or Redis does not answer,
  the page is rendered whole as before (Redis failures are logged once, ``cache.py``).

``ckanext.dongchang.dcat_entry_cache_seconds`` bounds how long an unused rendering stays.
``ckan dongchang dcat-warm`` renders every public entry ahead of the first walk (after a
deployment changed the code, every digest is new).
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
import flask
from rdflib import URIRef
from redis.exceptions import RedisError

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import DCAT
from ckanext.dcat.utils import dataset_uri, url_to_rdflib_format
from ckanext.dongchang.dcat import cache, profile

SECONDS_OPTION = "ckanext.dongchang.dcat_entry_cache_seconds"
TURTLE = "turtle"
# What the rendering of one entry may read from the configuration.
_CONFIG_PREFIXES = ("ckan.", "ckanext.", "scheming.")
_PREFIX_LINE = re.compile(r"@prefix ([\w.-]*): <([^>]*)> \.")


def serialize_catalog(serializer: RDFSerializer, entries: Sequence[dict[str, Any]],
                      rdf_format: str | None, paging: dict[str, Any],
                      anonymous: bool) -> str:
    """The catalog page ``serializer.serialize_catalog`` would write, from kept renderings of
    its entries where the limits above allow."""
    if anonymous and _usable(rdf_format):
        page = _assembled(serializer, entries, paging)
        if page is not None:
            return page
        serializer.g = type(serializer.g)()
    return serializer.serialize_catalog({}, entries, _format=rdf_format,
                                        pagination_info=paging)


def _usable(rdf_format: str | None) -> bool:
    return (url_to_rdflib_format(rdf_format or "xml") == TURTLE
            and tk.asint(tk.config.get(SECONDS_OPTION)) > 0)


def _assembled(serializer: RDFSerializer, entries: Sequence[dict[str, Any]],
               paging: dict[str, Any]) -> str | None:
    setting = _setting_digest(serializer)
    keys = [None if profile.reads_other_entries(entry) else _entry_key(setting, entry)
            for entry in entries]
    client = cache.redis_client()
    kept = _kept(client, [key for key in keys if key]) if client is not None else None
    if kept is None:
        return None
    texts, fresh = [], {}
    for entry, key in zip(entries, keys, strict=True):
        text = kept.get(key) if key else None
        if text is None:
            text = render_entry(serializer, entry)
            if key:
                fresh[key] = text
        texts.append(text)
    _keep(client, fresh)
    catalog = _catalog_part(serializer, entries, paging)
    return join_turtle([catalog, *texts])


def render_entry(serializer: RDFSerializer, entry: dict[str, Any]) -> str:
    """One entry's Turtle, written by the serializer's profiles into a graph of its own."""
    serializer.g = type(serializer.g)()
    serializer.graph_from_dataset(entry)
    return serializer.g.serialize(format=TURTLE)


def _catalog_part(serializer: RDFSerializer, entries: Sequence[dict[str, Any]],
                  paging: dict[str, Any]) -> str:
    """What ``serialize_catalog`` writes besides the entries: the catalog, which datasets it
    holds (or the source catalogs that do) and the paging links."""
    serializer.g = type(serializer.g)()
    catalog_ref = serializer.graph_from_catalog({})
    for entry in entries:
        dataset_ref = URIRef(dataset_uri(entry))
        if not serializer._add_source_catalog(catalog_ref, entry, dataset_ref):
            serializer.g.add((catalog_ref, DCAT.dataset, dataset_ref))
    if paging:
        serializer._add_pagination_triples(paging)
    return serializer.g.serialize(format=TURTLE)


def join_turtle(documents: Iterable[str]) -> str | None:
    """Turtle documents as one: their prefixes declared once, then their statements.

    None if two documents give one prefix different namespaces (rdflib names namespaces it
    was not told of ``ns1``, ``ns2`` … in the order it meets them). Blank node labels are
    rdflib's random ones, unique across documents.
    """
    prefixes: dict[str, str] = {}
    bodies = []
    for document in documents:
        lines = document.splitlines(keepends=True)
        start = 0
        for start, line in enumerate(lines):  # noqa: B007 (start is used after the loop)
            declared = _PREFIX_LINE.fullmatch(line.strip())
            if declared:
                if prefixes.setdefault(declared[1], declared[2]) != declared[2]:
                    return None
            elif line.strip():
                break
        else:
            start = len(lines)
        bodies.append("".join(lines[start:]).strip())
    header = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items())
    return header + "\n" + "\n\n".join(body for body in bodies if body) + "\n"


def _entry_key(setting: str, entry: dict[str, Any]) -> str:
    text = json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str)
    return cache.key("entry", hashlib.sha256((setting + text).encode()).hexdigest())


def _setting_digest(serializer: RDFSerializer) -> str:
    """Everything besides the entry that one entry's rendering reads: the profiles, their
    code, the configuration and the language of the request."""
    config = sorted((name, str(value)) for name, value in tk.config.items()
                    if name.startswith(_CONFIG_PREFIXES)
                    and isinstance(value, str | int | float | bool))
    language = tk.h.lang() if flask.has_request_context() else ""
    profiles = [f"{c.__module__}.{c.__qualname__}" for c in serializer._profiles]
    return hashlib.sha256(json.dumps(
        [_code_digest(), profiles, serializer.compatibility_mode, config, language]
    ).encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    """The rendering code: ckanext-dcat's version, our profile's modules and our scheming
    schemas (ckanext-dcat's profiles read the schema's fields); a deployment that changes any
    of them makes every kept rendering unused."""
    digest = hashlib.sha256(importlib.metadata.version("ckanext-dcat").encode())
    here = Path(__file__).resolve().parent
    for path in (*(here / name for name in ("profile.py", "vocabulary.py", "entry_cache.py")),
                 *sorted((here.parent / "schemas").glob("*.yaml"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _kept(client, keys: list[str]) -> dict[str, str] | None:
    """The kept renderings among ``keys``, each kept for another period from now (an entry
    nobody changes stays rendered while harvesters keep walking); None if Redis does not
    answer."""
    if not keys:
        return {}
    seconds = tk.asint(tk.config.get(SECONDS_OPTION))
    try:
        with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.getex(key, ex=seconds)
            values = pipe.execute()
    except RedisError as error:
        cache.redis_failed(error)
        return None
    return {key: value.decode() for key, value in zip(keys, values, strict=True)
            if value is not None}


def _keep(client, renderings: dict[str, str]) -> None:
    if not renderings:
        return
    seconds = tk.asint(tk.config.get(SECONDS_OPTION))
    try:
        with client.pipeline(transaction=False) as pipe:
            for key, text in renderings.items():
                pipe.set(key, text.encode(), ex=seconds)
            pipe.execute()
    except RedisError as error:
        cache.redis_failed(error)


def warm(get: Callable[[str], tuple[int, str]]) -> int:
    """Walk ``/catalog.ttl`` page by page as an anonymous harvester does, through ``get``
    (path -> status, body: the site's own WSGI stack), so every public entry is rendered and
    kept before the first real walk. Returns the number of pages walked."""
    page = 0
    while True:
        page += 1
        status, body = get(f"/catalog.ttl?page={page}")
        if status != 200:
            raise RuntimeError(f"/catalog.ttl?page={page} answered {status}")
        if "hydra:next" not in body:
            return page
