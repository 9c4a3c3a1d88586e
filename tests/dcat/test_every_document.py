"""Every public RDF document a harvester can fetch is valid DCAT-AP 3.0.1, to two toolchains
(issue 19; F-9).

A catalog with an entry of every public class combination (each file of each audience the
classes allow), one entry nobody outside may see, and a registered data product. Fetched as a
harvester would: every ``/catalog.ttl|.xml|.rdf|.jsonld`` page following ``hydra:next`` (two
datasets a page, so there are several), each public entry's and the product's
``/dataset/<name>.ttl|.xml|.rdf|.jsonld``, and our vocabulary ``/ns/dongchang``. Each DCAT
document must conform to both DCAT-AP shape files under pyshacl (``tests/dcat/shacl.py``);
then one Apache Jena run (``services/jena``, built by ``make services``) parses every document
strictly — a warning fails — and validates the DCAT ones with Jena SHACL against the same
shapes, dangling references pruned the same way.
"""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
import rdflib
from ckan.tests import factories, helpers
from rdflib import RDF

from ckanext.dongchang.access.rules.visibility import file_audiences_allowed
from tests.access.test_permission_matrix import MATRIX
from tests.conftest import PLUGINS
from tests.dcat import shacl
from tests.entries import class_fields, create_entry

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

SITE = "http://test.ckan.net"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
FORMATS = {"ttl": "turtle", "xml": "xml", "rdf": "xml", "jsonld": "json-ld"}
JENA = Path(__file__).resolve().parents[2] / "services" / "jena"
PUBLIC_CLASSES = sorted({(row.share_class, row.open_class) for row in MATRIX.values()
                         if row.published and "anonymous" in row.metadata})


@pytest.fixture
def catalog(sysadmin) -> list[str]:
    """The names of the public entries and product; a closed entry is catalogued too."""
    department = factories.Organization(name="dcf-scjg", title="区市场监督管理局")
    factories.Organization(name="dcf-dsj", title="区大数据局", is_bureau="true")
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    public = []
    for number, (share_class, open_class) in enumerate(PUBLIC_CLASSES):
        files = [{"name": f"{audience}文件", "format": "CSV", "audience": audience,
                  "url": f"https://files.example.gov.cn/{number}/{audience}.csv"}
                 for audience in file_audiences_allowed(share_class, open_class)]
        entry = create_entry(sysadmin, department["id"], name=f"every-{number}",
                             issued="2026-01-05", resources=files,
                             **class_fields(share_class, open_class))
        public.append(entry["name"])
    create_entry(sysadmin, department["id"], name="every-closed",
                 **class_fields("not_shared", "not_open"))
    product = helpers.call_action(
        "dongchang_product_register", context={"user": sysadmin["name"]},
        title="东昌府区企业地图", notes="基于市场主体登记信息绘制的企业分布地图。",
        product_kind="app", developer_name="聊城某科技有限公司",
        product_url="https://map.example.com",
        sources=[{"dataset_id": public[0], "acquired_on": yesterday}])
    return public + [product["name"]]


def _fetch(app, path: str, fmt: str) -> tuple[str, rdflib.Graph]:
    body = app.get(path.replace(SITE, ""), status=200).get_data(as_text=True)
    return body, rdflib.Graph().parse(data=body, format=FORMATS[fmt], publicID=SITE + path)


def _next_page(graph: rdflib.Graph) -> str | None:
    pages = list(graph.subjects(RDF.type, HYDRA.PagedCollection))
    following = [graph.value(page, HYDRA.next) for page in pages]
    return str(following[0]) if following and following[0] else None


@pytest.fixture
def documents(app, catalog, tmp_path) -> dict[Path, rdflib.Graph | None]:
    """Every public document, written to ``tmp_path``: file -> its graph when it is DCAT,
    None when it is other RDF (our vocabulary)."""
    found: dict[Path, rdflib.Graph | None] = {}

    def keep(name: str, body: str, graph: rdflib.Graph | None) -> None:
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        found[path] = graph

    for fmt in FORMATS:
        url, number, in_feed = f"/catalog.{fmt}", 0, set()
        while url:
            number += 1
            body, graph = _fetch(app, url, fmt)
            keep(f"catalog-page{number}.{fmt}", body, graph)
            in_feed |= set(graph.subjects(RDF.type, DCAT.Dataset))
            url = _next_page(graph)
            assert number <= 10, f"/catalog.{fmt} does not end"
        assert number >= 2, f"/catalog.{fmt}: {number} page(s); the walk was not exercised"
        assert len(in_feed) == len(catalog), (fmt, sorted(in_feed))
    for name in catalog:
        for fmt in FORMATS:
            body, graph = _fetch(app, f"/dataset/{name}.{fmt}", fmt)
            assert (None, RDF.type, DCAT.Dataset) in graph, (name, fmt)
            keep(f"dataset-{name}.{fmt}", body, graph)
    body = app.get("/ns/dongchang", status=200).get_data(as_text=True)
    keep("ns-dongchang.ttl", body, None)
    return found


def test_f9_every_public_document_is_dcat_ap_to_pyshacl_and_to_jena(documents):
    """pyshacl per DCAT document; then one Jena run over all files, which exits 1 on any parse
    warning or error and on any SHACL result. Both verdicts are reported before asserting."""
    failures = {}
    for path, graph in documents.items():
        if graph is not None:
            conforms, report = shacl.validate(graph)
            if not conforms:
                failures[path.name] = report
    dcat = [path for path, graph in documents.items() if graph is not None]
    other = [path for path, graph in documents.items() if graph is None]
    jena = _rdf_check(dcat, other)
    pyshacl_says = "\n\n".join(f"{name}:\n{report}" for name, report in failures.items())
    jena_says = jena.stdout[-20000:] + jena.stderr[-5000:]
    assert not failures and jena.returncode == 0, (
        f"pyshacl:\n{pyshacl_says or 'all conform'}\n\nJena:\n{jena_says}")
    assert f"{len(documents)} file(s) checked, 0 failed" in jena.stdout


def test_f9_the_jena_check_fails_on_a_parse_warning_and_on_a_shacl_violation(tmp_path):
    """The check above can fail: a bad language tag (a RIOT warning, which the lenient parser
    lets through) and a dataset without the description DCAT-AP requires."""
    untagged = tmp_path / "bad-tag.ttl"
    untagged.write_text('<http://example.org/a> <http://example.org/p> "x"@not_a_tag .\n')
    undescribed = tmp_path / "no-description.ttl"
    undescribed.write_text('<http://example.org/d> a <http://www.w3.org/ns/dcat#Dataset> ;\n'
                           '  <http://purl.org/dc/terms/title> "t" .\n')
    result = _rdf_check([undescribed], [untagged])
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"FAIL parse {untagged}" in result.stdout
    assert f"FAIL shacl {undescribed}" in result.stdout
    assert "2 file(s) checked, 2 failed" in result.stdout


def _rdf_check(dcat: list[Path], other: list[Path]) -> subprocess.CompletedProcess:
    """One JVM for all files (``services/jena/src/main/java/RdfCheck.java``)."""
    classes, lib = JENA / "target" / "classes", JENA / "target" / "lib"
    assert (classes / "RdfCheck.class").exists(), "Jena's RdfCheck is not built: make services"
    shapes = [arg for name in shacl.SHAPE_FILES
              for arg in ("--shapes", str(shacl.SHAPES_DIR / name))]
    return subprocess.run(
        ["java", "-cp", f"{classes}:{lib}/*", "RdfCheck", *shapes,
         "--rdf", *map(str, other), "--dcat", *map(str, dcat)],
        capture_output=True, text=True, timeout=300)
