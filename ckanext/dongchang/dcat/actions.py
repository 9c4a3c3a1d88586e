"""ckanext-dcat's catalog actions, chained: a stable walk and IRI-safe paging links.

* **Stable walk** (issue 19 item 2): pages in creation order with ``hydra:next`` links that
  carry a cursor, so entries edited, hidden or created during a harvester's walk make it
  neither skip nor repeat an entry (``dcat/rules.py`` says how). ``?page=N`` still answers
  page N; ``modified_since`` still narrows the feed to entries changed since then.
* **IRI-safe links** (issue 14 item 9): ckanext-dcat (2.x, ``logic._pagination_info``) pasted
  the request's ``q``, ``fq``, ``modified_since`` and ``profiles`` verbatim into the paging
  IRIs; a space or a quote made rdflib refuse to serialise the catalog, a 500. The links are
  built here with the values percent-encoded. Upstream fix: quote the values in ``_page_url``.

Both actions do what ckanext-dcat's do (access check, the same search filters, the same
serializer) with our search order and links, so they do not call the chained function.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
import flask
from ckan.types import Action, Context, DataDict
from dateutil.parser import parse as parse_date

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import catalog_uri
from ckanext.dongchang.dcat import entry_cache, jsonld, rules
from ckanext.dongchang.kernel.chains import chained_read, named
from ckanext.dongchang.products.service import PRODUCT_TYPE

__all__ = ["dcat_catalog_show", "dcat_catalog_search", "dcat_dataset_show"]

DEFAULT_PER_PAGE = 100  # ckanext-dcat's default for ckanext.dcat.datasets_per_page


def _catalog_feed(name: str) -> Action:
    """ckanext-dcat's catalog action ``name`` (show and search answer alike): its own access
    check, then our page instead of the chained function's."""
    @chained_read
    def action(up_func: Action, context: Context, data_dict: DataDict) -> Any:
        tk.check_access(name, context, data_dict)
        return _catalog_page(context, data_dict)

    return named(action, name)


dcat_catalog_show, dcat_catalog_search = map(_catalog_feed, ("dcat_catalog_show",
                                                             "dcat_catalog_search"))


def share_catalog_page(context: Context, data_dict: DataDict) -> Any:
    """The share catalog for the city exchange platform (Art. 12, 18, 23; issue 19 item 9):
    the published entries shared with government (unconditionally or conditionally), as the
    caller sees them, paged like ``/catalog.*``. Conditional shares never carry a data URL
    here, whoever asks: their distributions lead to the request page (the profile's withheld
    access URL). Callers check that the viewer is a government user first.

    Search results hold each entry as its least-privileged finder may know it (no gated file,
    no gated URL: ``access/indexing.py``), so each entry is read again as the caller
    (``package_show``: the files and URLs this government user may use), one read per entry
    of the page — a feed for a few exchange platforms, not the public hot path."""
    def as_shared(entry: dict[str, Any]) -> dict[str, Any]:
        shown = tk.get_action("package_show")(dict(context), {"id": entry["id"]})
        return _withhold_conditional_shares(shown)

    return _catalog_page(context, data_dict, filters=rules.SHARED_AND_PUBLISHED,
                         prepare=as_shared, include_private=True)


def _with_sources(context: Context) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A data product read again as the caller: its search copy names no source (``access/
    indexing.py``: no entry names another there), and Art. 25 wants its DCAT to state its
    sources and when their data was obtained, on the harvesters' path too. ``package_show``
    gives the sources this caller may see. Products are few; catalog entries pass as found."""
    def prepare(entry: dict[str, Any]) -> dict[str, Any]:
        if entry.get("type") != PRODUCT_TYPE:
            return entry
        return tk.get_action("package_show")(dict(context), {"id": entry["id"]})

    return prepare


def _withhold_conditional_shares(entry: dict[str, Any]) -> dict[str, Any]:
    if entry.get("share_class") != "conditional":
        return entry
    resources = [dict(r, url="", dongchang_restricted=True) for r in entry.get("resources") or []]
    return dict(entry, resources=resources)


def _catalog_page(context: Context, data_dict: DataDict, filters: tuple[str, ...] = (),
                  prepare: Any = None, include_private: bool = False) -> Any:
    """One page of a catalog feed. Not-open entries are private in CKAN's sense, so a feed
    for government readers asks for them (``include_private``); the permission labels still
    decide what the caller gets."""
    per_page = tk.asint(tk.config.get("ckanext.dcat.datasets_per_page", DEFAULT_PER_PAGE))
    cursor = _cursor(data_dict)
    page = 1 if cursor else _page(data_dict)
    search = {"q": data_dict.get("q") or "*:*", "fq": data_dict.get("fq"),
              "fq_list": _filters(data_dict) + list(filters), "sort": rules.SORT,
              "rows": per_page, "include_private": include_private}
    if cursor:
        query = tk.get_action("package_search")(
            context, dict(search, fq_list=search["fq_list"] + [cursor.solr_filter()]))
        remaining = query["count"]
        total = tk.get_action("package_search")(context, dict(search, rows=0))["count"]
    else:
        query = tk.get_action("package_search")(context, dict(search, start=per_page * (page - 1)))
        total = query["count"]
        remaining = max(total - per_page * (page - 1), 0)
    paging = _paging(data_dict, query["results"], total, remaining, per_page, page, cursor)
    anonymous = not (prepare or context.get("user") or context.get("ignore_auth"))
    results = [(prepare or _with_sources(context))(entry) for entry in query["results"]]
    serializer = RDFSerializer(profiles=data_dict.get("profiles"))
    output = entry_cache.serialize_catalog(serializer, results, data_dict.get("format"), paging,
                                           anonymous)
    return _compacted(output, data_dict.get("format"))


@chained_read
def dcat_dataset_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """ckanext-dcat's dataset document; JSON-LD compacted with an ``@context``."""
    return _compacted(up_func(context, data_dict), data_dict.get("format"))


def _compacted(output: str, rdf_format: str | None) -> str:
    if not jsonld.is_json_ld(rdf_format):
        return output
    return jsonld.with_context(output, tk.config.get("ckan.site_url", ""))


def _filters(data_dict: DataDict) -> list[str]:
    """ckanext-dcat's own filters: no harvest sources or showcases; ``modified_since``."""
    filters = ["-dataset_type:harvest", "-dataset_type:showcase"]
    since = data_dict.get("modified_since")
    if since:
        try:
            filters.append(f"metadata_modified:[{parse_date(since).isoformat()}Z TO NOW]")
        except (ValueError, OverflowError, TypeError):
            raise tk.ValidationError({"modified_since": [tk._(
                "Wrong modified date format. Use ISO-8601 format")]}) from None
    return filters


def _cursor(data_dict: DataDict) -> rules.Cursor | None:
    text = data_dict.get("cursor") or _request_argument("cursor")
    if not text:
        return None
    try:
        return rules.decode_cursor(text)
    except ValueError:
        raise tk.ValidationError({"cursor": [tk._(rules.BAD_CURSOR)]}) from None


def _page(data_dict: DataDict) -> int:
    try:
        page = int(data_dict.get("page") or 1)
    except (TypeError, ValueError):
        page = 0
    if page < 1:
        raise tk.ValidationError({"page": [tk._(
            "Page param must be a positive integer starting in 1")]})
    return page


def _paging(data_dict: DataDict, results: list[dict], total: int, remaining: int,
            per_page: int, page: int, cursor: rules.Cursor | None) -> dict[str, Any]:
    """ckanext-dcat's ``pagination_info`` (hydra): ``next`` is a cursor link whenever more
    entries follow this page; ``previous`` only for numbered pages."""
    if total == 0:
        return {}
    base = _base_url(data_dict)
    carried = {key: _carried(data_dict, key) for key in rules.CARRIED_PARAMETERS}
    link = lambda **position: rules.page_url(base, carried, **position)  # noqa: E731
    paging = {"count": total, "items_per_page": per_page,
              "current": link(cursor=cursor.encode()) if cursor else link(page=page),
              "first": link(page=1), "last": link(page=max(math.ceil(total / per_page), 1))}
    if not cursor and page > 1:
        paging["previous"] = link(page=page - 1)
    if results and remaining > len(results):
        paging["next"] = link(cursor=rules.cursor_after(results[-1]).encode())
    return paging


def _carried(data_dict: DataDict, key: str) -> str:
    value = data_dict.get(key)
    if isinstance(value, list | tuple):
        value = ",".join(value)
    return value or _request_argument(key) or ""


def _request_argument(key: str) -> str | None:
    return flask.request.args.get(key) if flask.has_request_context() else None


def _base_url(data_dict: DataDict) -> str:
    path = flask.request.path if flask.has_request_context() else "/catalog.ttl"
    return catalog_uri() + path
