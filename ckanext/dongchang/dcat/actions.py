"""ckanext-dcat's catalog actions, chained so that a query with a space cannot break the feed.

ckanext-dcat (2.x, ``logic._pagination_info``) builds the hydra paging IRIs by pasting the
request's ``q``, ``fq``, ``modified_since`` and ``profiles`` verbatim into a URL; a space or a
quote makes rdflib refuse to serialise the whole catalog, a 500 (issue 14, item 9). The
actions have their parameters in ``data_dict`` already, so while they run, the arguments that
ckanext-dcat pastes are percent-encoded. Upstream fix: quote the values in ``_page_url``.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as tk
import flask
from ckan.types import Action, Context, DataDict
from werkzeug.datastructures import ImmutableMultiDict

__all__ = ["dcat_catalog_show", "dcat_catalog_search"]

_PASTED_INTO_IRIS = frozenset({"q", "fq", "modified_since", "profiles"})


@contextmanager
def _iri_safe_arguments() -> Iterator[None]:
    if not flask.has_request_context():
        yield
        return
    request = flask.request._get_current_object()  # noqa: SLF001 - the request itself, not the proxy
    original = request.args
    request.args = ImmutableMultiDict(
        [(key, quote(value, safe="") if key in _PASTED_INTO_IRIS else value)
         for key, value in original.items(multi=True)])
    try:
        yield
    finally:
        request.args = original


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    with _iri_safe_arguments():
        return up_func(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    with _iri_safe_arguments():
        return up_func(context, data_dict)
