"""A data product's DCAT description names the catalog entries it was derived from (F-7, F-9)."""
from __future__ import annotations

import rdflib
from ckan.plugins import toolkit as tk
from rdflib import ConjunctiveGraph, Literal, URIRef
from rdflib.namespace import XSD

from ckanext.dongchang.dcat.profile import DongchangDCATProfile

SITE = "https://data.dongchangfu.example.gov.cn"
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


def _graph(dataset: dict) -> tuple[ConjunctiveGraph, URIRef]:
    graph, ref = ConjunctiveGraph(), URIRef(f"{SITE}/dataset/{dataset['id']}")
    DongchangDCATProfile(graph).graph_from_dataset(dataset, ref)
    return graph, ref


def test_f7_product_was_derived_from_its_registered_sources(monkeypatch):
    monkeypatch.setitem(tk.config, "ckan.site_url", SITE)
    product = {"id": "product-1", "name": "enterprise-map", "type": "data-product",
               "resources": [], "sources": [
                   {"dataset_id": "entry-a", "acquired_on": "2026-03-01"},
                   {"dataset_id": "entry-b", "acquired_on": ""}]}
    graph, ref = _graph(product)
    assert set(graph.objects(ref, PROV.wasDerivedFrom)) == {
        URIRef(f"{SITE}/dataset/entry-a"), URIRef(f"{SITE}/dataset/entry-b")}
    dated = {graph.value(d, PROV.entity): graph.value(d, PROV.atTime)
             for d in graph.objects(ref, PROV.qualifiedDerivation)}
    assert dated == {URIRef(f"{SITE}/dataset/entry-a"): Literal("2026-03-01", datatype=XSD.date),
                     URIRef(f"{SITE}/dataset/entry-b"): None}


def test_f7_a_catalog_entry_is_primary_data_and_derives_from_nothing(monkeypatch):
    monkeypatch.setitem(tk.config, "ckan.site_url", SITE)
    graph, ref = _graph({"id": "entry-a", "name": "entry-a", "resources": []})
    assert list(graph.objects(ref, PROV.wasDerivedFrom)) == []
