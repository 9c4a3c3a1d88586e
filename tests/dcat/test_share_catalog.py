"""``/share-catalog.*``: the share catalog of the city exchange platform (Art. 12, 18, 23;
issue 19 item 9) — for government API tokens only, listing every published shared entry with
its share class, conditions and legal basis, and no data URL of a conditional share."""
from __future__ import annotations

import pytest
import rdflib
from ckan.tests import factories
from rdflib import RDF, URIRef

from tests.conftest import PLUGINS
from tests.entries import class_fields
from tests.factories import CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

SITE = "http://test.ckan.net"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
NS = rdflib.Namespace(SITE + "/ns/dongchang#")
ROWS = {"open": ("unconditional", "unconditional"), "cond_open": ("unconditional", "conditional"),
        "cond_both": ("conditional", "conditional"), "gov_only": ("unconditional", "not_open"),
        "cond_share": ("conditional", "not_open"), "closed": ("not_shared", "not_open")}
SHARED = {"open", "cond_open", "cond_both", "gov_only", "cond_share"}


def _url(key: str) -> str:
    return f"https://files.example.gov.cn/share-{key.replace('_', '-')}-secret.csv"


@pytest.fixture
def world(sysadmin):
    owner, other = Department(), Department()
    # an organisation a sysadmin made but did not recognise as a department
    not_a_department = Department(name="self-made-club", title="自建机构", is_department="false")
    users = {"owner": Official(department=owner, capacity="editor"),
             "government": Official(department=other),
             "citizen": Official(),
             "self_made": Official(department=not_a_department, capacity="admin")}
    entries = {key: CatalogEntry(user=sysadmin, owner_org=owner,
                                 name=f"share-{key.replace('_', '-')}",
                                 resources=[{"name": "数据", "url": _url(key), "format": "CSV"}],
                                 **class_fields(*classes))
               for key, classes in ROWS.items()}
    entries["draft"] = CatalogEntry(user=sysadmin, owner_org=owner, name="share-draft",
                                    catalog_state="draft",
                                    resources=[{"name": "数据", "url": _url("draft"),
                                                "format": "CSV"}])
    tokens = {name: factories.APIToken(user=user["name"])["token"]
              for name, user in users.items()}
    return entries, tokens


@pytest.mark.parametrize("who", [None, "citizen", "self_made"])
def test_f9_share_catalog_is_missing_for_everyone_but_government(app, world, who):
    _, tokens = world
    headers = {"Authorization": tokens[who]} if who else {}
    for fmt in ("ttl", "xml", "jsonld"):
        app.get(f"/share-catalog.{fmt}", headers=headers, status=404)
    app.get("/share-catalog.csv", headers={"Authorization": tokens["government"]}, status=404)


@pytest.mark.parametrize("who", ["government", "owner"])
def test_f9_share_catalog_lists_shared_entries_without_conditional_data_urls(app, world, who):
    entries, tokens = world
    body = app.get("/share-catalog.ttl", headers={"Authorization": tokens[who]},
                   status=200).get_data(as_text=True)
    graph = rdflib.Graph().parse(data=body, format="turtle")
    listed = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert listed == {URIRef(f"{SITE}/dataset/{entries[k]['id']}") for k in SHARED}
    for key in SHARED:
        ref = URIRef(f"{SITE}/dataset/{entries[key]['id']}")
        share_class = entries[key]["share_class"]
        assert graph.value(ref, NS.shareClass) == NS[share_class]
        if share_class == "conditional":
            assert _url(key) not in body
            assert str(graph.value(ref, NS.shareConditions)) == entries[key]["share_conditions"]
            assert graph.value(ref, NS.shareLegalBasis) is not None
            # the files a department may request are listed, leading to the request page
            for distribution in graph.objects(ref, DCAT.distribution):
                assert graph.value(distribution, DCAT.accessURL) == URIRef(
                    f"{SITE}/dataset/{entries[key]['name']}/request")
    assert _url("open") in body
    # government may use the gated file shared unconditionally: it is served by the portal (a
    # registered upstream, issue 16 item 3), so the feed gives the portal's route, never the
    # upstream's address
    gov_file = entries["gov_only"]["resources"][0]["id"]
    assert f"/resource/{gov_file}/download" in body and _url("gov_only") not in body
    assert _url("closed") not in body and _url("draft") not in body


def test_f9_share_catalog_pages_and_formats(app, world):
    _, tokens = world
    government = {"Authorization": tokens["government"]}
    for fmt, kind in (("xml", "xml"), ("jsonld", "json-ld")):
        body = app.get(f"/share-catalog.{fmt}", headers=government,
                       status=200).get_data(as_text=True)
        graph = rdflib.Graph().parse(data=body, format=kind)
        assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == len(SHARED)
    app.get("/share-catalog.ttl", headers=government, query_string={"cursor": "x"},
            status=409)
