"""API of derived data products (Art. 25; F-7): registration, citation, utilisation.

A product is a dataset of type ``data-product``: read it with ``package_show`` and find it with
``package_search`` (``fq=dataset_type:data-product``); register it with
``dongchang_product_register``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.dongchang.kernel.schema import validated
from ckanext.dongchang.products import schema, service

__all__ = [
    "dongchang_product_register", "dongchang_product_citation",
    "dongchang_product_proposed_source", "dongchang_product_list", "dongchang_utilisation",
]


def dongchang_product_register(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Register a data product built on the catalog's data (Art. 25), stating its sources.

    The product is public; it is recorded in the product registry with the logged-in user as
    ``registrant``. Each source must be an entry the registrant can see; its date obtained
    may not be in the future, nor before the entry was published or the grant began. Data that
    is not open to everyone must rest on the registrant's grant (an approved access request) —
    for a commercial product, a commercial grant awarded by tender. Errors come back per
    source, e.g. ``{"sources": [{}, {"acquired_on": [...]}]}``.

    :param title: product name
    :param name: URL name (optional; generated if absent)
    :param notes: description (optional)
    :param product_kind: ``app``, ``report``, ``model``, ``dataset`` or ``other``
    :param developer_name: the person, company or institution that built it
    :param product_url: optional web address of the product
    :param commercial: ``true`` or ``false`` (default)
    :param sources: list of ``{"dataset_id": id, name or resource code,
        "acquired_on": "YYYY-MM-DD", "access_request_id": optional}``; where the registrant's
        grant is known it is filled in (see ``dongchang_product_proposed_source``)
    :returns: the product (``package_show`` of the new dataset)
    """
    tk.check_access("dongchang_product_register", context, data_dict)
    # The schema checks types only; the dataset schema and the source rules do the rest.
    validated(data_dict, schema.product_registration(), context)
    return service.register(context, dict(data_dict))


@tk.side_effect_free
def dongchang_product_citation(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The citation of a product in Chinese and English: each source's department, entry title,
    resource code and date obtained. Entries the caller may not see are cited without them.

    :param id: id or name of the product
    :returns: ``{"id", "name", "title", "developer_name", "citation": {"zh_Hans_CN": text,
        "en": text}, "sources": [...]}``
    """
    product = service.get_product(tk.get_or_bust(data_dict, "id"))
    tk.check_access("dongchang_product_citation", context, {"id": product.id})
    shown = tk.get_action("package_show")(tk.fresh_context(context), {"id": product.id})
    return service.citation(context, shown)


@tk.side_effect_free
def dongchang_product_proposed_source(context: Context, data_dict: DataDict
                                      ) -> dict[str, Any]:
    """When the caller obtained an entry's data, as far as the system knows: the start of
    their latest grant on it. The registration form fills these in.

    :param dataset_id: id, name or resource code of the entry
    :returns: ``{"dataset_id", "acquired_on", "access_request_id"}``, or ``{}`` if unknown
    """
    tk.check_access("dongchang_product_proposed_source", context, data_dict)
    dataset_id = tk.get_or_bust(data_dict, "dataset_id")
    return service.proposed_acquired_on(dataset_id, context["user"]) or {}


@tk.side_effect_free
def dongchang_product_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Products registered as built on a catalog entry (the entry page lists them).

    :param dataset_id: id or name of the entry
    :returns: ``{"count": n, "results": [{"id", "name", "title", "developer_name",
        "product_kind", "commercial"}]}``
    """
    dataset = service.visible_entry(context, tk.get_or_bust(data_dict, "dataset_id"))
    tk.check_access("dongchang_product_list", context, data_dict)
    results = service.products_of_entry(dataset.id)
    return {"count": len(results), "results": results}


@tk.side_effect_free
def dongchang_utilisation(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Utilisation of granted data (Art. 25: the Bureau tracks it). Bureau only.

    :returns: ``active_grants`` (each with the ``products`` registered against it),
        ``grants_without_products``, ``products_with_changed_sources`` (a source's share or
        open class is no longer what it was at registration) and ``counts``
    """
    tk.check_access("dongchang_utilisation", context, data_dict)
    return service.utilisation()
