"""API of the open lists (Art. 23, F-8): ``dongchang_open_list``.

Each department publishes an unconditional-open list and a conditional-open list; the District's
lists are their union. A list is exactly what the anonymous public finds in search, so nothing
private — not-open, unpublished or unreviewed — can reach it by any parameter.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel.schema import paging_schema, validated

__all__ = ["dongchang_open_list"]

OPEN_LIST_CLASSES: tuple[str, ...] = ("unconditional", "conditional")
PAGE_SIZE = 20
MAX_LIMIT = 1000  # CKAN's default ckan.search.rows_max
# sort parameter → Solr sort; every order ends on the code, so pages never overlap
SORTS: dict[str, str] = {
    "code": "resource_code asc, name asc",
    "title": "title_string asc, resource_code asc",
    "department": "organization asc, resource_code asc",
    "modified": "metadata_modified desc, resource_code asc",
}


@tk.validator_args
def open_list_schema(not_empty, ignore_missing, unicode_safe, one_of, default) -> Schema:
    return {
        "open_class": [not_empty, unicode_safe, one_of(list(OPEN_LIST_CLASSES))],
        "org": [ignore_missing, unicode_safe],
        "sort": [default("code"), unicode_safe, one_of(list(SORTS))],
        **paging_schema(max_limit=MAX_LIMIT, default_limit=PAGE_SIZE),
    }


def _public_context() -> Context:
    """Search as an anonymous visitor, whoever asks: the list is the *published* list, so a
    department editor or the Bureau must not see their private entries on it."""
    return {"user": "", "auth_user_obj": None}


def _update_cycle_label(value: str | None) -> str:
    """The schema's label of an update cycle in the visitor's language (the code if unknown)."""
    from ckanext.scheming import helpers as scheming

    schema = scheming.scheming_get_dataset_schema("dataset") or {}
    field = scheming.scheming_field_by_name(schema.get("dataset_fields", []), "update_cycle")
    if not field or not value:
        return value or ""
    try:
        return scheming.scheming_choices_label(field.get("choices", []), value)
    except RuntimeError:  # outside a request there is no visitor language
        return value


def _row(entry: dict[str, Any], open_class: str) -> dict[str, Any]:
    organization = entry.get("organization") or {}
    site_url = tk.config.get("ckan.site_url", "").rstrip("/")
    row = {
        "id": entry["id"],
        "name": entry["name"],
        "resource_code": entry.get("resource_code") or "",
        "title": entry.get("title") or "",
        "url": f"{site_url}/dataset/{entry['name']}",
        "department": organization.get("title") or organization.get("name") or "",
        "department_name": organization.get("name") or "",
        "update_cycle": entry.get("update_cycle") or "",
        "update_cycle_label": _update_cycle_label(entry.get("update_cycle")),
        "open_legal_basis": entry.get("open_legal_basis") or "",
        "metadata_modified": entry.get("metadata_modified") or "",
    }
    if open_class == "conditional":
        row["open_conditions"] = entry.get("open_conditions") or ""
    return row


def _departments(search: dict[str, Any]) -> list[dict[str, Any]]:
    items = (search.get("search_facets") or {}).get("organization", {}).get("items", [])
    departments = [{"name": i["name"], "title": i["display_name"], "count": i["count"]}
                   for i in items]
    return sorted(departments, key=lambda d: d["title"])


@tk.side_effect_free
def dongchang_open_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The published open list of one class, District-wide or for one department (Art. 23).

    Anyone may read it, logged in or not, and everyone gets the same list: the entries the
    public can find.

    :param open_class: ``unconditional`` or ``conditional``
    :param org: optional id or name of a department: only its entries
    :param sort: ``code`` (default), ``title``, ``department`` or ``modified`` (newest first)
    :param page: page number, from 1 (default 1)
    :param limit: entries per page (default 20, at most 1000)
    :returns: ``{"open_class", "count", "page", "limit", "sort", "org", "results",
        "departments"}``; each result has ``id``, ``name``, ``resource_code``, ``title``,
        ``url``, ``department``, ``department_name``, ``update_cycle``,
        ``update_cycle_label``, ``open_legal_basis``, ``metadata_modified`` and, on the
        conditional list, ``open_conditions``; ``departments`` lists every department with
        entries on this list (``name``, ``title``, ``count``) for filtering.
    """
    tk.check_access("dongchang_open_list", context, data_dict)
    data = validated(dict(data_dict), open_list_schema(), context)
    open_class = data["open_class"]
    fq = [f'+open_class:"{open_class}"', "+dataset_type:dataset",
          '+catalog_state:"published"', '+confidentiality_review_status:"passed"']
    department = (audience.department_or_invalid(data["org"], "org", tk._("Department not found"))
                  if data.get("org") else None)
    facets = {"facet": "true", "facet.field": ["organization"], "facet.limit": -1,
              "facet.mincount": 1}
    search_action = tk.get_action("package_search")
    search = search_action(_public_context(), {
        "fq": " ".join(fq + ([f'+owner_org:"{department.id}"'] if department else [])),
        "sort": SORTS[data["sort"]], "rows": data["limit"],
        "start": (data["page"] - 1) * data["limit"], "include_private": False, **facets,
    })
    everywhere = search if department is None else search_action(
        _public_context(), {"fq": " ".join(fq), "rows": 0, "include_private": False, **facets})
    return {
        "open_class": open_class, "count": search["count"], "page": data["page"],
        "limit": data["limit"], "sort": data["sort"],
        "org": department.name if department else None,
        "results": [_row(entry, open_class) for entry in search["results"]],
        "departments": _departments(everywhere),
    }
