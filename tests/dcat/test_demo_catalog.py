"""The demo catalog (``demo/catalog.json``, what ``make run`` loads) is valid data and valid
DCAT-AP: every department, user and entry loads through the action API without an error, and
the public feed it gives passes both DCAT-AP shape files (pyshacl) and Jena's strict parse with
Jena SHACL (issue 19; F-9; realistic demo data, F-15)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from ckan import model
from rdflib import RDF
from rdflib.namespace import DCTERMS as DCT

from ckanext.dongchang import demo
from tests.conftest import PLUGINS
from tests.dcat import shacl
from tests.dcat.test_every_document import DCAT, _fetch, _next_page, _rdf_check

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 25),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

DEMO = Path(__file__).resolve().parents[2] / "demo" / "catalog.json"
SITE = "http://test.ckan.net"


def test_f9_the_demo_catalog_loads_whole_and_its_feed_is_dcat_ap(app, tmp_path):
    catalog = json.loads(DEMO.read_text(encoding="utf-8"))
    summary = demo.load_catalog(catalog, files=DEMO.parent)
    assert summary["errors"] == []
    assert summary["datasets"] == len(catalog["datasets"])
    # Issue 16: the demo's gated files are uploaded to the portal, once, however often loaded
    files = [r for d in catalog["datasets"] for r in d.get("resources", []) if r.get("file")]
    assert len(files) >= 15
    assert demo.load_catalog(catalog, files=DEMO.parent)["errors"] == []
    uploaded = model.Session.query(model.Resource).filter(
        model.Resource.url_type == "upload", model.Resource.state == "active").count()
    assert uploaded == len(files)
    pages, url, failures, datasets = [], "/catalog.ttl", {}, rdflib.Graph()
    while url:
        body, graph = _fetch(app, url, "ttl")
        path = tmp_path / f"catalog-page{len(pages) + 1}.ttl"
        path.write_text(body, encoding="utf-8")
        pages.append(path)
        conforms, report = shacl.validate(graph)
        if not conforms:
            failures[path.name] = report
        datasets += graph
        url = _next_page(graph)
        assert len(pages) <= 10, "/catalog.ttl does not end"
    assert len(pages) >= 2 and not failures, failures
    jena = _rdf_check(pages, [])
    assert jena.returncode == 0, jena.stdout[-20000:] + jena.stderr[-5000:]
    public = set(datasets.subjects(RDF.type, DCAT.Dataset))
    assert len(public) >= 20
    # The periods the demo entries declare reach the feed for the public ones.
    periods = {str(datasets.value(ref, DCT.identifier)) for ref in public
               if datasets.value(ref, DCT.temporal) is not None}
    declared = {d["resource_code"] for d in catalog["datasets"] if d.get("temporal_start")}
    assert periods and periods <= declared
