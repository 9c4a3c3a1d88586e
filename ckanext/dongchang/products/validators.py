"""Validators of the data-product schema (``data_product.yaml``; Art. 25, F-7).

The rules that need the registrant (may they see the entry, which grant did they use) run in
:func:`dongchang_product_rules` when ``dongchang_product_register`` creates a product; later
edits by the registry's administrators may not change who registered it or its sources.
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import missing
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.dongchang.kernel.schema import add_flat_error, flat_items
from ckanext.dongchang.products import service
from ckanext.dongchang.products.rules import SOURCE_FIELDS

__all__ = [
    "dongchang_fixed_value", "dongchang_product_url", "dongchang_product_registrant",
    "dongchang_product_source_entry", "dongchang_product_rules",
]


def dongchang_fixed_value(value: str):
    """A field whose value the schema fixes, whatever a client sends (see data_product.yaml)."""
    def validator(_value: Any) -> str:
        return value
    return validator


def dongchang_product_url(value: Any) -> Any:
    if value is missing or value in (None, ""):
        return value
    if not str(value).strip().lower().startswith(("http://", "https://")):
        raise tk.Invalid(tk._("Give the product's web address, starting with http:// or"
                              " https://."))
    return str(value).strip()


def dongchang_product_source_entry(value: Any, context: Context) -> Any:
    """The entry a source names (id, URL name or resource code), stored as its id."""
    if value is missing or value in (None, ""):
        raise tk.Invalid(tk._("Name the catalog entry the product uses."))
    dataset = service.resolve_entry(value)
    if dataset is None:
        raise tk.Invalid(service.no_entry_message())
    return dataset.id


def _stored_product(data: FlattenDataDict, context: Context) -> model.Package | None:
    package = context.get("package")
    if package is not None and package.type == service.PRODUCT_TYPE:
        return package
    product_id = data.get(("id",))
    return model.Package.get(product_id) if isinstance(product_id, str) and product_id else None


def dongchang_product_registrant(key: FlattenKey, data: FlattenDataDict,
                                 errors: FlattenErrorDict, context: Context) -> None:
    """Set by the registration action; kept unchanged by any later edit."""
    registrant = context.get(service.REGISTRANT_KEY)
    if registrant:
        data[key] = registrant
        return
    stored = _stored_product(data, context)
    if stored is not None and (stored.extras or {}).get("registrant"):
        given = data.get(key)
        if given not in (missing, None, "", stored.extras["registrant"]):
            errors[key].append(tk._("The registrant of a product cannot be changed."))
        data[key] = stored.extras["registrant"]
        return
    errors[key].append(tk._(
        "Data products are registered through the product registration form"
        " (dongchang_product_register), which records who registers them."))


def dongchang_product_rules(key: FlattenKey, data: FlattenDataDict,
                            errors: FlattenErrorDict, context: Context) -> None:
    """Source rules at registration (Art. 25); sources are fixed afterwards."""
    sources = flat_items(data, "sources")
    if not sources:
        add_flat_error(errors, ("sources",), tk._("Name at least one catalog entry the product"
                                              " uses."))
    elif context.get(service.REGISTRANT_KEY):
        _check_registration(data, errors, context[service.REGISTRANT_KEY], sources)
    else:
        _check_unchanged(data, errors, context, sources)


def _check_registration(data: FlattenDataDict, errors: FlattenErrorDict, registrant_id: str,
                        sources: list[dict[str, Any]]) -> None:
    """Each source against the registrant's view and grants; where all hold, the grant and date
    the system knows are filled in (the registration service stores them as validated)."""
    for position, source in enumerate(sources):
        if errors.get(("sources", position, "dataset_id")):
            source["dataset_id"] = None  # unknown: reported by the subfield validator
    commercial = data.get(("commercial",)) == "true"
    found, records = service.check_sources(model.User.get(registrant_id), sources, commercial)
    for position, fields in found.items():
        for field, messages in fields.items():
            for message in messages:
                add_flat_error(errors, ("sources", position, field), message)
    if found or any(errors.get(k) for k in errors if k and k[0] == "sources"):
        return
    for record in records:
        if record["access_request_id"]:
            data[("sources", record["position"], "access_request_id")] = \
                record["access_request_id"]
        data[("sources", record["position"], "acquired_on")] = record["acquired_on"].isoformat()


def _check_unchanged(data: FlattenDataDict, errors: FlattenErrorDict, context: Context,
                     sources: list[dict[str, Any]]) -> None:
    stored = _stored_product(data, context)
    if stored is None:
        return  # the registrant validator already refuses a product created otherwise
    try:
        before = json.loads((stored.extras or {}).get("sources") or "[]")
    except ValueError:
        before = []
    if _comparable(before) != _comparable(sources):
        # On a subfield: navl cannot hold an error on the list itself beside its items'.
        add_flat_error(errors, ("sources", 0, "dataset_id"), tk._(
            "The sources of a product are fixed when it is registered; register a new product"
            " to cite other data."))


def _comparable(sources: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [tuple(str(s.get(f) or "") for f in SOURCE_FIELDS) for s in sources]
