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
while the dataset lands (``dcat:landingPage``) on its public entry page, which everyone may read
(the request page asks anonymous visitors to log in first); a viewer who may use the data
(owner, Bureau, grantee) gets the real URL, as on every other surface (DESIGN §4). A blanked
resource of an entry that cannot be requested points to the entry's page. Not-open entries are
private for the public, so public feeds never contain them.

Also filled in here because DCAT-AP 3's SHACL shapes require them and ckanext-dcat writes
literals or nothing: format and media type as EU file-type / IANA IRIs, the catalog's
description, publisher (the Bureau), language (EU table) and typed homepage.

Cost. ckanext-dcat builds a profile object per dataset and profile, and a catalog page puts
100 datasets in one graph, so this profile keeps what is the same for the whole graph (the
portal's URLs, and which IRIs already carry their ``rdf:type`` or label) in a small state
attached to the graph, reads the distributions from the graph instead of recomputing their
URIs, and does not look up the scheming schema it never uses. It also binds prefixes for the
namespaces its IRIs live in (EU authority tables, ELI, the portal's dataset pages). That changes
how Turtle abbreviates, not a triple; but rdflib's Turtle serializer does not remember that an
IRI has no prefix, and splits it again each time it prints it, scanning every namespace it has
seen under the same stem (under ``<site>/dataset/``: one or more per dataset of the page), so
unprefixed landing pages made the Turtle of a page grow faster than its triples.
``benchmarks/dcat_profile.py`` measures all of this against stock ``euro_dcat_ap_3``.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS, SKOS, XSD

from ckanext.dcat.profiles import DCAT, DCATAP, DCT
from ckanext.dcat.profiles.base import RDFProfile
from ckanext.dcat.utils import publisher_uri_organization_fallback, resource_uri
from ckanext.dongchang.access import audience
from ckanext.dongchang.dcat import vocabulary as vocab
from ckanext.dongchang.kernel.rules import date_or_none

# Our text terms and legal-basis terms, in the order the fields are written.
_TEXT_TERMS = tuple((f, t) for f, t in vocab.FIELD_TERMS.items() if vocab.TERMS[t][0] == "text")
_JSON_TERMS = tuple((f, t) for f, t in vocab.FIELD_TERMS.items() if vocab.TERMS[t][0] == "json")
_LEGAL_TERMS = (("open_legal_basis", "openLegalBasis"), ("share_legal_basis", "shareLegalBasis"))
# Literals ckanext-dcat writes without a language tag; tagged here when they are Chinese.
_TEXT_PREDICATES = (DCT.title, DCT.description, DCAT.keyword)
_DATES = (DCT.modified, DCT.issued)
_BEIJING = dt.timezone(dt.timedelta(hours=8))
_WEB_PAGE_FORMATS = frozenset({"html", "htm", "php", "asp", "aspx", "jsp"})
# dct:format and dcat:mediaType: how a literal becomes an IRI, and the class of the IRI.
_FORMAT_TERMS = ((DCT["format"], vocab.file_type, DCT.MediaTypeOrExtent),
                 (DCAT.mediaType, vocab.media_type, DCT.MediaType))
_STATE_ATTRIBUTE = "_dongchang_dcat_state"


@dataclass(frozen=True)
class DerivationSource:
    """One source of a derived data product (Art. 25): the source entry and when it was got."""

    dataset_uri: str
    acquired_on: dt.date | None = None
    title: str = ""
    description: str = ""


def derivation_sources(dataset_dict: dict[str, Any]) -> list[DerivationSource]:
    """The catalog entries a data product (F-7) was derived from, as registered in its
    ``sources``; a catalog entry is primary data and has none. Sources the reader may not see
    were already taken out of ``dataset_dict`` (``access.enforcement``), so none is named here.
    Each comes with its title and description: ``dct:source`` must name a ``dcat:Dataset``, and
    DCAT-AP requires both of every ``dcat:Dataset`` in the document (tests/dcat/
    test_every_document.py).
    """
    sources = _registered_sources(dataset_dict)
    texts = _entry_texts([source["dataset_id"] for source in sources])
    return [DerivationSource(f"{_site_url()}/dataset/{source['dataset_id']}",
                             date_or_none(source.get("acquired_on")),
                             *texts.get(source["dataset_id"], ("", "")))
            for source in sources]


def reads_other_entries(dataset_dict: dict[str, Any]) -> bool:
    """Whether this profile's DCAT of the entry reads other entries (a product's sources'
    titles and descriptions), so that it is not a function of the entry's own fields
    (``entry_cache`` keeps only renderings that are)."""
    return bool(_registered_sources(dataset_dict))


def _registered_sources(dataset_dict: dict[str, Any]) -> list[dict[str, Any]]:
    return [source for source in dataset_dict.get("sources") or []
            if isinstance(source, dict) and isinstance(source.get("dataset_id"), str)
            and source["dataset_id"]]


def _entry_texts(ids: list[str]) -> dict[str, tuple[str, str]]:
    """Title and description of each entry, in one query."""
    if not ids:
        return {}
    rows = model.Session.query(model.Package.id, model.Package.title, model.Package.notes).filter(
        model.Package.id.in_(ids))
    return {row.id: (row.title or "", row.notes or "") for row in rows}


def _json_value(value) -> object:
    """A JSON literal read back (our ``dataItems``); the text itself if it is not JSON."""
    try:
        return json.loads(str(value))
    except ValueError:
        return str(value)


def _site_url() -> str:
    return tk.config.get("ckan.site_url", "").rstrip("/")


def dataset_page(dataset_dict: dict[str, Any], site_url: str | None = None) -> str:
    site = _site_url() if site_url is None else site_url
    return f"{site}/dataset/{dataset_dict.get('name') or dataset_dict.get('id')}"


@dataclass
class _GraphState:
    """What stays the same while one graph is written (a catalog page, or one dataset)."""

    site: str
    ns: Namespace
    # (node, rdf:type class) pairs, and (node, rdfs:label / foaf:name) of the legal bases and
    # agents already labelled or named in the graph: the same access rights, frequencies,
    # formats, laws and departments recur on every dataset of a page.
    done: set[tuple[Any, Any]] = field(default_factory=set)
    # The site's settings the recommended properties use, read once per graph.
    themes: dict[str, str] = field(default_factory=dict)
    licence: URIRef | None = None
    language: URIRef | None = None


def _settings(state: _GraphState) -> _GraphState:
    state.themes = vocab.themes(tk.config.get("ckanext.dongchang.dcat_themes") or "")
    state.licence = URIRef(tk.config.get("ckanext.dongchang.open_licence")
                           or str(vocab.LICENCE.CC_BY_4_0))
    state.language = vocab.language(tk.config.get("ckan.locale_default")) or vocab.LANGUAGE.ZHO
    return state


class DongchangDCATProfile(RDFProfile):
    def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
        """What ``RDFProfile.__init__`` sets, without its scheming schema lookup.

        ckanext-dcat builds a profile per dataset, and the base constructor asks scheming for the
        dataset schema through an action each time; nothing here reads that schema.
        """
        self.g = graph
        self.compatibility_mode = compatibility_mode
        self._default_lang = tk.config.get("ckan.locale_default", "en")
        self._default_locale_lang = None

    def _state(self) -> _GraphState:
        """The graph's state, made (and the prefixes bound) by the first profile to write it."""
        state = getattr(self.g, _STATE_ATTRIBUTE, None)
        if state is None:
            site = _site_url()
            state = _settings(_GraphState(site=site, ns=vocab.namespace(site)))
            self.g.bind(vocab.PREFIX, state.ns, replace=True)
            for prefix, namespace in vocab.AUTHORITY_PREFIXES.items():
                self.g.bind(prefix, namespace)
            self.g.bind("dataset", Namespace(f"{site}/dataset/"))
            setattr(self.g, _STATE_ATTRIBUTE, state)
        return state

    def _typed(self, state: _GraphState, node, rdf_class) -> None:
        if (node, rdf_class) not in state.done:
            self.g.add((node, RDF.type, rdf_class))
            state.done.add((node, rdf_class))

    # --- CKAN → RDF -----------------------------------------------------------------------
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        """Complete and correct, in place, what ``euro_dcat_ap_3`` wrote for this dataset."""
        state = self._state()
        self._coded(state, dataset_ref, DCT.accessRights, DCT.RightsStatement,
                    vocab.access_right(dataset_dict.get("open_class")))
        self._coded(state, dataset_ref, DCT.accrualPeriodicity, DCT.Frequency,
                    vocab.frequency(dataset_dict.get("update_cycle")))
        self._identifier(dataset_dict, dataset_ref)
        self._publisher(state, dataset_dict, dataset_ref)
        self._own_terms(state, dataset_dict, dataset_ref)
        self._legislation(state, dataset_dict, dataset_ref)
        self._access(state, dataset_dict, dataset_ref)
        self._formats(state, dataset_ref)
        self._derivations(dataset_dict, dataset_ref)
        self._recommended(state, dataset_dict, dataset_ref)

    def _replace(self, subject, predicate, value) -> None:
        self.g.remove((subject, predicate, None))
        if value is not None:
            self.g.add((subject, predicate, value))

    def _coded(self, state, dataset_ref, predicate, rdf_type, term) -> None:
        """A code of ours as its controlled-vocabulary term (typed ``rdf_type``), replacing
        what ckanext-dcat wrote; an unknown code leaves it as it was."""
        if term is not None:
            self._replace(dataset_ref, predicate, term)
            self._typed(state, term, rdf_type)

    def _identifier(self, dataset_dict, dataset_ref) -> None:
        code = (dataset_dict.get("resource_code") or "").strip()
        if code:
            self._replace(dataset_ref, DCT.identifier, Literal(code))

    def _publisher(self, state, dataset_dict, dataset_ref) -> None:
        """The department is the publisher; ckanext-dcat usually wrote it from the organization.

        Make sure it is there and named: DCAT-AP requires ``foaf:name`` on every agent. The
        department's agent is one IRI for all its datasets: checked once per graph.
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
            if name and (agent, FOAF.name) not in state.done:
                if (agent, FOAF.name, None) not in self.g:
                    self.g.add((agent, FOAF.name, Literal(name)))
                state.done.add((agent, FOAF.name))

    def _own_terms(self, state, dataset_dict, dataset_ref) -> None:
        share_class = dataset_dict.get("share_class")
        if share_class in vocab.SHARE_CLASSES:
            self._replace(dataset_ref, state.ns.shareClass, state.ns[share_class])
        for field_name, term in _TEXT_TERMS:
            text = dataset_dict.get(field_name)
            text = text.strip() if isinstance(text, str) else ""
            if text:
                self._replace(dataset_ref, state.ns[term],
                              Literal(text, lang=vocab.language_tag(text)))
        for field_name, term in _JSON_TERMS:
            value = dataset_dict.get(field_name)
            if value:
                self._replace(dataset_ref, state.ns[term], Literal(
                    json.dumps(value, ensure_ascii=False, sort_keys=True), datatype=RDF.JSON))

    def _legislation(self, state, dataset_dict, dataset_ref) -> None:
        """Legal bases as ``eli:LegalResource`` IRIs (minted for text), labelled with the text."""
        for field_name, term in _LEGAL_TERMS:
            text = (dataset_dict.get(field_name) or "").strip()
            if not text:
                continue
            iri = vocab.legal_basis_iri(state.site, text)
            self.g.add((dataset_ref, DCATAP.applicableLegislation, iri))
            self.g.add((dataset_ref, state.ns[term], iri))
            self._typed(state, iri, vocab.ELI.LegalResource)
            # The label is a function of the IRI (minted from the same text): once per graph.
            if not vocab.is_iri(text) and (iri, RDFS.label) not in state.done:
                self._replace(iri, RDFS.label, Literal(text))
                state.done.add((iri, RDFS.label))

    def _access(self, state, dataset_dict, dataset_ref) -> None:
        """Landing page and access URLs: where the viewer's data URL was withheld, the page
        that leads to the data, never an empty or missing access URL (DCAT-AP requires one)."""
        requestable = "conditional" in (dataset_dict.get("open_class"),
                                        dataset_dict.get("share_class"))
        page = dataset_page(dataset_dict, state.site)
        landings = list(self.g.objects(dataset_ref, DCAT.landingPage))
        if not landings:
            landings = [URIRef(page)]
            self.g.add((dataset_ref, DCAT.landingPage, landings[0]))
        for landing in landings:
            self._typed(state, landing, FOAF.Document)
        withheld = [r for r in dataset_dict.get("resources") or []
                    if not (r.get("url") or "").strip()]
        if not withheld:
            return
        withheld_page = URIRef(page + "/request" if requestable else page)
        for resource in withheld:
            distribution = URIRef(resource_uri(resource))
            self.g.remove((distribution, DCAT.downloadURL, None))
            self._replace(distribution, DCAT.accessURL, withheld_page)

    def _formats(self, state, dataset_ref) -> None:
        """``dct:format`` and ``dcat:mediaType`` as the IRIs DCAT-AP 3 requires, or nothing.

        The distributions are the ones ``euro_dcat_ap_3`` linked to the dataset, one per
        resource, read from the graph rather than recomputed from the resources.
        """
        for distribution in list(self.g.objects(dataset_ref, DCAT.distribution)):
            for predicate, to_iri, rdf_class in _FORMAT_TERMS:
                for value in list(self.g.objects(distribution, predicate)):
                    if isinstance(value, Literal):
                        self.g.remove((distribution, predicate, value))
                        value = to_iri(str(value))
                        if value is None:
                            continue
                        self.g.add((distribution, predicate, value))
                    self._typed(state, value, rdf_class)

    def _derivations(self, dataset_dict, dataset_ref) -> None:
        for source in derivation_sources(dataset_dict):
            source_ref = URIRef(source.dataset_uri)
            self.g.add((source_ref, RDF.type, DCAT.Dataset))
            for predicate, text in ((DCT.title, source.title),
                                    (DCT.description, source.description)):
                if text:
                    tag = vocab.language_tag(text)
                    self.g.add((source_ref, predicate, Literal(text, lang=tag)))
            self.g.add((dataset_ref, PROV.wasDerivedFrom, source_ref))
            self.g.add((dataset_ref, DCT.source, source_ref))
            derivation = BNode()
            self.g.add((dataset_ref, PROV.qualifiedDerivation, derivation))
            self.g.add((derivation, RDF.type, PROV.Derivation))
            self.g.add((derivation, PROV.entity, source_ref))
            if source.acquired_on:
                self.g.add((derivation, PROV.atTime,
                            Literal(source.acquired_on.isoformat(), datatype=XSD.date)))

    # --- DCAT-AP recommended properties (issue 19 item 6) ----------------------------------
    def _recommended(self, state, dataset_dict, dataset_ref) -> None:
        """What DCAT-AP recommends and harvesters such as data.europa.eu show: theme, licence of
        open data, contact point, area, language, language tags, direct download URLs and
        dates with their time zone."""
        self._replace(dataset_ref, DCAT.theme, self._theme(state, dataset_dict))
        self._replace(dataset_ref, DCT.spatial, self._district(state))
        self._replace(dataset_ref, DCT.language, self._language(state))
        self._contact_point(state, dataset_dict, dataset_ref)
        distributions = list(self.g.objects(dataset_ref, DCAT.distribution))
        if dataset_dict.get("open_class") == "unconditional":
            licence = self._licence(state)
            for distribution in distributions:
                self._replace(distribution, DCT.license, licence)
            self._download_urls(dataset_dict)
        for node in (dataset_ref, *distributions):
            self._tag_languages(node)
            self._zoned_dates(node)

    def _theme(self, state, dataset_dict) -> URIRef:
        org = dataset_dict.get("organization") or {}
        iri = vocab.theme(state.themes.get(org.get("name") or ""))
        if (iri, SKOS.Concept) not in state.done:
            self._typed(state, iri, SKOS.Concept)
            self.g.add((iri, SKOS.inScheme, self._theme_scheme(state)))
            for lang, label in vocab.THEME_LABELS[vocab.term_code(iri)].items():
                self.g.add((iri, SKOS.prefLabel, Literal(label, lang=lang)))
        return iri

    def _theme_scheme(self, state) -> URIRef:
        """The EU data-theme table, described once per graph (a dataset's own document, read
        alone, describes it as the catalog does)."""
        scheme = vocab.THEME_SCHEME
        if (scheme, SKOS.ConceptScheme) not in state.done:
            self._typed(state, scheme, SKOS.ConceptScheme)
            self.g.add((scheme, DCT.title, Literal("Data theme", lang="en")))
            self.g.add((scheme, DCT.title, Literal("数据主题", lang="zh")))
        return scheme

    def _district(self, state) -> URIRef:
        area = vocab.district_iri(state.site)
        self._typed(state, area, DCT.Location)
        return area

    def _language(self, state) -> URIRef:
        self._typed(state, state.language, DCT.LinguisticSystem)
        return state.language

    def _licence(self, state) -> URIRef:
        self._typed(state, state.licence, DCT.LicenseDocument)
        return state.licence

    def _contact_point(self, state, dataset_dict, dataset_ref) -> None:
        """The department answers questions about its data: a vCard of the department with
        its page on the portal (an organisation has no contact e-mail in CKAN)."""
        org = dataset_dict.get("organization") or {}
        if not org.get("name") or (dataset_ref, DCAT.contactPoint, None) in self.g:
            return
        card = URIRef(f"{state.site}/organization/{org['name']}#contact")
        self.g.add((dataset_ref, DCAT.contactPoint, card))
        if (card, vocab.VCARD.fn) not in state.done:
            self._typed(state, card, vocab.VCARD.Organization)
            self.g.add((card, RDF.type, vocab.VCARD.Kind))
            name = org.get("title") or org["name"]
            self.g.add((card, vocab.VCARD.fn, Literal(name, lang=vocab.language_tag(name))))
            self.g.add((card, vocab.VCARD.hasURL, URIRef(f"{state.site}/organization/"
                                                         f"{org['name']}")))
            state.done.add((card, vocab.VCARD.fn))

    def _download_urls(self, dataset_dict) -> None:
        """Files of unconditionally open entries that are the data itself (an upload, or a link
        whose path ends in the file's format, a web page excepted) are also
        ``dcat:downloadURL``."""
        for resource in dataset_dict.get("resources") or []:
            url = (resource.get("url") or "").strip()
            fmt = (resource.get("format") or "").strip().lower()
            direct = resource.get("url_type") == "upload" or (
                fmt and fmt not in _WEB_PAGE_FORMATS
                and url.split("?")[0].lower().endswith("." + fmt))
            if url and direct:
                self._replace(URIRef(resource_uri(resource)), DCAT.downloadURL, URIRef(url))

    def _tag_languages(self, node) -> None:
        for predicate in _TEXT_PREDICATES:
            for value in list(self.g.objects(node, predicate)):
                if isinstance(value, Literal) and not value.language and not value.datatype:
                    tag = vocab.language_tag(str(value))
                    if tag:
                        self.g.remove((node, predicate, value))
                        self.g.add((node, predicate, Literal(str(value), lang=tag)))

    def _zoned_dates(self, node) -> None:
        """CKAN keeps UTC times without a zone; say so, in Beijing time (the portal's)."""
        for predicate in _DATES:
            for value in list(self.g.objects(node, predicate)):
                if not (isinstance(value, Literal) and value.datatype == XSD.dateTime):
                    continue
                moment = value.toPython()
                if isinstance(moment, dt.datetime) and moment.tzinfo is None:
                    zoned = moment.replace(tzinfo=dt.UTC).astimezone(_BEIJING)
                    self.g.remove((node, predicate, value))
                    self.g.add((node, predicate,
                                Literal(zoned.isoformat(), datatype=XSD.dateTime)))

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        """What DCAT-AP requires of the catalog and CKAN's config may not give."""
        state = self._state()
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
        for value in list(self.g.objects(catalog_ref, DCT.language)):
            self._typed(state, value, DCT.LinguisticSystem)
        for homepage in list(self.g.objects(catalog_ref, FOAF.homepage)):
            self._typed(state, homepage, FOAF.Document)
        self._public_dates(catalog_ref)
        self._replace(catalog_ref, DCT.license, self._licence(state))
        self._replace(catalog_ref, DCAT.themeTaxonomy, self._theme_scheme(state))
        self._replace(catalog_ref, DCT.spatial, self._district(state))
        self._zoned_dates(catalog_ref)

    def _catalog_publisher(self, catalog_ref) -> None:
        """The Big Data Bureau publishes the catalog (Art. 13); the site if none is set up."""
        from ckan import model

        bureau = next(iter(audience.bureau_org_ids()), None)
        group = model.Group.get(bureau) if bureau else None
        if group is not None:
            agent = URIRef(f"{self._state().site}/organization/{group.id}")
            name = group.title or group.name
        else:
            agent, name = BNode(), tk.config.get("ckan.site_title") or _site_url()
        self.g.add((catalog_ref, DCT.publisher, agent))
        self.g.add((agent, RDF.type, FOAF.Agent))
        self.g.add((agent, FOAF.name, Literal(name)))

    def _public_dates(self, catalog_ref) -> None:
        """ckanext-dcat dates the catalog from *all* entries, private ones included; the public
        feed must not reveal when a hidden entry changed, so the catalog is modified when its
        newest public entry was, and issued when its oldest public entry was created."""
        self.g.remove((catalog_ref, DCT.modified, None))
        self.g.remove((catalog_ref, DCT.issued, None))
        for predicate, field_name, order in ((DCT.modified, "metadata_modified", "desc"),
                                             (DCT.issued, "metadata_created", "asc")):
            result = tk.get_action("package_search")(
                {"user": "", "auth_user_obj": None},
                {"sort": f"{field_name} {order}", "rows": 1, "fl": [field_name]})
            if result["results"]:
                self._add_date_triple(catalog_ref, predicate, result["results"][0][field_name])

    # --- RDF → CKAN -----------------------------------------------------------------------
    def parse_dataset(self, dataset_dict, dataset_ref):
        """Turn our mapping back into the schema's fields.

        Runs after ``euro_dcat_ap_3``'s parser, which left the standard values it cannot place
        in our schema as extras (``access_rights``, ``frequency``, ``identifier``,
        ``applicable_legislation``); the ones mapped here are removed from the extras.
        """
        extras = {e["key"]: e["value"] for e in dataset_dict.get("extras") or []}
        consumed: set[str] = set()
        # (our field, the extra euro_dcat_ap_3 left, the value read back)
        for key, extra, value in (
                ("open_class", "access_rights",
                 vocab.open_class_of(self._object(dataset_ref, DCT.accessRights))),
                ("update_cycle", "frequency",
                 vocab.update_cycle_of(self._object(dataset_ref, DCT.accrualPeriodicity))),
                ("resource_code", "identifier", extras.get("identifier"))):
            if value:
                dataset_dict[key] = value
                consumed.add(extra)
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
            elif kind == "json":
                dataset_dict[field] = _json_value(value)
        return legal

    def _parse_distributions(self, dataset_dict) -> None:
        for resource in dataset_dict.get("resources") or []:
            fmt = vocab.format_of(resource.get("format"))
            if fmt:
                resource["format"] = fmt
            mimetype = vocab.mimetype_of(resource.get("mimetype"))
            if mimetype:
                resource["mimetype"] = mimetype
