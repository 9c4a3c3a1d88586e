"""DCAT-AP recommended properties harvesters expect (issue 19 item 6; F-9), over HTTP.

Theme, licence of open data, contact point, area, language, language tags, direct download
URLs, dates with their time zone; every field of ours travels (round trip through ckanext-dcat
with our profile), and the IRIs we mint — the district, each legal basis — dereference.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
import rdflib
import rdflib.compare
from ckanext.dcat.processors import RDFParser
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import SKOS, XSD

from ckanext.dongchang.dcat import vocabulary as vocab
from tests.conftest import PLUGINS
from tests.dcat import shacl
from tests.entries import LEGAL_BASIS, conditional
from tests.factories import Bureau, CatalogEntry, Department

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

SITE = "http://test.ckan.net"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
PROFILES = ["euro_dcat_ap_3", "dongchang_dcat"]
OPEN_FILE = "https://files.example.gov.cn/open/enterprises.csv"
OPEN_PAGE = "https://www.example.gov.cn/enterprises/index.html"
SECRET_BASIS = "《东昌府区不公开事项目录》第九条（仅内部）"
ITEMS = [{"name": "统一社会信用代码", "type": "string", "description": "18位代码",
          "source_org": "dcf-scjg"},
         {"name": "登记日期", "type": "date", "description": "", "source_org": "dcf-scjg"}]


@pytest.fixture
def world(sysadmin):
    org = Department(name="dcf-scjg", title="区市场监督管理局")
    Bureau(name="dcf-dsj")
    base = CatalogEntry(user=sysadmin, owner_org=org, name="rec-base",
                        resource_code="371502-REC-00009")
    entries = {
        "open": CatalogEntry(
            user=sysadmin, owner_org=org, name="rec-open", title="市场主体登记信息",
            notes="全区市场主体登记的基本信息。", resource_code="371502-REC-00001",
            catalog_category="base", security_grade="general", share_method="api",
            related_resource_codes=base["resource_code"], data_items=ITEMS,
            temporal_start="2019-01-01", temporal_end="2025-12-31",
            resources=[{"name": "登记信息文件", "format": "CSV", "url": OPEN_FILE},
                       {"name": "说明页面", "format": "HTML", "url": OPEN_PAGE}]),
        "conditional": CatalogEntry(
            user=sysadmin, owner_org=org, name="rec-conditional", title="企业年报信息",
            resource_code="371502-REC-00002", **conditional()),
        "closed": CatalogEntry(
            user=sysadmin, owner_org=org, name="rec-closed", resource_code="371502-REC-00003",
            share_class="conditional", share_conditions="仅限监管部门", share_reason="内部",
            share_legal_basis=SECRET_BASIS, open_class="not_open", open_reason="内部",
            open_legal_basis=SECRET_BASIS),
    }
    return entries


def _graph(app, url) -> rdflib.Graph:
    return rdflib.Graph().parse(data=app.get(url).get_data(as_text=True), format="turtle")


def _ref(entry) -> URIRef:
    return URIRef(f"{SITE}/dataset/{entry['id']}")


def test_f9_every_public_dataset_has_theme_area_language_and_contact(app, world):
    graph = _graph(app, "/catalog.ttl")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert _ref(world["open"]) in datasets and _ref(world["closed"]) not in datasets
    area = URIRef(f"{SITE}/ns/dongchang#area-371502")
    for dataset in datasets:
        assert list(graph.objects(dataset, DCAT.theme)) == [vocab.DATA_THEME.GOVE]
        assert (vocab.DATA_THEME.GOVE, RDF.type, SKOS.Concept) in graph
        assert list(graph.objects(dataset, DCT.spatial)) == [area]
        assert list(graph.objects(dataset, DCT.language)) == [vocab.LANGUAGE.ZHO]
        (card,) = graph.objects(dataset, DCAT.contactPoint)
        assert str(graph.value(card, VCARD.fn)) == "区市场监督管理局"
        assert graph.value(card, VCARD.hasURL) == URIRef(f"{SITE}/organization/dcf-scjg")
    conforms, report = shacl.validate(graph)
    assert conforms, report


def test_f9_chinese_text_is_tagged_zh_and_times_carry_beijing_time(app, world):
    graph = _graph(app, f"/dataset/{world['open']['name']}.ttl")
    ref = _ref(world["open"])
    assert graph.value(ref, DCT.title) == rdflib.Literal("市场主体登记信息", lang="zh")
    assert graph.value(ref, DCT.description).language == "zh"
    modified = [value for node in graph.subjects() for value in graph.objects(node, DCT.modified)]
    assert modified
    for value in modified:
        if value.datatype == XSD.dateTime:
            assert str(value).endswith("+08:00"), value
            stored = dt.datetime.fromisoformat(world["open"]["metadata_modified"])
            if graph.value(ref, DCT.modified) == value:
                assert value.toPython() == stored.replace(tzinfo=dt.UTC)


def test_f9_open_files_carry_the_licence_and_direct_files_a_download_url(app, world):
    graph = _graph(app, "/catalog.ttl")
    licence = vocab.LICENCE.CC_BY_4_0
    by_url = {str(graph.value(d, DCAT.accessURL)): d
              for d in graph.objects(_ref(world["open"]), DCAT.distribution)}
    assert set(by_url) == {OPEN_FILE, OPEN_PAGE}
    for distribution in by_url.values():
        assert graph.value(distribution, DCT.license) == licence
    assert graph.value(by_url[OPEN_FILE], DCAT.downloadURL) == URIRef(OPEN_FILE)
    assert graph.value(by_url[OPEN_PAGE], DCAT.downloadURL) is None  # a page, not the data
    for distribution in graph.objects(_ref(world["conditional"]), DCAT.distribution):
        assert graph.value(distribution, DCT.license) is None  # the agreement governs its use
        assert graph.value(distribution, DCAT.downloadURL) is None
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert graph.value(catalog, DCT.license) == licence
    assert graph.value(catalog, DCAT.themeTaxonomy) == vocab.THEME_SCHEME
    assert graph.value(catalog, DCT.spatial) == URIRef(f"{SITE}/ns/dongchang#area-371502")


@pytest.mark.ckan_config("ckanext.dongchang.dcat_themes", "dcf-scjg=econ dcf-other=NOPE")
@pytest.mark.ckan_config("ckanext.dongchang.open_licence",
                         "http://publications.europa.eu/resource/authority/licence/CC0")
def test_f9_theme_and_licence_come_from_configuration(app, world):
    graph = _graph(app, f"/dataset/{world['open']['name']}.ttl")
    assert list(graph.objects(_ref(world["open"]), DCAT.theme)) == [vocab.DATA_THEME.ECON]
    for distribution in graph.objects(_ref(world["open"]), DCAT.distribution):
        assert graph.value(distribution, DCT.license) == vocab.LICENCE.CC0


def test_f9_every_field_of_ours_survives_a_harvest_round_trip(app, world):
    parser = RDFParser(profiles=PROFILES)
    parser.parse(app.get("/catalog.ttl").get_data(as_text=True), _format="ttl")
    parsed = {d["resource_code"]: d for d in parser.datasets()}
    entry = world["open"]
    got = parsed[entry["resource_code"]]
    for field in ("catalog_category", "security_grade", "share_method",
                  "related_resource_codes", "update_cycle", "share_class", "open_class"):
        assert got.get(field) == entry.get(field), field
    assert [{k: item.get(k, "") for k in ("name", "type", "description", "source_org")}
            for item in got["data_items"]] == ITEMS
    conditional_entry = world["conditional"]
    got = parsed[conditional_entry["resource_code"]]
    for field in ("open_conditions", "share_conditions", "open_legal_basis", "open_reason"):
        assert got.get(field) == conditional_entry.get(field), field


def test_f9_the_district_and_legal_bases_dereference(app, world):
    vocabulary = rdflib.Graph().parse(data=app.get("/ns/dongchang").get_data(as_text=True),
                                      format="turtle")
    area = URIRef(f"{SITE}/ns/dongchang#area-371502")
    assert (area, RDF.type, DCT.Location) in vocabulary
    assert rdflib.Literal("东昌府区", lang="zh") in set(vocabulary.objects(area, SKOS.prefLabel))
    graph = _graph(app, f"/dataset/{world['conditional']['name']}.ttl")
    bases = set(graph.objects(_ref(world["conditional"]), DCATAP.applicableLegislation))
    assert bases
    for iri in bases:
        page = app.get(str(iri).replace(SITE, ""))
        assert page.status_code == 200
        assert LEGAL_BASIS in page.get_data(as_text=True)
    # The basis of a not-open entry is not public: its minted address answers like any other.
    hidden = vocab.legal_basis_iri(SITE, SECRET_BASIS)
    for path in (str(hidden).replace(SITE, ""), "/legal-basis/" + "0" * 40, "/legal-basis/x"):
        response = app.get(path, status=404)
        assert SECRET_BASIS not in response.get_data(as_text=True)


def test_f9_data_items_are_one_json_literal(app, world):
    graph = _graph(app, f"/dataset/{world['open']['name']}.ttl")
    (items,) = graph.objects(_ref(world["open"]),
                             URIRef(f"{SITE}/ns/dongchang#dataItems"))
    assert items.datatype == RDF.JSON
    assert [item["name"] for item in json.loads(str(items))] == ["统一社会信用代码", "登记日期"]


@pytest.mark.parametrize("path", ["/catalog.jsonld", "/dataset/rec-open.jsonld"])
def test_f9_json_ld_is_compacted_with_a_context_and_carries_the_same_triples(app, world, path):
    text = app.get(path).get_data(as_text=True)
    document = json.loads(text)
    assert isinstance(document, dict) and "@context" in document
    assert document["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert '"dct:title"' in text
    as_json_ld = _without_paging(rdflib.Graph().parse(data=text, format="json-ld"))
    as_turtle = _without_paging(_graph(app, path.replace(".jsonld", ".ttl")))
    assert rdflib.compare.isomorphic(as_json_ld, as_turtle)


def _without_paging(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph less its hydra paging links, which name the page in its own format."""
    hydra = "http://www.w3.org/ns/hydra/core#"
    pages = {s for s, p, _ in graph if str(p).startswith(hydra)}
    for triple in list(graph):
        if triple[0] in pages and str(triple[1]).startswith(hydra) or str(
                triple[2]).startswith(hydra):
            graph.remove(triple)
    return graph


def test_f9_the_period_the_data_covers_is_dct_temporal_and_travels_back(app, world):
    graph = _graph(app, f"/dataset/{world['open']['name']}.ttl")
    (period,) = graph.objects(_ref(world["open"]), DCT.temporal)
    assert (period, RDF.type, DCT.PeriodOfTime) in graph
    assert graph.value(period, DCAT.startDate).toPython() == dt.date(2019, 1, 1)
    assert graph.value(period, DCAT.endDate).toPython() == dt.date(2025, 12, 31)
    assert list(graph.objects(_ref(world["conditional"]), DCT.temporal)) == []
    conforms, report = shacl.validate(graph)
    assert conforms, report
    parser = RDFParser(profiles=PROFILES)
    parser.parse(graph.serialize(format="turtle"), _format="ttl")
    (got,) = [d for d in parser.datasets() if d["resource_code"] == "371502-REC-00001"]
    assert (got["temporal_start"], got["temporal_end"]) == ("2019-01-01", "2025-12-31")
