"""What goes into the search index, and how search box queries are read (IPackageController).

Two jobs: Chinese text becomes searchable (see ``cjk``), and secret values never reach Solr.
Resource URLs of an entry whose data is not open to everyone are removed from every indexed
field, including the JSON copies CKAN stores for search results, because ``package_search``
with ``fl`` or ``q`` could otherwise return them, or reveal them one guess at a time (DESIGN §4).
"""
from __future__ import annotations

import json
from typing import Any

from ckanext.dongchang import cjk
from ckanext.dongchang.policy import publication

_URL_FIELDS = ("res_url", "urls", "download_url", "url")
_TEXT_FIELDS = ("title", "notes", "tags", "res_name", "res_description", "resource_code")


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    _add_cjk_text(pkg_dict)
    if not publication.data_is_public(pkg_dict):
        _strip_resource_urls(pkg_dict)
    return pkg_dict


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


def _strip_resource_urls(pkg_dict: dict[str, Any]) -> None:
    for field in _URL_FIELDS:
        pkg_dict.pop(field, None)
    for stored in ("data_dict", "validated_data_dict"):
        if pkg_dict.get(stored):
            dataset = json.loads(pkg_dict[stored])
            for resource in dataset.get("resources") or []:
                resource["url"] = ""
            pkg_dict[stored] = json.dumps(dataset)
