"""The DCAT vocabulary mapping (F-9; DESIGN §6), without services."""
from __future__ import annotations

import pytest
import rdflib
from hypothesis import given
from hypothesis import strategies as st
from rdflib import URIRef
from rdflib.namespace import RDFS

from ckanext.dongchang.catalog.rules.classes import OPEN_CLASSES, SHARE_CLASSES
from ckanext.dongchang.dcat import vocabulary as vocab

AUTHORITY = "http://publications.europa.eu/resource/authority/"
SITE = "https://data.dongchangfu.example.gov.cn"


def _schema_update_cycles() -> list[str]:
    import pathlib

    import yaml

    schema = yaml.safe_load((pathlib.Path(vocab.__file__).parents[1] / "schemas"
                             / "catalog_entry.yaml").read_text(encoding="utf-8"))
    field = next(f for f in schema["dataset_fields"] if f["field_name"] == "update_cycle")
    return [choice["value"] for choice in field["choices"]]


def test_f9_every_open_class_has_its_own_eu_access_right():
    rights = {c: vocab.access_right(c) for c in OPEN_CLASSES}
    assert rights == {
        "unconditional": URIRef(AUTHORITY + "access-right/PUBLIC"),
        "conditional": URIRef(AUTHORITY + "access-right/RESTRICTED"),
        "not_open": URIRef(AUTHORITY + "access-right/NON_PUBLIC"),
    }
    assert {vocab.open_class_of(iri) for iri in rights.values()} == set(OPEN_CLASSES)
    assert vocab.access_right("") is None and vocab.open_class_of(URIRef(SITE)) is None


def test_f9_every_update_cycle_of_the_schema_maps_to_the_eu_frequency_table():
    cycles = _schema_update_cycles()
    frequencies = {cycle: vocab.frequency(cycle) for cycle in cycles}
    assert all(str(iri).startswith(AUTHORITY + "frequency/") for iri in frequencies.values())
    assert len(set(frequencies.values())) == len(cycles)
    assert frequencies["realtime"] == URIRef(AUTHORITY + "frequency/CONT")
    assert frequencies["semiannual"] == URIRef(AUTHORITY + "frequency/BIANNUAL")
    assert frequencies["irregular"] == URIRef(AUTHORITY + "frequency/IRREG")
    assert all(vocab.update_cycle_of(iri) == cycle for cycle, iri in frequencies.items())


def test_f9_share_classes_are_terms_of_our_vocabulary():
    assert vocab.SHARE_CLASSES == SHARE_CLASSES
    ns = vocab.namespace(SITE + "/")
    assert str(ns.shareClass) == SITE + "/ns/dongchang#shareClass"
    assert vocab.term_name(ns.conditional) == "conditional"
    # a feed harvested from another portal uses that portal's namespace
    assert vocab.term_name(URIRef("http://other.example/ns/dongchang#openConditions")) == \
        "openConditions"
    assert vocab.term_name(URIRef("http://other.example/ns/dongchang#nonsense")) is None
    assert vocab.term_name(rdflib.Literal(SITE + "/ns/dongchang#shareClass")) is None


@given(st.text(min_size=1).filter(lambda t: t.strip() and not vocab.is_iri(t)))
def test_f9_text_legal_bases_get_stable_iris_under_the_site(text):
    iri = vocab.legal_basis_iri(SITE, text)
    assert iri == vocab.legal_basis_iri(SITE + "/", f"  {text} ")
    assert str(iri).startswith(SITE + "/legal-basis/")
    assert len(str(iri).rsplit("/", 1)[1]) == 40


def test_f9_legal_bases_that_are_iris_are_kept():
    eli = "https://flk.npc.gov.cn/detail2.html?ZmY4MDgxODE3"
    assert vocab.legal_basis_iri(SITE, f" {eli} ") == URIRef(eli)
    assert vocab.legal_basis_iri(SITE, "《个人信息保护法》第十三条") != vocab.legal_basis_iri(
        SITE, "《个人信息保护法》第十四条")


@pytest.mark.parametrize("fmt, expected", [
    ("CSV", "CSV"), ("xlsx", "XLSX"), (" json ", "JSON"), ("表格", None), ("", None),
    ("text/csv", None),
])
def test_f9_formats_become_eu_file_types(fmt, expected):
    iri = vocab.file_type(fmt)
    assert (vocab.format_of(iri) if iri is not None else None) == expected


@pytest.mark.parametrize("mimetype, expected", [
    ("text/csv", "https://www.iana.org/assignments/media-types/text/csv"),
    ("application/vnd.ms-excel", "https://www.iana.org/assignments/media-types/"
                                 "application/vnd.ms-excel"),
    ("CSV", None), ("text/ bad", None), (None, None),
])
def test_f9_media_types_become_iana_iris(mimetype, expected):
    iri = vocab.media_type(mimetype)
    assert (str(iri) if iri else None) == expected
    if iri:
        assert vocab.mimetype_of(iri) == mimetype


def test_f9_catalog_language_from_the_locale():
    assert vocab.language("zh_Hans_CN") == URIRef(AUTHORITY + "language/ZHO")
    assert vocab.language("en") == URIRef(AUTHORITY + "language/ENG")
    assert vocab.language("fr") is None


def test_f9_vocabulary_document_describes_every_term():
    graph = vocab.vocabulary_graph(SITE)
    ns = vocab.namespace(SITE)
    for term in vocab.TERMS:
        assert graph.value(ns[term], RDFS.label) is not None, term
        assert graph.value(ns[term], RDFS.comment) is not None, term
    for code in SHARE_CLASSES:
        assert graph.value(ns[code], RDFS.label) is not None, code
    assert set(vocab.FIELD_TERMS.values()) == set(vocab.TERMS)
