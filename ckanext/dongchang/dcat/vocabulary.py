"""The District's terms in RDF: EU authority tables for what DCAT-AP has, our own vocabulary for
what it lacks (DESIGN §6, F-9). No CKAN imports, so the mapping is unit-tested on its own.

Our vocabulary lives at ``<ckan.site_url>/ns/dongchang#`` (prefix ``dc``; the portal serves it
as Turtle at ``/ns/dongchang``):

* ``dc:shareClass`` — how the entry is shared between departments (Art. 19): one of the IRIs
  ``dc:unconditional``, ``dc:conditional``, ``dc:not_shared`` (values are the schema's codes).
* ``dc:shareConditions`` / ``dc:openConditions`` — the conditions of conditional sharing /
  opening, as plain literals; ``dc:shareReason`` / ``dc:openReason`` — why an entry is shared
  or opened less than unconditionally (Art. 19, 22), so a harvesting portal with this schema
  receives an entry that validates.
* ``dc:shareLegalBasis`` / ``dc:openLegalBasis`` — which of the entry's
  ``dcatap:applicableLegislation`` resources limits sharing / opening; the same resource is
  always also given with the standard property, so a harvester that knows nothing of ``dc:``
  still sees every legal basis.

DCAT-AP 3 wants ``dcatap:applicableLegislation`` to be an IRI of an ``eli:LegalResource``, but our
legal bases are free text (e.g. 《中华人民共和国个人信息保护法》第十三条). Text that is already an
http(s) IRI is used as it is; other text gets a stable minted IRI
``<site>/legal-basis/<sha1 of the text>`` with the text as its ``rdfs:label``. Parsing reads the
label back, so a harvester receives the original text. The minted IRIs dereference: the portal
shows the text there for the bases of public entries (``dcat/legal_basis.py``).

The namespace depends on the portal's URL, so parsing recognises our terms by the
``/ns/dongchang#`` ending wherever the feed came from.
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"  # the EU's authority tables
ACCESS_RIGHT = Namespace(EU_AUTHORITY + "access-right/")
FREQUENCY = Namespace(EU_AUTHORITY + "frequency/")
FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
LANGUAGE = Namespace(EU_AUTHORITY + "language/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
ELI = Namespace("http://data.europa.eu/eli/ontology#")
DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
LICENCE = Namespace(EU_AUTHORITY + "licence/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

# Prefixes for the authority tables whose IRIs the profile writes. They change only how Turtle
# abbreviates (``filetype:CSV``), not one triple; and rdflib's Turtle serializer recomputes the
# name of an IRI of an unbound namespace each time it prints it (see ``profile``), so a bound
# namespace also makes the feed cheaper.
AUTHORITY_PREFIXES: dict[str, Namespace] = {
    "accessright": ACCESS_RIGHT,
    "frequency": FREQUENCY,
    "filetype": FILE_TYPE,
    "language": LANGUAGE,
    "eli": ELI,
    "theme": DATA_THEME,
    "licence": LICENCE,
    "vcard": VCARD,
}

NS_PATH = "/ns/dongchang"
LEGAL_BASIS_PATH = "/legal-basis"
NS_SUFFIX = NS_PATH + "#"
PREFIX = "dc"

# Art. 22 open classes → the EU access-right table.
OPEN_CLASS_ACCESS_RIGHTS: dict[str, URIRef] = {
    "unconditional": ACCESS_RIGHT.PUBLIC,
    "conditional": ACCESS_RIGHT.RESTRICTED,
    "not_open": ACCESS_RIGHT.NON_PUBLIC,
}

# The schema's update cycles → the EU frequency table (BIANNUAL is "twice a year" there).
UPDATE_CYCLE_FREQUENCIES: dict[str, URIRef] = {
    "realtime": FREQUENCY.CONT,
    "daily": FREQUENCY.DAILY,
    "weekly": FREQUENCY.WEEKLY,
    "monthly": FREQUENCY.MONTHLY,
    "quarterly": FREQUENCY.QUARTERLY,
    "semiannual": FREQUENCY.BIANNUAL,
    "annual": FREQUENCY.ANNUAL,
    "irregular": FREQUENCY.IRREG,
}

# Locales of the portal → the EU language table (catalog language).
LOCALE_LANGUAGES: dict[str, URIRef] = {"zh": LANGUAGE.ZHO, "en": LANGUAGE.ENG}

# The EU data-theme table (DCAT-AP's themes). Which theme a department's data is under is site
# configuration (``ckanext.dongchang.dcat_themes``); government data without one is GOVE.
THEME_LABELS: dict[str, dict[str, str]] = {
    "AGRI": {"en": "Agriculture, fisheries, forestry and food", "zh": "农业、渔业、林业和食品"},
    "ECON": {"en": "Economy and finance", "zh": "经济和金融"},
    "EDUC": {"en": "Education, culture and sport", "zh": "教育、文化和体育"},
    "ENER": {"en": "Energy", "zh": "能源"},
    "ENVI": {"en": "Environment", "zh": "环境"},
    "GOVE": {"en": "Government and public sector", "zh": "政府和公共部门"},
    "HEAL": {"en": "Health", "zh": "卫生健康"},
    "INTR": {"en": "International issues", "zh": "国际事务"},
    "JUST": {"en": "Justice, legal system and public safety", "zh": "司法、法律制度和公共安全"},
    "OP_DATPRO": {"en": "Provisional data", "zh": "临时数据"},
    "REGI": {"en": "Regions and cities", "zh": "区域和城市"},
    "SOCI": {"en": "Population and society", "zh": "人口和社会"},
    "TECH": {"en": "Science and technology", "zh": "科学和技术"},
    "TRAN": {"en": "Transport", "zh": "交通运输"},
}
EU_THEMES = frozenset(THEME_LABELS)
DEFAULT_THEME = "GOVE"
THEME_SCHEME = URIRef("http://publications.europa.eu/resource/authority/data-theme")

# The area every entry covers (dct:spatial): the district, by its administrative division code
# (GB/T 2260). It is a term of our vocabulary, so its IRI dereferences to its labels.
DISTRICT_CODE = "371502"
DISTRICT_LABELS = {"zh": "东昌府区", "en": "Dongchangfu District, Liaocheng, Shandong"}

SHARE_CLASSES: tuple[str, ...] = ("unconditional", "conditional", "not_shared")

# term name → (kind, English label, comment); kind "class" takes an IRI value, "text" a literal,
# "legislation" an applicableLegislation resource.
TERMS: dict[str, tuple[str, str, str]] = {
    "shareClass": ("class", "share class",
                   "How the entry is shared between government departments (Art. 19)."),
    "shareConditions": ("text", "share conditions",
                        "Conditions of conditional sharing: which departments, which part."),
    "openConditions": ("text", "open conditions",
                       "Conditions under which conditionally open data is provided (Art. 22)."),
    "shareReason": ("text", "reason for limited sharing",
                    "Why the entry is not shared unconditionally (Art. 19)."),
    "openReason": ("text", "reason for limited opening",
                   "Why the entry is not opened unconditionally (Art. 22)."),
    "shareLegalBasis": ("legislation", "legal basis for limited sharing",
                        "The law, regulation or rule that limits sharing."),
    "openLegalBasis": ("legislation", "legal basis for limited opening",
                       "The laws and regulations or relevant national documents that limit"
                       " opening (Art. 22)."),
    "catalogCategory": ("text", "resource category",
                        "base, theme or department information resource (schema code)."),
    "securityGrade": ("text", "data grade",
                      "general, important or core data (schema code; Data Security Law)."),
    "shareMethod": ("text", "share method", "api, file or database (schema code)."),
    "relatedResourceCodes": ("text", "related resource codes",
                             "Resource codes of related catalog entries, comma-separated."),
    "dataItems": ("json", "data items",
                  "The entry's data items (name, type, description, authoritative source"
                  " department) as a JSON array."),
}
# dataset field → our term
FIELD_TERMS: dict[str, str] = {
    "share_class": "shareClass",
    "share_conditions": "shareConditions",
    "open_conditions": "openConditions",
    "share_reason": "shareReason",
    "open_reason": "openReason",
    "share_legal_basis": "shareLegalBasis",
    "open_legal_basis": "openLegalBasis",
    "catalog_category": "catalogCategory",
    "security_grade": "securityGrade",
    "share_method": "shareMethod",
    "related_resource_codes": "relatedResourceCodes",
    "data_items": "dataItems",
}
TERM_FIELDS: dict[str, str] = {term: field for field, term in FIELD_TERMS.items()}

# The lookups below are pure functions of short strings that repeat across a feed (a handful of
# formats, classes, cycles and legal bases over thousands of entries): memoised per process.
_memoised = functools.lru_cache(maxsize=4096)


@_memoised
def namespace(site_url: str) -> Namespace:
    """Our vocabulary's namespace on this portal."""
    return Namespace(site_url.rstrip("/") + NS_SUFFIX)


def term_name(predicate: object) -> str | None:
    """The local name of one of our terms, from any portal's namespace; None for other IRIs."""
    text = str(predicate)
    if not isinstance(predicate, URIRef) or NS_SUFFIX not in text:
        return None
    name = text.rsplit(NS_SUFFIX, 1)[1]
    return name if name in TERMS or name in SHARE_CLASSES else None


def _both_ways(terms: dict[str, URIRef]) -> tuple[Callable[[str | None], URIRef | None],
                                                  Callable[[object], str | None]]:
    """A code table read both ways: the term of our code, and our code whose term is an IRI
    (read back from any harvested graph); None where there is none."""
    def term_of(code: str | None) -> URIRef | None:
        return terms.get(code or "")

    def code_of(iri: object) -> str | None:
        for code, term in terms.items():
            if str(iri) == str(term):
                return code
        return None

    return term_of, code_of


access_right, open_class_of = _both_ways(OPEN_CLASS_ACCESS_RIGHTS)
frequency, update_cycle_of = _both_ways(UPDATE_CYCLE_FREQUENCIES)


def is_iri(text: str) -> bool:
    stripped = text.strip()
    return stripped.startswith(("http://", "https://")) and not any(
        c in stripped for c in ' <>"{}|\\^`')


@_memoised
def legal_basis_iri(site_url: str, text: str) -> URIRef:
    """The IRI that stands for a legal basis: the text itself if it is an IRI, else minted."""
    if is_iri(text):
        return URIRef(text.strip())
    return URIRef(f"{site_url.rstrip('/')}{LEGAL_BASIS_PATH}/{legal_basis_digest(text)}")


def legal_basis_digest(text: str) -> str:
    """What names a legal basis text in its minted IRI (the portal serves the text there)."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()


@_memoised
def file_type(fmt: str | None) -> URIRef | None:
    """A CKAN format label ("CSV", "xlsx") as an EU file-type IRI; None if it cannot be one."""
    code = (fmt or "").strip().upper()
    if not code or not all(c.isascii() and (c.isalnum() or c in "_-") for c in code):
        return None
    return FILE_TYPE[code]


def format_of(file_type_iri: object) -> str | None:
    text = str(file_type_iri)
    return text[len(str(FILE_TYPE)):] if text.startswith(str(FILE_TYPE)) else None


@_memoised
def media_type(mimetype: str | None) -> URIRef | None:
    """An IANA media type ("text/csv") as its IANA IRI; None if it does not look like one."""
    text = (mimetype or "").strip()
    if text.startswith(IANA_MEDIA_TYPES):
        return URIRef(text)
    kind, slash, sub = text.partition("/")
    if not slash or not kind or not sub or any(c in text for c in ' <>"{}|\\^`'):
        return None
    return URIRef(IANA_MEDIA_TYPES + text)


def mimetype_of(media_type_iri: object) -> str | None:
    text = str(media_type_iri)
    return text[len(IANA_MEDIA_TYPES):] if text.startswith(IANA_MEDIA_TYPES) else None


def language(locale: str | None) -> URIRef | None:
    return LOCALE_LANGUAGES.get((locale or "").split("_")[0].lower())


def themes(setting: str) -> dict[str, str]:
    """``ckanext.dongchang.dcat_themes`` ("dept-name=ECON other=HEAL") as department → EU
    theme code; pairs naming no EU theme are left out."""
    pairs = (item.partition("=") for item in setting.split())
    return {name: code.upper() for name, _, code in pairs
            if name and code.upper() in EU_THEMES}


def theme(code: str | None) -> URIRef:
    """The EU data-theme IRI of ``code``; GOVE (government and public sector) otherwise."""
    code = (code or "").upper()
    return DATA_THEME[code if code in EU_THEMES else DEFAULT_THEME]


def term_code(iri: object) -> str:
    """The code at the end of an authority-table IRI (``…/data-theme/GOVE`` → ``GOVE``)."""
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def district_iri(site_url: str) -> URIRef:
    return namespace(site_url)[f"area-{DISTRICT_CODE}"]


_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def language_tag(text: str) -> str | None:
    """``zh`` for text with Chinese characters; None for other text (codes, numbers, names in
    Latin letters could be any language, and a wrong tag is worse than none)."""
    for char in text:
        point = ord(char)
        if any(low <= point <= high for low, high in _CJK_RANGES):
            return "zh"
    return None


def vocabulary_graph(site_url: str) -> Graph:
    """Our vocabulary as RDF, served at ``/ns/dongchang`` so the namespace dereferences."""
    ns = namespace(site_url)
    graph = Graph()
    graph.bind(PREFIX, ns)
    ontology = URIRef(site_url.rstrip("/") + NS_PATH)
    graph.add((ontology, RDF.type, OWL.Ontology))
    graph.add((ontology, RDFS.label, Literal("Dongchangfu District catalog terms", lang="en")))
    graph.add((ontology, RDFS.label, Literal("东昌府区政务数据目录术语", lang="zh")))
    for name, (kind, label, comment) in TERMS.items():
        term = ns[name]
        datatype = kind in ("text", "json")
        graph.add((term, RDF.type, OWL.DatatypeProperty if datatype else OWL.ObjectProperty))
        graph.add((term, RDFS.label, Literal(label, lang="en")))
        graph.add((term, RDFS.comment, Literal(comment, lang="en")))
        graph.add((term, RDFS.isDefinedBy, ontology))
        if kind == "text":
            graph.add((term, RDFS.range, XSD.string))
        elif kind == "json":
            graph.add((term, RDFS.range, RDF.JSON))
        elif kind == "legislation":
            graph.add((term, RDFS.range, ELI.LegalResource))
    area = district_iri(site_url)
    graph.add((area, RDF.type, DCT.Location))
    graph.add((area, DCT.identifier, Literal(DISTRICT_CODE)))
    for lang, label in DISTRICT_LABELS.items():
        graph.add((area, SKOS.prefLabel, Literal(label, lang=lang)))
    graph.add((area, RDFS.isDefinedBy, ontology))
    for code, label in (("unconditional", "unconditional sharing"),
                        ("conditional", "conditional sharing"), ("not_shared", "not shared")):
        graph.add((ns[code], RDF.type, OWL.NamedIndividual))
        graph.add((ns[code], RDFS.label, Literal(label, lang="en")))
        graph.add((ns[code], RDFS.isDefinedBy, ontology))
    return graph
