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

import ckan.plugins.toolkit as tk

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
