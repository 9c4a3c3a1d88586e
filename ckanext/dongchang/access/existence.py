"""Core actions that would tell a hidden entry exists, chained to answer from what the viewer
may see (issue 14 item 8; F-3).

An entry the viewer may not see must look exactly like one that does not exist: no member list
names its id, no tag of it is listed or completed, no relationship leads to it. What "may see"
means is the permission labels' answer, as for ``package_show`` and ``package_search``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict

from ckanext.dongchang.access import enforcement
from ckanext.dongchang.kernel.chains import chained_read

__all__ = [
    "member_list", "tag_list", "tag_search", "tag_autocomplete", "tag_show",
    "package_relationships_list", "format_autocomplete",
]


@chained_read
def member_list(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """A department's members without the entries the viewer may not see."""
    members = up_func(context, data_dict)
    visible = enforcement.visible_dataset_ids(
        context, [member[0] for member in members if member[1] == "package"])
    return [member for member in members if member[1] != "package" or member[0] in visible]


# --- tags: only those of entries the viewer may see -------------------------------------------
def visible_tag_names(context: Context, vocabulary_id: Any = None) -> set[str]:
    """Tags on the entries the viewer may see: a facet of ``package_search`` as the viewer."""
    field = "tags"
    if vocabulary_id:
        vocabulary = model.Vocabulary.get(str(vocabulary_id))
        if vocabulary is None:
            return set()
        field = f"vocab_{vocabulary.name}"
    search_context = tk.fresh_context(context)
    result = tk.get_action("package_search")(search_context, {
        "rows": 0, "facet.field": [field], "facet.limit": -1, "include_private": True})
    return set(result["facets"].get(field) or {})


def _tag_name(tag: Any) -> Any:
    return tag.get("name") if isinstance(tag, dict) else tag


def _natural(data_dict: DataDict, field: str) -> int | None:
    value = data_dict.get(field)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise tk.ValidationError({field: [tk._("Must be a natural number")]})
    return number


def _without_paging(data_dict: DataDict) -> DataDict:
    return {key: value for key, value in data_dict.items() if key not in ("limit", "offset")}


@chained_read
def tag_list(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    visible = visible_tag_names(context, data_dict.get("vocabulary_id"))
    return [tag for tag in up_func(context, data_dict) if _tag_name(tag) in visible]


@chained_read
def tag_search(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Count and page over the visible tags only (CKAN pages over every tag in the table)."""
    offset, limit = _natural(data_dict, "offset") or 0, _natural(data_dict, "limit")
    found = up_func(context, _without_paging(data_dict))
    visible = visible_tag_names(context, data_dict.get("vocabulary_id"))
    results = [tag for tag in found["results"] if _tag_name(tag) in visible]
    end = None if limit is None else offset + limit
    return {"count": len(results), "results": results[offset:end]}


@chained_read
def tag_autocomplete(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Also behind ``/api/2/util/tag/autocomplete`` (the tag field of the entry form)."""
    limit = _natural(data_dict, "limit")
    limit = 10 if limit is None else limit
    visible = visible_tag_names(context, data_dict.get("vocabulary_id"))
    names = [name for name in up_func(context, _without_paging(data_dict)) if name in visible]
    return names[:limit]


@chained_read
def tag_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    tag = up_func(context, data_dict)
    if tag["name"] not in visible_tag_names(context, tag.get("vocabulary_id")):
        raise tk.ObjectNotFound()
    if isinstance(tag.get("packages"), list):
        visible = enforcement.visible_dataset_ids(context, [p.get("id") for p in tag["packages"]])
        tag["packages"] = [p for p in tag["packages"] if p.get("id") in visible]
    return tag


# --- resource formats: only those of entries the viewer may see --------------------------------
def visible_format_counts(context: Context) -> dict[str, int]:
    """Formats of the files of the entries the viewer may see, with how many entries have each:
    a facet of ``package_search`` as the viewer (CKAN counts every file in the table)."""
    result = tk.get_action("package_search")(tk.fresh_context(context), {
        "rows": 0, "facet.field": ["res_format"], "facet.limit": -1, "include_private": True})
    return dict(result["facets"].get("res_format") or {})


@chained_read
def format_autocomplete(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Also behind ``/api/2/util/resource/format_autocomplete`` (the format field of the
    resource form). Answered from the viewer's facet alone, most used first, as CKAN orders."""
    tk.check_access("format_autocomplete", context, data_dict)
    query = data_dict.get("q")
    if not isinstance(query, str) or not query:
        raise tk.ValidationError({"q": [tk._("Missing value")]})
    limit = _natural(data_dict, "limit")
    limit = 5 if limit is None else limit
    counts = visible_format_counts(context)
    matching = [name for name in counts if query.lower() in name.lower()]
    matching.sort(key=lambda name: (-counts[name], name))
    return matching[:limit]


# --- relationships: none that leads to a hidden entry -----------------------------------------
# CKAN's words for a missing first and second entry, so a hidden one reads the same.
_MISSING = {"id": "First package named in request was not found.",
            "id2": "Second package named in address was not found."}


@chained_read
def package_relationships_list(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    for field, message in _MISSING.items():
        named = model.Package.get(str(data_dict.get(field) or "")) if data_dict.get(field) \
            else None
        if named is not None and not enforcement.visible_dataset_ids(context, [named.id]):
            raise tk.ObjectNotFound(message)
    relationships = up_func(context, data_dict)
    others = {ref: model.Package.get(ref) for ref in {r.get("object") for r in relationships}
              if isinstance(ref, str)}
    visible = enforcement.visible_dataset_ids(context, [p.id for p in others.values() if p])
    return [r for r in relationships
            if others.get(r.get("object")) is not None and others[r["object"]].id in visible]
