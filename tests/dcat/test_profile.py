"""The ``dongchang_dcat`` profile on its own graphs, without services (F-9; DESIGN §6).

The profile keeps per-graph state so the ~100 datasets of a catalog page do not re-add the same
types and labels; these tests make sure a dataset is described alike on a page or alone.
"""
from __future__ import annotations

import pytest
import rdflib
from ckan.plugins import toolkit as tk
from ckanext.dcat.profiles.base import RDFProfile
from rdflib import ConjunctiveGraph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import FOAF, RDF, RDFS

from ckanext.dongchang.dcat import vocabulary as vocab
from ckanext.dongchang.dcat.profile import DongchangDCATProfile

SITE = "https://data.dongchangfu.example.gov.cn"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
LAW = "《中华人民共和国数据安全法》第二十一条"


@pytest.fixture(autouse=True)
def _site(monkeypatch):
    monkeypatch.setitem(tk.config, "ckan.site_url", SITE)


def _entry(number: int, open_class: str, share_class: str, **fields) -> dict:
    org = {"id": f"org-{number % 2}", "name": f"dept-{number % 2}", "title": f"部门{number % 2}"}
    entry = {"id": f"id-{number}", "name": f"entry-{number}", "open_class": open_class,
             "share_class": share_class, "update_cycle": "monthly",
             "resource_code": f"371502-T-{number:05d}", "organization": org,
             "resources": [{"id": f"res-{number}-{i}", "package_id": f"id-{number}",
                            "format": fmt, "url": "" if open_class != "unconditional"
                            else f"https://files.example.gov.cn/{number}/{i}"}
                           for i, fmt in enumerate(("CSV", "xlsx"))]}
    entry.update(fields)
    return entry


ENTRIES = [
    _entry(1, "unconditional", "unconditional"),
    _entry(2, "conditional", "conditional", open_conditions="须申请", open_reason="含个人信息",
           open_legal_basis=LAW, share_conditions="监管部门", share_reason="经营信息",
           share_legal_basis=LAW),
    _entry(3, "unconditional", "unconditional"),
    _entry(4, "conditional", "unconditional", open_conditions="须申请", open_reason="含个人信息",
           open_legal_basis="https://flk.npc.gov.cn/detail2.html?ZmY4"),
    _entry(5, "not_open", "conditional", open_reason="涉密", open_legal_basis=LAW,
           share_conditions="监管部门", share_reason="经营信息", share_legal_basis=LAW),
]


def _ref(entry: dict) -> URIRef:
    return URIRef(f"{SITE}/dataset/{entry['id']}")


def _write(entries: list[dict]) -> ConjunctiveGraph:
    """One graph, as ckanext-dcat builds it: a profile object per dataset, after what
    ``euro_dcat_ap_3`` writes that this profile reads (distributions with literal formats)."""
    graph = ConjunctiveGraph()
    for entry in entries:
        for resource in entry["resources"]:
            distribution = URIRef(f"{_ref(entry)}/resource/{resource['id']}")
            graph.add((_ref(entry), DCAT.distribution, distribution))
            graph.add((distribution, DCT["format"], Literal(resource["format"])))
        DongchangDCATProfile(graph).graph_from_dataset(entry, _ref(entry))
    return graph


def _description(graph: rdflib.Graph, ref: URIRef) -> rdflib.Graph:
    """Every triple reachable from the dataset: what a harvester reads about it."""
    found, todo, seen = rdflib.Graph(), [ref], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in graph.triples((node, None, None)):
            found.add(triple)
            todo.append(triple[2])
    return found


def test_f9_each_dataset_is_described_alike_alone_or_on_a_catalog_page():
    page = _write(ENTRIES)
    for entry in ENTRIES:
        alone = _description(_write([entry]), _ref(entry))
        assert isomorphic(_description(page, _ref(entry)), alone), entry["name"]


def test_f9_shared_terms_are_typed_and_labelled_on_a_page():
    page = _write(ENTRIES)
    law = vocab.legal_basis_iri(SITE, LAW)
    assert (law, RDF.type, vocab.ELI.LegalResource) in page
    assert list(page.objects(law, RDFS.label)) == [Literal(LAW)]
    for entry in ENTRIES:
        right = vocab.access_right(entry["open_class"])
        assert (_ref(entry), DCT.accessRights, right) in page
        assert (right, RDF.type, DCT.RightsStatement) in page
        for landing in page.objects(_ref(entry), DCAT.landingPage):
            assert (landing, RDF.type, FOAF.Document) in page
    agents = set(page.objects(None, DCT.publisher))
    assert len(agents) == 2 and all(page.value(a, FOAF.name) for a in agents)
    assert not any(isinstance(o, Literal) for o in page.objects(None, DCT["format"]))


def test_f9_turtle_abbreviates_the_authority_tables_it_uses():
    """Bound prefixes change the text, not the triples (and spare rdflib recomputing names)."""
    page = _write(ENTRIES)
    text = page.serialize(format="turtle")
    assert "filetype:CSV" in text and "accessright:RESTRICTED" in text
    assert "frequency:MONTHLY" in text and "eli:LegalResource" in text
    assert "dataset:entry-1 " in text  # landing pages: the portal's dataset pages
    reread = rdflib.Graph().parse(data=text, format="turtle")
    assert isomorphic(reread, rdflib.Graph().parse(
        data=page.serialize(format="nt"), format="nt"))
    iris = [*vocab.OPEN_CLASS_ACCESS_RIGHTS.values(), *vocab.UPDATE_CYCLE_FREQUENCIES.values(),
            *vocab.LOCALE_LANGUAGES.values(), vocab.file_type("CSV")]
    assert all(any(str(iri).startswith(str(ns)) for ns in vocab.AUTHORITY_PREFIXES.values())
               for iri in iris)


def test_f9_profile_constructor_sets_what_the_base_constructor_sets():
    """The profile skips the base constructor's scheming lookup; every other attribute the
    base helpers read must still be there (this fails if ckanext-dcat adds one)."""
    graph = rdflib.Graph()
    ours, base = DongchangDCATProfile(graph, compatibility_mode=True), RDFProfile(graph)
    assert set(vars(base)) <= set(vars(ours))
    assert ours.g is graph and ours.compatibility_mode is True
