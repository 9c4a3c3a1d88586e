"""What goes into the search index, and how search box queries are read (IPackageController).

Two jobs: Chinese text becomes searchable (see ``cjk``), and secret values never reach Solr.
Resource URLs of an entry whose data is not open to everyone are removed from every indexed
field, including the JSON copies CKAN stores for search results, because ``package_search``
with ``fl`` or ``q`` could otherwise return them, or reveal them one guess at a time (DESIGN §4).
For the same reason no entry names another: relationships and product sources stay out.
"""
from __future__ import annotations

import json
from typing import Any

from ckan import model

from ckanext.dongchang.access import cjk, enforcement
from ckanext.dongchang.access.rules import publication, visibility

_URL_FIELDS = ("res_url", "urls", "download_url", "url")
_TEXT_FIELDS = ("title", "notes", "tags", "res_name", "res_description", "resource_code")
_SOURCES_FIELD = f"extras_{enforcement.SOURCES_FIELD}"
_SOURCE_ID_FIELDS = tuple(f"{_SOURCES_FIELD}__{key}" for key in enforcement.SOURCE_REFERENCES)


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    _index_files_for_every_finder(pkg_dict)
    _add_cjk_text(pkg_dict)
    if not publication.data_is_public(pkg_dict):
        _strip_resource_urls(pkg_dict)
    _drop_references(pkg_dict)
    return pkg_dict


def _index_files_for_every_finder(pkg_dict: dict[str, Any]) -> None:
    """Per-file audience (issue 16): the index answers everyone who may find the entry alike,
    so it holds only the files the least-privileged finder may know of (no owner file, no
    shared file on an open list), and the URLs only of files that finder may use.

    CKAN has flattened the resources into parallel ``res_*`` lists (one value per resource,
    in order) and stored them whole in ``data_dict``/``validated_data_dict``.
    """
    stored = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    resources = [r for r in stored.get("resources") or [] if isinstance(r, dict)]
    decisions = _finder_decisions(pkg_dict, resources)
    if all(listed and usable for listed, usable in decisions.values()):
        return
    order = [decisions.get(r.get("id"), (False, False)) for r in resources]
    _filter_flattened_lists(pkg_dict, order)
    for key in ("data_dict", "validated_data_dict"):
        if pkg_dict.get(key):
            pkg_dict[key] = _filter_stored_copy(pkg_dict[key], decisions)
    if "num_resources" in pkg_dict:
        pkg_dict["num_resources"] = sum(1 for listed, _ in order if listed)


def _finder_decisions(pkg_dict: dict[str, Any],
                      resources: list[dict]) -> dict[Any, tuple[bool, bool]]:
    """Resource id -> (the least-privileged finder may know of it, may use its data)."""
    share = str(pkg_dict.get("share_class") or "")
    open_ = str(pkg_dict.get("open_class") or "")
    published = publication.is_published(pkg_dict)
    finder = publication.least_viewer(pkg_dict)
    decisions = {}
    for resource in resources:
        declared = enforcement.declared_audience(resource)
        decisions[resource.get("id")] = (
            visibility.file_listed(finder, share, open_, published, declared, False),
            visibility.may_use_file(finder, share, open_, published, declared, False))
    return decisions


def _filter_flattened_lists(pkg_dict: dict[str, Any], order: list[tuple[bool, bool]]) -> None:
    """Keep the ``res_*`` values of listed files only, with no URL of a file not usable."""
    for field in [f for f in pkg_dict if f.startswith("res_")]:
        values = pkg_dict[field]
        if not isinstance(values, list) or len(values) != len(order):
            pkg_dict.pop(field)  # not one value per file: keep none rather than guess
            continue
        pkg_dict[field] = [("" if field == "res_url" and not usable else value)
                           for value, (listed, usable) in zip(values, order, strict=True)
                           if listed]


def _filter_stored_copy(stored_json: str, decisions: dict[Any, tuple[bool, bool]]) -> str:
    """The JSON copy CKAN returns from search, with the same files and URLs kept."""
    dataset = json.loads(stored_json)
    kept = []
    for resource in dataset.get("resources") or []:
        listed, usable = decisions.get(resource.get("id"), (False, False))
        if listed:
            if not usable:
                resource["url"] = ""
            kept.append(resource)
    dataset["resources"] = kept
    if "num_resources" in dataset:
        dataset["num_resources"] = len(kept)
    return json.dumps(dataset)


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    q = search_params.get("q")
    if isinstance(q, str) and q.strip():
        search_params["q"] = cjk.phrase_query(q)
    return search_params


def _add_cjk_text(pkg_dict: dict[str, Any]) -> None:
    parts: list[str] = []
    for field in _TEXT_FIELDS:
        value = pkg_dict.get(field)
        parts.extend(value if isinstance(value, list) else [value])
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    parts.extend(item.get("name") for item in validated.get("data_items") or []
                 if isinstance(item, dict))
    organization = validated.get("organization") or {}
    parts.append(organization.get("title"))
    text = cjk.spaced(" ".join(p for p in parts if isinstance(p, str)))
    existing = pkg_dict.get("text")
    pkg_dict["text"] = ([existing] if isinstance(existing, str) else list(existing or [])) + [text]


def _drop_references(pkg_dict: dict[str, Any]) -> None:
    """No id or name of another entry: CKAN indexes each relationship under its type (e.g.
    ``depends_on``: names of the related entries) and a product's sources under
    ``extras_sources*``; ``package_show`` gives them to those who may see the entries named."""
    for field in model.PackageRelationship.get_all_types():
        pkg_dict.pop(field, None)
    for field in _SOURCE_ID_FIELDS:
        pkg_dict.pop(field, None)
    enforcement.drop_references(pkg_dict)  # the schema's list, which ckanext-dcat flattens
    for field in (_SOURCES_FIELD, enforcement.SOURCES_FIELD):  # the extra's JSON, as CKAN puts it
        if isinstance(pkg_dict.get(field), str):
            holder = {"extras": [{"key": enforcement.SOURCES_FIELD, "value": pkg_dict[field]}]}
            enforcement.drop_references(holder)
            pkg_dict[field] = holder["extras"][0]["value"]
    for stored in ("data_dict", "validated_data_dict"):
        if pkg_dict.get(stored):
            dataset = json.loads(pkg_dict[stored])
            enforcement.drop_references(dataset)
            pkg_dict[stored] = json.dumps(dataset)


def _strip_resource_urls(pkg_dict: dict[str, Any]) -> None:
    for field in _URL_FIELDS:
        pkg_dict.pop(field, None)
    for stored in ("data_dict", "validated_data_dict"):
        if pkg_dict.get(stored):
            dataset = json.loads(pkg_dict[stored])
            for resource in dataset.get("resources") or []:
                resource["url"] = ""
            pkg_dict[stored] = json.dumps(dataset)
