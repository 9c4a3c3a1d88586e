"""JSON-LD that JSON clients can read: compacted, with an ``@context`` (issue 19 item 6).

ckanext-dcat serialises catalogs as expanded JSON-LD (every property a full IRI, every value a
list of objects), which is correct RDF but unusable as JSON. Each of our JSON-LD answers is
compacted against one inline context of the vocabularies the feeds use, so a client reads
``"dct:title"`` and ``"dcat:distribution"``; RDF clients get the same triples (tested).
"""
from __future__ import annotations

from rdflib import Graph

from ckanext.dongchang.dcat import vocabulary

JSON_LD = "json-ld"

_PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatap": "http://data.europa.eu/r5r/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **{prefix: str(namespace) for prefix, namespace in vocabulary.AUTHORITY_PREFIXES.items()},
}


def context(site_url: str) -> dict[str, str]:
    """The ``@context``: the common vocabularies and ours (``dc:``) on this portal."""
    return {**_PREFIXES, vocabulary.PREFIX: str(vocabulary.namespace(site_url))}


def is_json_ld(rdf_format: str | None) -> bool:
    return rdf_format in ("jsonld", JSON_LD)


def with_context(expanded: str, site_url: str) -> str:
    """``expanded`` JSON-LD, compacted against :func:`context` (the same triples)."""
    graph = Graph().parse(data=expanded, format=JSON_LD)
    return graph.serialize(format=JSON_LD, context=context(site_url), auto_compact=True)
