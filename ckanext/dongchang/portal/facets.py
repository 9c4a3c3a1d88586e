"""Search facets for the regulation's own fields (issue 17 item 11).

CKAN facets by organisation, group, tag, format and licence; our catalog has no groups and no
licence per entry, while people look for entries by department (部门), open and share class,
resource category (资源分类) and update cycle. The facet titles are the entry schema's labels in
the page's language, and each value is shown by its label, not its code.

Counts come from ``package_search``'s own query, which CKAN filters by the viewer's permission
labels: an entry the viewer may not see is in no count.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk

from ckanext.dongchang.kernel import request_memo

# The schema fields faceted on, in the order the search page shows them.
SCHEMA_FACETS: tuple[str, ...] = ("open_class", "share_class", "catalog_category",
                                  "update_cycle")
# CKAN's facets that do not fit a government catalog: no groups, no licence per entry.
DROPPED: tuple[str, ...] = ("groups", "license_id")


def _schema_fields() -> dict[str, dict[str, Any]]:
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    return {f["field_name"]: f for f in schema.get("dataset_fields", [])}


def _titles(with_department: bool) -> OrderedDict[str, str]:
    fields = _schema_fields()
    titles: OrderedDict[str, str] = OrderedDict()
    if with_department:
        titles["organization"] = tk._("Department")
    for name in SCHEMA_FACETS:
        if name in fields:
            titles[name] = tk.h.scheming_language_text(fields[name]["label"])
    return titles


def _rebuilt(facets_dict: OrderedDict[str, Any], with_department: bool) -> OrderedDict[str, Any]:
    """Ours first, then CKAN's remaining facets (tags, formats) as they were."""
    result = _titles(with_department)
    for name, title in facets_dict.items():
        if name not in result and name not in DROPPED and name != "organization":
            result[name] = title
    return result


def dataset_facets(facets_dict: OrderedDict[str, Any], package_type: str) -> OrderedDict[str, Any]:
    if package_type != "dataset":
        return facets_dict
    return _rebuilt(facets_dict, with_department=True)


def organization_facets(facets_dict: OrderedDict[str, Any], organization_type: str,
                        package_type: str | None) -> OrderedDict[str, Any]:
    """A department's page lists only its own entries: no department facet."""
    return _rebuilt(facets_dict, with_department=False)


def label_values(search_results: dict[str, Any]) -> dict[str, Any]:
    """Each faceted code shown by its label in the page's language (``display_name``)."""
    facets = search_results.get("search_facets")
    if not isinstance(facets, dict):
        return search_results
    fields = _schema_fields()
    for name in SCHEMA_FACETS:
        facet, spec = facets.get(name), fields.get(name)
        if not isinstance(facet, dict) or not spec or not spec.get("choices"):
            continue
        for item in facet.get("items") or []:
            item["display_name"] = tk.h.scheming_choices_label(
                spec["choices"], item.get("name")) or item.get("name")
    return search_results


def facet_href(name: str, value: str, active: bool, extras: dict[str, Any] | None = None,
               alternative_url: str | None = None) -> str:
    """The link of one facet value: the current search without its page number, plus
    ``name=value`` (or, for an active value, without it).

    The same address CKAN's ``h.add_url_param``/``h.remove_url_param`` give, but the page's
    own address and its query are worked out once per request, not once per value: with the
    regulation's four facets the catalog page lists some 40 values, and building their links
    one ``url_for`` at a time was most of its cost over stock CKAN (issue 20).
    """
    base, params = _current_search(extras, alternative_url)
    if not active:
        params = [*params, (name, value)]
    elif value:
        params = list(params)
        params.remove((name, value))
    else:
        params = [(key, kept) for key, kept in params if key != name]
    if not params:
        return base
    return base + "?" + urlencode([(key, kept.encode("utf-8") if isinstance(kept, str)
                                    else str(kept)) for key, kept in params])


def _current_search(extras: dict[str, Any] | None,
                    alternative_url: str | None) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """This request's address (or ``alternative_url``) and its query without ``page``."""
    key = (alternative_url, tuple(sorted((extras or {}).items())))
    known = request_memo.memo("facet_links")
    if key not in known:
        known[key] = (alternative_url or _page_url(extras), tuple(
            (name, value) for name, value in tk.request.args.items(multi=True)
            if name != "page"))
    return known[key]


def _page_url(extras: dict[str, Any] | None) -> str:
    """The current view's address as CKAN's URL helpers build it: the view's own arguments
    (``package_type``) unless ``extras`` are given."""
    blueprint, view = tk.get_endpoint()
    controller = getattr(tk.g, "controller", blueprint)
    action = getattr(tk.g, "action", view)
    return tk.h.url_for(f"{controller}.{action}",
                        **(extras or dict(tk.request.view_args or {})))
