"""The ``dongchang_dcat`` profile: the District's classes in DCAT-AP 3 terms (DESIGN §6, F-9).

Layered after ``euro_dcat_ap_3`` (``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 dongchang_dcat``):
that profile writes the standard fields, this one replaces or completes what the regulation
needs, and reads it all back, so a harvesting CKAN with both profiles receives the classes
intact. The mapping (terms and IRIs in ``vocabulary``):

==========================  ===============================================================
``open_class``              ``dct:accessRights`` PUBLIC / RESTRICTED / NON_PUBLIC (EU table)
``open_legal_basis``,       ``dcatap:applicableLegislation`` (an ``eli:LegalResource``), and
``share_legal_basis``       ``dc:openLegalBasis`` / ``dc:shareLegalBasis`` saying which is which
``update_cycle``            ``dct:accrualPeriodicity`` (EU frequency table)
``resource_code``           ``dct:identifier``
department                  ``dct:publisher`` (``foaf:Agent`` with ``foaf:name``)
``share_class``             ``dc:shareClass`` (IRIs ``dc:unconditional`` …)
conditions, reasons         ``dc:shareConditions``, ``dc:openConditions``, ``dc:shareReason``,
                            ``dc:openReason`` (literals)
==========================  ===============================================================

Access: the visibility layer (``logic.visibility``) blanks the URL of every resource the viewer
may not use, so a conditionally open entry reaches public feeds without data URLs. Its
distributions then point (``dcat:accessURL``) to the access-request page instead of to nothing,
and the dataset always lands (``dcat:landingPage``) on that page; a viewer who may use the data
(owner, Bureau, grantee) gets the real URL, as on every other surface (DESIGN §4). A blanked
resource of an entry that cannot be requested points to the entry's page. Not-open entries are
private for the public, so public feeds never contain them.

Also filled in here because DCAT-AP 3's SHACL shapes require them and ckanext-dcat writes
literals or nothing: format and media type as EU file-type / IANA IRIs, the catalog's
description, publisher (the Bureau), language (EU table) and typed homepage.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS, XSD

from ckanext.dcat.profiles import DCAT, DCATAP, DCT
from ckanext.dcat.profiles.base import RDFProfile
from ckanext.dcat.utils import publisher_uri_organization_fallback, resource_uri
from ckanext.dongchang.dcat import vocabulary as vocab


@dataclass(frozen=True)
class DerivationSource:
    """One source of a derived data product (Art. 25): the source entry and when it was got."""

    dataset_uri: str
    acquired_on: dt.date | None = None


def derivation_sources(dataset_dict: dict[str, Any]) -> list[DerivationSource]:
    """The sources a dataset is derived from — the extension point for data products (F-7).

    Catalog entries are primary data and have none. When data products land, return their
    ``sources`` here (the entry's DCAT URI and ``acquired_on``); the profile then writes
    ``prov:wasDerivedFrom``, a ``prov:qualifiedDerivation`` with the acquisition date, and
    ``dct:source``.
    """
    return []


def _site_url() -> str:
    return tk.config.get("ckan.site_url", "").rstrip("/")


def dataset_page(dataset_dict: dict[str, Any]) -> str:
    return f"{_site_url()}/dataset/{dataset_dict.get('name') or dataset_dict.get('id')}"


def request_page(dataset_dict: dict[str, Any]) -> str:
    """Where the public asks for conditionally open data (Art. 25): the access-request form."""
    return dataset_page(dataset_dict) + "/request"


class DongchangDCATProfile(RDFProfile):
    # --- CKAN → RDF -----------------------------------------------------------------------
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        """Complete and correct, in place, what ``euro_dcat_ap_3`` wrote for this dataset."""
        self.g.bind(vocab.PREFIX, vocab.namespace(_site_url()), replace=True)
        self._access_rights(dataset_dict, dataset_ref)
        self._frequency(dataset_dict, dataset_ref)
        self._identifier(dataset_dict, dataset_ref)
        self._publisher(dataset_dict, dataset_ref)
        self._own_terms(dataset_dict, dataset_ref)
        self._legislation(dataset_dict, dataset_ref)
        self._access(dataset_dict, dataset_ref)
        self._formats(dataset_dict)
        self._derivations(dataset_dict, dataset_ref)

    def _replace(self, subject, predicate, value, rdf_class=None) -> None:
        self.g.remove((subject, predicate, None))
        if value is not None:
            self.g.add((subject, predicate, value))
            if rdf_class is not None and isinstance(value, URIRef):
                self.g.add((value, RDF.type, rdf_class))

    def _access_rights(self, dataset_dict, dataset_ref) -> None:
        right = vocab.access_right(dataset_dict.get("open_class"))
        if right is not None:
            self._replace(dataset_ref, DCT.accessRights, right, DCT.RightsStatement)

    def _frequency(self, dataset_dict, dataset_ref) -> None:
        frequency = vocab.frequency(dataset_dict.get("update_cycle"))
        if frequency is not None:
            self._replace(dataset_ref, DCT.accrualPeriodicity, frequency, DCT.Frequency)

    def _identifier(self, dataset_dict, dataset_ref) -> None:
        code = (dataset_dict.get("resource_code") or "").strip()
        if code:
            self._replace(dataset_ref, DCT.identifier, Literal(code))

    def _publisher(self, dataset_dict, dataset_ref) -> None:
        """The department is the publisher; ckanext-dcat usually wrote it from the organization.

        Make sure it is there and named: DCAT-AP requires ``foaf:name`` on every agent.
        """
        org = dataset_dict.get("organization") or {}
        name = org.get("title") or org.get("name")
        publishers = list(self.g.objects(dataset_ref, DCT.publisher))
        if not publishers and org:
            agent = URIRef(publisher_uri_organization_fallback(dataset_dict))
            self.g.add((dataset_ref, DCT.publisher, agent))
            self.g.add((agent, RDF.type, FOAF.Agent))
            publishers = [agent]
        for agent in publishers:
            if name and (agent, FOAF.name, None) not in self.g:
                self.g.add((agent, FOAF.name, Literal(name)))

    def _own_terms(self, dataset_dict, dataset_ref) -> None:
        ns = vocab.namespace(_site_url())
        share_class = dataset_dict.get("share_class")
        if share_class in vocab.SHARE_CLASSES:
            self._replace(dataset_ref, ns.shareClass, ns[share_class])
        for field, term in vocab.FIELD_TERMS.items():
            text = (dataset_dict.get(field) or "").strip()
            if vocab.TERMS[term][0] == "text" and text:
                self._replace(dataset_ref, ns[term], Literal(text))

    def _legislation(self, dataset_dict, dataset_ref) -> None:
        """Legal bases as ``eli:LegalResource`` IRIs (minted for text), labelled with the text."""
        site, ns = _site_url(), vocab.namespace(_site_url())
        for field, term in (("open_legal_basis", "openLegalBasis"),
                            ("share_legal_basis", "shareLegalBasis")):
            text = (dataset_dict.get(field) or "").strip()
            if not text:
                continue
            iri = vocab.legal_basis_iri(site, text)
            self.g.add((dataset_ref, DCATAP.applicableLegislation, iri))
            self.g.add((dataset_ref, ns[term], iri))
            self.g.add((iri, RDF.type, vocab.ELI.LegalResource))
            if not vocab.is_iri(text):
                self._replace(iri, RDFS.label, Literal(text))

    def _access(self, dataset_dict, dataset_ref) -> None:
        """Landing page and access URLs: where the viewer's data URL was withheld, the page
        that leads to the data, never an empty or missing access URL (DCAT-AP requires one)."""
        conditional_open = dataset_dict.get("open_class") == "conditional"
        requestable = conditional_open or dataset_dict.get("share_class") == "conditional"
        withheld_page = URIRef(request_page(dataset_dict) if requestable
                               else dataset_page(dataset_dict))
        if conditional_open:
            self._replace(dataset_ref, DCAT.landingPage, URIRef(request_page(dataset_dict)),
                          FOAF.Document)
        elif (dataset_ref, DCAT.landingPage, None) not in self.g:
            self._replace(dataset_ref, DCAT.landingPage, URIRef(dataset_page(dataset_dict)),
                          FOAF.Document)
        for landing in self.g.objects(dataset_ref, DCAT.landingPage):
            self.g.add((landing, RDF.type, FOAF.Document))
        for resource in dataset_dict.get("resources") or []:
            distribution = URIRef(resource_uri(resource))
            if not (resource.get("url") or "").strip():
                self.g.remove((distribution, DCAT.downloadURL, None))
                self._replace(distribution, DCAT.accessURL, withheld_page)

    def _formats(self, dataset_dict) -> None:
        """``dct:format`` and ``dcat:mediaType`` as the IRIs DCAT-AP 3 requires, or nothing."""
        for resource in dataset_dict.get("resources") or []:
            distribution = URIRef(resource_uri(resource))
            for predicate, to_iri, rdf_class in (
                    (DCT["format"], vocab.file_type, DCT.MediaTypeOrExtent),
                    (DCAT.mediaType, vocab.media_type, DCT.MediaType)):
                for value in list(self.g.objects(distribution, predicate)):
                    if isinstance(value, Literal):
                        self.g.remove((distribution, predicate, value))
                        value = to_iri(str(value))
                        if value is None:
                            continue
                        self.g.add((distribution, predicate, value))
                    self.g.add((value, RDF.type, rdf_class))

    def _derivations(self, dataset_dict, dataset_ref) -> None:
        for source in derivation_sources(dataset_dict):
            source_ref = URIRef(source.dataset_uri)
            self.g.add((source_ref, RDF.type, DCAT.Dataset))
            self.g.add((dataset_ref, PROV.wasDerivedFrom, source_ref))
            self.g.add((dataset_ref, DCT.source, source_ref))
            derivation = BNode()
            self.g.add((dataset_ref, PROV.qualifiedDerivation, derivation))
            self.g.add((derivation, RDF.type, PROV.Derivation))
            self.g.add((derivation, PROV.entity, source_ref))
            if source.acquired_on:
                self.g.add((derivation, PROV.atTime,
                            Literal(source.acquired_on.isoformat(), datatype=XSD.date)))

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        """What DCAT-AP requires of the catalog and CKAN's config may not give."""
        self.g.bind(vocab.PREFIX, vocab.namespace(_site_url()), replace=True)
        if (catalog_ref, DCT.description, None) not in self.g:
            self.g.add((catalog_ref, DCT.description, Literal(
                "Government data resource catalog of Dongchangfu District", lang="en")))
            self.g.add((catalog_ref, DCT.description, Literal("东昌府区政务数据资源目录",
                                                              lang="zh")))
        if (catalog_ref, DCT.publisher, None) not in self.g:
            self._catalog_publisher(catalog_ref)
        for value in list(self.g.objects(catalog_ref, DCT.language)):
            if isinstance(value, Literal):
                self.g.remove((catalog_ref, DCT.language, value))
                language = vocab.language(str(value))
                if language is not None:
                    self.g.add((catalog_ref, DCT.language, language))
        for value in self.g.objects(catalog_ref, DCT.language):
            self.g.add((value, RDF.type, DCT.LinguisticSystem))
        for homepage in self.g.objects(catalog_ref, FOAF.homepage):
            self.g.add((homepage, RDF.type, FOAF.Document))
        self._public_modification(catalog_ref)

    def _catalog_publisher(self, catalog_ref) -> None:
        """The Big Data Bureau publishes the catalog (Art. 13); the site if none is set up."""
        from ckan import model

        from ckanext.dongchang.logic import audience

        bureau = next(iter(audience.bureau_org_ids()), None)
        group = model.Group.get(bureau) if bureau else None
        if group is not None:
            agent = URIRef(f"{_site_url()}/organization/{group.id}")
            name = group.title or group.name
        else:
            agent, name = BNode(), tk.config.get("ckan.site_title") or _site_url()
        self.g.add((catalog_ref, DCT.publisher, agent))
        self.g.add((agent, RDF.type, FOAF.Agent))
        self.g.add((agent, FOAF.name, Literal(name)))

    def _public_modification(self, catalog_ref) -> None:
        """ckanext-dcat dates the catalog from *all* entries, private ones included; the public
        feed must not reveal when a hidden entry changed, so use the newest public entry."""
        self.g.remove((catalog_ref, DCT.modified, None))
        result = tk.get_action("package_search")(
            {"user": "", "auth_user_obj": None},
            {"sort": "metadata_modified desc", "rows": 1, "fl": ["metadata_modified"]})
        if result["results"]:
            self._add_date_triple(catalog_ref, DCT.modified,
                                  result["results"][0]["metadata_modified"])

    # --- RDF → CKAN -----------------------------------------------------------------------
    def parse_dataset(self, dataset_dict, dataset_ref):
        """Turn our mapping back into the schema's fields.

        Runs after ``euro_dcat_ap_3``'s parser, which left the standard values it cannot place
        in our schema as extras (``access_rights``, ``frequency``, ``identifier``,
        ``applicable_legislation``); the ones mapped here are removed from the extras.
        """
        extras = {e["key"]: e["value"] for e in dataset_dict.get("extras") or []}
        consumed: set[str] = set()
        open_class = vocab.open_class_of(self._object(dataset_ref, DCT.accessRights))
        if open_class:
            dataset_dict["open_class"] = open_class
            consumed.add("access_rights")
        cycle = vocab.update_cycle_of(self._object(dataset_ref, DCT.accrualPeriodicity))
        if cycle:
            dataset_dict["update_cycle"] = cycle
            consumed.add("frequency")
        if extras.get("identifier"):
            dataset_dict["resource_code"] = extras["identifier"]
            consumed.add("identifier")
        if self._parse_own_terms(dataset_dict, dataset_ref):
            consumed.add("applicable_legislation")
        dataset_dict["extras"] = [e for e in dataset_dict.get("extras") or []
                                  if e["key"] not in consumed]
        self._parse_distributions(dataset_dict)
        return dataset_dict

    def _parse_own_terms(self, dataset_dict, dataset_ref) -> bool:
        """Read ``dc:`` terms of any portal; True when the legal bases came from them."""
        legal = False
        for predicate, value in self.g.predicate_objects(dataset_ref):
            name = vocab.term_name(predicate)
            if name is None:
                continue
            field, kind = vocab.TERM_FIELDS.get(name), vocab.TERMS.get(name, ("",))[0]
            if name == "shareClass":
                share_class = vocab.term_name(value)
                if share_class in vocab.SHARE_CLASSES:
                    dataset_dict["share_class"] = share_class
            elif kind == "legislation":
                label = self._object_value(value, RDFS.label)
                dataset_dict[field] = label or str(value)
                legal = True
            elif kind == "text":
                dataset_dict[field] = str(value)
        return legal

    def _parse_distributions(self, dataset_dict) -> None:
        for resource in dataset_dict.get("resources") or []:
            fmt = vocab.format_of(resource.get("format"))
            if fmt:
                resource["format"] = fmt
            mimetype = vocab.mimetype_of(resource.get("mimetype"))
            if mimetype:
                resource["mimetype"] = mimetype
