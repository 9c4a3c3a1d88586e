"""DCAT feeds that harvesters can trust (F-9; Art. 12, 24; DESIGN §6), over HTTP.

Every allowed class combination of DESIGN §4 is catalogued; the feeds must validate against the
DCAT-AP 3.0.1 SHACL shapes, carry the District's classes, keep not-open entries out and gated
URLs away, and parse back through ckanext-dcat into the same fields.
"""
from __future__ import annotations

import datetime as dt

import pytest
import rdflib
from ckan import model
from ckan.tests import factories, helpers
from ckanext.dcat.processors import RDFParser
from rdflib import RDF, RDFS, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS as DCT
from rdflib.namespace import FOAF, PROV

from ckanext.dongchang.access.rules.visibility import file_audiences_allowed
from ckanext.dongchang.dcat import profile as dongchang_profile
from tests.access.test_permission_matrix import MATRIX, Row
from tests.conftest import PLUGINS
from tests.dcat import shacl
from tests.entries import create_entry
from tests.factories import Bureau, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
SITE = "http://test.ckan.net"
NS = rdflib.Namespace(SITE + "/ns/dongchang#")
PROFILES = ["euro_dcat_ap_3", "dongchang_dcat"]
PUBLIC_KEYS = {key for key, row in MATRIX.items() if "anonymous" in row.metadata}
# A legal basis that is already an IRI is used as it is (no minted IRI).
LAW_IRI = "https://flk.npc.gov.cn/detail2.html?ZmY4MDgxODE3YjY0NzJhMzAxN2I2NmM4ZDliMDAwMDE"
CYCLES = ("realtime", "daily", "weekly", "monthly", "quarterly", "semiannual", "annual")


def title_marker(key: str) -> str:
    return f"DCATMARK{key.upper().replace('_', '')}"


def url_marker(key: str) -> str:
    return f"dcatmark-{key.replace('_', '-')}-secret"


def _fields(number: int, key: str, row: Row) -> dict:
    """Classes of a matrix row, with a distinct legal basis and update cycle per entry."""
    fields = {"share_class": row.share_class, "open_class": row.open_class,
              "update_cycle": CYCLES[number % len(CYCLES)],
              "resource_code": f"371502-DCAT-{number + 1:05d}"}
    if row.share_class != "unconditional":
        fields.update(share_reason=f"共享受限理由{number}",
                      share_legal_basis=f"《东昌府区数据管理办法》第{number}条（共享）")
    if row.share_class == "conditional":
        fields["share_conditions"] = f"仅限监管部门{number}"
    if row.open_class != "unconditional":
        fields.update(open_reason=f"开放受限理由{number}",
                      open_legal_basis=LAW_IRI if key == "cond_both"
                      else f"《中华人民共和国数据安全法》第{number}条")
    if row.open_class == "conditional":
        fields["open_conditions"] = f"须签署协议{number}"
    if not row.published:
        fields["catalog_state"] = "draft"
    return fields


@pytest.fixture
def world(sysadmin):
    owner_org = Department(name="dcf-scjg", title="区市场监督管理局")
    other_org = Department(name="dcf-rsj", title="区人力资源和社会保障局")
    Bureau(name="dcf-dsj")
    users = {"owner": Official(name="scjg-editor", department=owner_org, capacity="editor"),
             "government": Official(name="rsj-member", department=other_org)}
    entries = {}
    for number, (key, row) in enumerate(MATRIX.items()):
        entries[key] = create_entry(
            sysadmin, owner_org["id"], name=f"dcat-{key.replace('_', '-')}",
            title=f"目录条目 {title_marker(key)}",
            resources=[{"name": "数据", "format": "CSV",
                        # the entry's widest version (issue 16: audience per file)
                        "audience": file_audiences_allowed(row.share_class, row.open_class)[0],
                        "url": f"https://files.example.gov.cn/{url_marker(key)}.csv"}],
            **_fields(number, key, row))
    tokens = {name: factories.APIToken(user=user["name"])["token"]
              for name, user in users.items()}
    return entries, tokens


def _get(app, url, token=None, status=200):
    headers = {"Authorization": token} if token else {}
    response = app.get(url, headers=headers, status=status)
    return response.get_data(as_text=True)


def _graph(app, url, token=None, rdf_format="turtle") -> rdflib.Graph:
    return rdflib.Graph().parse(data=_get(app, url, token), format=rdf_format)


def _dataset_ref(entry) -> URIRef:
    return URIRef(f"{SITE}/dataset/{entry['id']}")


def _shacl_report(graph: rdflib.Graph) -> tuple[bool, str]:
    return shacl.validate(graph)


def test_f9_feeds_conform_to_dcat_ap_3_shacl_for_every_class_combination(app, world):
    """The public catalog, plus each non-public combination as someone allowed to see it."""
    entries, tokens = world
    graph = _graph(app, "/catalog.ttl")
    seen_by = {"gov_only": "owner", "closed": "owner", "draft": "owner",
               "cond_share": "government"}  # government: metadata without the data URL
    for key, audience in seen_by.items():
        graph += _graph(app, f"/dataset/{entries[key]['name']}.ttl", tokens[audience])
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert datasets == {_dataset_ref(entry) for entry in entries.values()}
    conforms, report = _shacl_report(graph)
    assert conforms, report


def test_f9_classes_cycles_codes_and_legal_bases_are_in_the_feed(app, world):
    entries, _ = world
    graph = _graph(app, "/catalog.ttl")
    expected_rights = {"unconditional": "PUBLIC", "conditional": "RESTRICTED"}
    for key in PUBLIC_KEYS:
        entry, ref = entries[key], _dataset_ref(entries[key])
        assert graph.value(ref, DCT.accessRights) == URIRef(
            ACCESS + expected_rights[entry["open_class"]])
        assert graph.value(ref, DCT.identifier) == rdflib.Literal(entry["resource_code"])
        assert str(graph.value(ref, DCT.accrualPeriodicity)).startswith(FREQUENCY)
        assert graph.value(ref, NS.shareClass) == NS[entry["share_class"]]
        publisher = graph.value(ref, DCT.publisher)
        assert str(graph.value(publisher, FOAF.name)) == "区市场监督管理局"
        bases = {str(graph.value(iri, RDFS.label) or iri)
                 for iri in graph.objects(ref, DCATAP.applicableLegislation)}
        assert bases == {entry.get(f) for f in ("open_legal_basis", "share_legal_basis")
                         if entry.get(f)}
    cond_both = _dataset_ref(entries["cond_both"])
    assert graph.value(cond_both, NS.openLegalBasis) == URIRef(LAW_IRI)
    minted = graph.value(cond_both, NS.shareLegalBasis)
    assert str(minted).startswith(SITE + "/legal-basis/")
    assert str(graph.value(minted, RDFS.label)) == entries["cond_both"]["share_legal_basis"]
    assert str(graph.value(cond_both, NS.openConditions)) == entries["cond_both"][
        "open_conditions"]


def test_f9_not_open_entries_never_appear_in_public_feeds(app, world):
    entries, _ = world
    hidden = [key for key in MATRIX if key not in PUBLIC_KEYS]
    assert set(hidden) == {"gov_only", "cond_share", "closed", "draft"}
    citizen = factories.APIToken(user=factories.User()["name"])["token"]
    for token in (None, citizen):
        for fmt in ("ttl", "xml", "jsonld", "rdf"):
            body = _get(app, f"/catalog.{fmt}", token)
            for key in hidden:
                assert title_marker(key) not in body, (fmt, key)
                assert entries[key]["id"] not in body, (fmt, key)
            for key in PUBLIC_KEYS:
                assert title_marker(key) in body, (fmt, key)
        for key in hidden:
            for fmt in ("ttl", "xml", "jsonld"):
                headers = {"Authorization": citizen} if token else {}
                response = app.get(f"/dataset/{entries[key]['name']}.{fmt}", headers=headers)
                assert response.status_code in (403, 404), (key, fmt)
                assert title_marker(key) not in response.get_data(as_text=True)


def test_f9_conditional_entry_is_restricted_and_points_to_the_request_page(app, world):
    """Issue 19 item 5: the landing page is the public entry page (the request page sent
    anonymous harvest users to a login wall); the request page is the gated access URL."""
    entries, tokens = world
    citizen = factories.APIToken(user=factories.User()["name"])["token"]
    for token in (None, citizen):
        for key in ("cond_open", "cond_both"):
            entry = entries[key]
            body = _get(app, f"/dataset/{entry['name']}.ttl", token)
            assert url_marker(key) not in body
            graph = rdflib.Graph().parse(data=body, format="turtle")
            ref = _dataset_ref(entry)
            request_page = URIRef(f"{SITE}/dataset/{entry['name']}/request")
            assert graph.value(ref, DCT.accessRights) == URIRef(ACCESS + "RESTRICTED")
            landing = URIRef(f"{SITE}/dataset/{entry['name']}")
            assert list(graph.objects(ref, DCAT.landingPage)) == [landing]
            assert _get(app, str(landing).replace(SITE, ""), None)  # public, no login wall
            for distribution in graph.objects(ref, DCAT.distribution):
                assert list(graph.objects(distribution, DCAT.accessURL)) == [request_page]
                assert list(graph.objects(distribution, DCAT.downloadURL)) == []
    catalog = _get(app, "/catalog.ttl")
    assert url_marker("open") in catalog  # unconditional data is downloadable (Art. 24)
    assert url_marker("cond_open") not in catalog and url_marker("cond_both") not in catalog


def test_f9_viewers_allowed_the_data_get_its_url_in_the_dataset_feed(app, world):
    """Every surface agrees (DESIGN §4): the owner gets the URL in the feed as on the page."""
    entries, tokens = world
    entry = entries["cond_open"]
    graph = _graph(app, f"/dataset/{entry['name']}.ttl", tokens["owner"])
    ref = _dataset_ref(entry)
    (distribution,) = graph.objects(ref, DCAT.distribution)
    # the gated file is a registered upstream (issue 16 item 3): the owner gets the portal's
    # download route of the file, and the upstream's address reaches not even the owner
    access_url = str(graph.value(distribution, DCAT.accessURL))
    assert f"/resource/{entry['resources'][0]['id']}/download" in access_url
    assert url_marker("cond_open") not in graph.serialize(format="turtle")
    assert graph.value(ref, DCT.accessRights) == URIRef(ACCESS + "RESTRICTED")
    government = _graph(app, f"/dataset/{entries['cond_share']['name']}.ttl",
                        tokens["government"])
    (distribution,) = government.objects(_dataset_ref(entries["cond_share"]),
                                         DCAT.distribution)
    assert government.value(distribution, DCAT.accessURL) == URIRef(
        f"{SITE}/dataset/{entries['cond_share']['name']}/request")


def _expected(entry) -> dict:
    keys = ("open_class", "share_class", "update_cycle", "resource_code", "open_legal_basis",
            "share_legal_basis", "open_conditions", "share_conditions", "open_reason",
            "share_reason")
    return {key: entry.get(key) or None for key in keys}


def test_f9_round_trip_through_ckanext_dcat_parser(app, world):
    entries, tokens = world
    parser = RDFParser(profiles=PROFILES)
    parser.parse(_get(app, "/catalog.ttl"), _format="ttl")
    parsed = {d["resource_code"]: d for d in parser.datasets()}
    public = {entries[k]["resource_code"]: entries[k] for k in PUBLIC_KEYS}
    assert set(parsed) == set(public)
    for code, entry in public.items():
        assert {k: parsed[code].get(k) or None for k in _expected(entry)} == _expected(entry)
        assert parsed[code]["title"] == entry["title"]
        assert [r["format"] for r in parsed[code]["resources"]] == ["CSV"]
        leftovers = {e["key"] for e in parsed[code].get("extras", [])}
        assert not leftovers & {"access_rights", "frequency", "identifier"}
    # Not-open classes survive too, for harvesters inside government.
    for key in ("gov_only", "closed"):
        parser = RDFParser(profiles=PROFILES)
        parser.parse(_get(app, f"/dataset/{entries[key]['name']}.xml", tokens["owner"]),
                     _format="xml")
        (dataset,) = list(parser.datasets())
        assert {k: dataset.get(k) or None for k in _expected(entries[key])} == _expected(
            entries[key])


def _description(graph: rdflib.Graph, ref: URIRef) -> rdflib.Graph:
    """Every triple reachable from a dataset: what a harvester reads about it."""
    found, todo, seen = rdflib.Graph(), [ref], set()
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            for triple in graph.triples((node, None, None)):
                found.add(triple)
                todo.append(triple[2])
    return found


def test_f9_a_dataset_reads_the_same_in_the_catalog_and_at_its_own_endpoint(app, world):
    """A catalog page is one graph the profile writes with per-page shortcuts (types and labels
    once per page); a harvester must read the same about a dataset there as at its own URL."""
    entries, _ = world
    catalog = _graph(app, "/catalog.ttl")
    for key in PUBLIC_KEYS:
        ref = _dataset_ref(entries[key])
        alone = _graph(app, f"/dataset/{entries[key]['name']}.ttl")
        described = _description(catalog, ref)
        assert len(described) > 20 and isomorphic(described, _description(alone, ref)), key


@pytest.mark.parametrize("fmt, rdf_format", [("ttl", "turtle"), ("xml", "xml"),
                                             ("jsonld", "json-ld")])
def test_f9_dataset_endpoints_carry_the_mappings(app, world, fmt, rdf_format):
    entries, _ = world
    entry = entries["cond_both"]
    graph = _graph(app, f"/dataset/{entry['name']}.{fmt}", rdf_format=rdf_format)
    ref = _dataset_ref(entry)
    assert graph.value(ref, DCT.accessRights) == URIRef(ACCESS + "RESTRICTED")
    assert entry["update_cycle"] == "weekly"
    assert graph.value(ref, DCT.accrualPeriodicity) == URIRef(FREQUENCY + "WEEKLY")
    assert str(graph.value(ref, DCT.identifier)) == entry["resource_code"]
    assert graph.value(ref, NS.shareClass) == NS.conditional
    assert len(list(graph.objects(ref, DCATAP.applicableLegislation))) == 2
    assert graph.value(graph.value(ref, DCT.publisher), FOAF.name) is not None


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2)
def test_f9_catalog_pages_walk_through_hydra_next(app, world, sysadmin):
    entries, _ = world
    owner_org = entries["open"]["owner_org"]
    extra = [create_entry(sysadmin, owner_org, name=f"paged-{n}") for n in range(2)]
    expected = {_dataset_ref(entries[k]) for k in PUBLIC_KEYS} | {
        _dataset_ref(e) for e in extra}
    seen, pages, url = [], 0, "/catalog.ttl"
    while url:
        graph = _graph(app, url)
        pages += 1
        seen.extend(graph.subjects(RDF.type, DCAT.Dataset))
        collection = next(graph.subjects(RDF.type, HYDRA.PagedCollection))
        assert int(graph.value(collection, HYDRA.totalItems)) == len(expected)
        following = graph.value(collection, HYDRA.next)
        url = str(following).replace(SITE, "") if following else None
    assert pages == 3
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected


def test_f9_catalog_is_described_and_dated_by_public_entries_only(app, world, sysadmin):
    entries, _ = world
    graph = _graph(app, "/catalog.ttl")
    catalog = URIRef(SITE)
    assert graph.value(catalog, DCT.description) is not None
    assert str(graph.value(graph.value(catalog, DCT.publisher), FOAF.name)) == "区大数据局"
    public_newest = _utc(max(entries[k]["metadata_modified"] for k in PUBLIC_KEYS))
    patched = helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                                  id=entries["closed"]["id"], notes="私有条目的新修改")
    assert _utc(patched["metadata_modified"]) - public_newest > dt.timedelta(milliseconds=5)
    modified = _graph(app, "/catalog.ttl").value(catalog, DCT.modified).toPython()
    assert abs(modified - public_newest) < dt.timedelta(milliseconds=1)


def test_f9_catalog_is_issued_when_its_first_public_entry_was(app, world):
    """``dct:issued`` of the catalog: the oldest public entry's creation, never a hidden one's."""
    entries, _ = world
    hidden = model.Package.get(entries["closed"]["id"])
    hidden.metadata_created = dt.datetime(2020, 5, 4, 3, 2, 1)
    model.repo.commit()
    issued = _graph(app, "/catalog.ttl").value(URIRef(SITE), DCT.issued).toPython()
    public_oldest = _utc(min(entries[k]["metadata_created"] for k in PUBLIC_KEYS))
    assert abs(issued - public_oldest) < dt.timedelta(milliseconds=1)


def _utc(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC)


def test_f9_derived_products_extension_point(app, world, monkeypatch):
    """Catalog entries have no sources; when data products return some, PROV is written."""
    entries, _ = world
    entry = entries["open"]
    ref = _dataset_ref(entry)
    graph = _graph(app, f"/dataset/{entry['name']}.ttl")
    assert list(graph.objects(ref, PROV.wasDerivedFrom)) == []
    source = _dataset_ref(entries["cond_open"])
    monkeypatch.setattr(dongchang_profile, "derivation_sources", lambda dataset: [
        dongchang_profile.DerivationSource(str(source), dt.date(2026, 10, 8))])
    graph = _graph(app, f"/dataset/{entry['name']}.ttl")
    assert list(graph.objects(ref, PROV.wasDerivedFrom)) == [source]
    assert list(graph.objects(ref, DCT.source)) == [source]
    derivation = graph.value(ref, PROV.qualifiedDerivation)
    assert graph.value(derivation, PROV.entity) == source
    assert str(graph.value(derivation, PROV.atTime)) == "2026-10-08"


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml",
                                    "application/ld+json"])
def test_f9_every_iri_the_feed_emits_dereferences_to_rdf(app, world, accept):
    """Issue 19 item 4: content negotiation on; RDF clients asking a dataset or catalog IRI
    get RDF describing it, browsers still get the page."""
    entries, _tokens = world
    catalog = _graph(app, "/catalog.ttl")
    datasets = list(catalog.subjects(RDF.type, DCAT.Dataset))
    assert datasets
    rdf_format = {"text/turtle": "turtle", "application/rdf+xml": "xml",
                  "application/ld+json": "json-ld"}[accept]
    (catalog_iri,) = catalog.subjects(RDF.type, DCAT.Catalog)
    for iri in [catalog_iri, *datasets]:
        path = str(iri).replace(SITE, "") or "/"
        response = app.get(path, headers={"Accept": accept})
        assert response.status_code == 200, path
        assert response.headers["Content-Type"].startswith(accept), path
        graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format=rdf_format)
        assert (iri, RDF.type, DCAT.Catalog if iri == catalog_iri else DCAT.Dataset) in graph
    page = app.get(str(datasets[0]).replace(SITE, ""), headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)


def test_f9_own_vocabulary_is_served_at_its_namespace(app):
    graph = _graph(app, "/ns/dongchang")
    for term in ("shareClass", "shareConditions", "openConditions", "shareLegalBasis",
                 "openLegalBasis"):
        assert graph.value(NS[term], RDFS.label) is not None, term
