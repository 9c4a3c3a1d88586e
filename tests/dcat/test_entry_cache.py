"""Each entry's Turtle kept in Redis and reused by the catalog pages (issue 20 item 1,
``dcat/entry_cache.py``): the same triples as a whole render, never out of date, nothing kept
for a signed-in caller or an entry whose DCAT reads other entries."""
from __future__ import annotations

import datetime as dt

import click
import pytest
import rdflib
from ckan.lib.redis import connect_to_redis
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers
from click.testing import CliRunner
from rdflib.compare import isomorphic

from ckanext.dongchang import cli
from ckanext.dongchang.dcat import entry_cache, profile
from tests.conftest import PLUGINS
from tests.dcat.test_every_document import PUBLIC_CLASSES, _next_page
from tests.entries import class_fields, create_entry

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 3),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture(autouse=True)
def _empty_cache():
    client = connect_to_redis()
    for key in client.keys("*:dongchang:dcat:*"):
        client.delete(key)


def kept_renderings() -> dict[bytes, str]:
    client = connect_to_redis()
    keys = client.keys(f"{tk.config['ckan.site_id']}:dongchang:dcat:entry:*")
    return {key: client.get(key).decode() for key in keys}


@pytest.fixture
def catalog(sysadmin) -> dict[str, str]:
    """Public entries of every public class (with files of each audience their class
    allows), a closed entry and a data product citing one of them: name -> title."""
    from ckanext.dongchang.access.rules.visibility import file_audiences_allowed

    department = factories.Organization(name="dcf-scjg", title="区市场监督管理局")
    factories.Organization(name="dcf-dsj", title="区大数据局", is_bureau="true")
    titles = {}
    for number, (share_class, open_class) in enumerate(PUBLIC_CLASSES):
        files = [{"name": f"{audience}文件", "format": "CSV", "audience": audience,
                  "url": f"https://files.example.gov.cn/kept/{number}/{audience}.csv"}
                 for audience in file_audiences_allowed(share_class, open_class)]
        entry = create_entry(sysadmin, department["id"], name=f"kept-{number}",
                             title=f"保留渲染条目{number}", issued="2026-01-05", resources=files,
                             **class_fields(share_class, open_class))
        titles[entry["name"]] = entry["title"]
    create_entry(sysadmin, department["id"], name="kept-closed", title="不开放的保留条目",
                 **class_fields("not_shared", "not_open"))
    product = helpers.call_action(
        "dongchang_product_register", context={"user": sysadmin["name"]},
        title="保留渲染数据产品", notes="基于市场主体登记信息绘制的企业分布地图。",
        product_kind="app", developer_name="聊城某科技有限公司",
        product_url="https://map.example.com",
        sources=[{"dataset_id": "kept-0",
                  "acquired_on": (dt.date.today() - dt.timedelta(days=1)).isoformat()}])
    titles[product["name"]] = product["title"]
    return titles


def walk(app, **headers: str) -> list[tuple[str, rdflib.Graph]]:
    """Every page of /catalog.ttl, following hydra:next: (its body, its graph)."""
    pages, url = [], "/catalog.ttl"
    while url:
        body = app.get(url.replace("http://test.ckan.net", ""), headers=headers,
                       status=200).get_data(as_text=True)
        graph = rdflib.Graph().parse(data=body, format="turtle")
        pages.append((body, graph))
        url = _next_page(graph)
        assert len(pages) <= 10
    return pages


def test_i20_an_assembled_page_holds_the_triples_of_a_whole_render(app, catalog, monkeypatch):
    monkeypatch.setitem(tk.config, entry_cache.SECONDS_OPTION, "0")
    whole = walk(app)
    assert not kept_renderings()
    monkeypatch.setitem(tk.config, entry_cache.SECONDS_OPTION, "3600")
    first = walk(app)      # every entry rendered now, and kept
    kept = kept_renderings()
    again = walk(app)      # every entry from Redis
    assert len(whole) >= 2, "the walk must span pages"
    for number, ((_, expected), (_, cold), (_, warm)) in enumerate(zip(whole, first, again,
                                                                         strict=True)):
        assert isomorphic(expected, cold), f"page {number + 1}, renderings made now"
        assert isomorphic(expected, warm), f"page {number + 1}, renderings from Redis"
    # the public entries are kept; the product (its rendering reads its sources) and the
    # closed entry (not in the feed) are not
    assert len(kept) == len(catalog) - 1
    assert not any("保留渲染数据产品" in text or "不开放的保留条目" in text
                   for text in kept.values())
    assert kept_renderings() == kept, "the second walk rendered nothing again"


def test_i20_a_page_whose_parts_cannot_be_joined_is_rendered_whole(app, catalog, monkeypatch):
    monkeypatch.setitem(tk.config, entry_cache.SECONDS_OPTION, "0")
    whole = walk(app)
    monkeypatch.setitem(tk.config, entry_cache.SECONDS_OPTION, "3600")
    monkeypatch.setattr(entry_cache, "join_turtle", lambda documents: None)
    for (_, expected), (_, got) in zip(whole, walk(app), strict=True):
        assert isomorphic(expected, got)


def test_i20_a_kept_rendering_is_served_until_its_entry_changes(app, catalog, sysadmin):
    walk(app)
    client = connect_to_redis()
    (key, text), = [(k, t) for k, t in kept_renderings().items() if "保留渲染条目1" in t]
    client.set(key, text.replace("保留渲染条目1", "只在保留渲染里的标题"))
    assert "只在保留渲染里的标题" in "".join(body for body, _ in walk(app))

    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id="kept-1",
                        title="改过的保留渲染条目")
    served = "".join(body for body, _ in walk(app))
    assert "改过的保留渲染条目" in served and "只在保留渲染里的标题" not in served


PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


def test_f7_the_catalog_feed_names_a_products_sources_and_when_they_were_obtained(
        app, catalog, sysadmin):
    """Art. 25 on the harvesters' path: the product's entry in /catalog.ttl states its source
    and the date the data was obtained, as its own document does; renaming the source shows
    at once (the product's rendering reads it, so it is never kept)."""
    walk(app)
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id="kept-0",
                        title="改名后的来源条目")
    graph = rdflib.Graph()
    for _, page in walk(app):
        graph += page
    product = next(graph.subjects(rdflib.DCTERMS.title, rdflib.Literal("保留渲染数据产品",
                                                                        lang="zh")))
    source = rdflib.URIRef(f"http://test.ckan.net/dataset/{_entry_id('kept-0')}")
    assert set(graph.objects(product, PROV.wasDerivedFrom)) == {source}
    derivation = graph.value(product, PROV.qualifiedDerivation)
    assert graph.value(derivation, PROV.entity) == source
    assert graph.value(derivation, PROV.atTime).toPython() == (
        dt.date.today() - dt.timedelta(days=1))
    assert {str(t) for t in graph.objects(source, rdflib.DCTERMS.title)} == {"改名后的来源条目"}
    assert not any("保留渲染数据产品" in text for text in kept_renderings().values())


def _entry_id(name: str) -> str:
    return helpers.call_action("package_show", id=name)["id"]


def test_i20_an_entry_whose_dcat_reads_other_entries_is_not_kept():
    """A product's sources are written with their titles, read from the database: its
    rendering is not a function of its own fields, so no digest of them may name it."""
    product = {"id": "p", "name": "p", "sources": [{"dataset_id": "entry-a"}]}
    assert profile.reads_other_entries(product)
    assert not profile.reads_other_entries({"id": "e", "name": "e", "sources": []})
    assert not profile.reads_other_entries({"id": "e", "name": "e"})


def test_i20_nothing_is_kept_for_a_signed_in_caller_or_another_format(app, catalog, sysadmin):
    token = helpers.call_action("api_token_create", context={"user": sysadmin["name"]},
                                user=sysadmin["name"], name="kept")["token"]
    assert walk(app, Authorization=token)
    app.get("/catalog.xml", status=200)
    app.get("/catalog.jsonld", status=200)
    assert not kept_renderings()


def test_i20_dcat_warm_renders_every_public_entry_before_the_first_walk(app, catalog):
    parent = click.Context(cli.dongchang)
    parent.meta["flask_app"] = app.flask_app  # what ``ckan`` gives its commands
    result = CliRunner().invoke(cli.dcat_warm, [], parent=parent, catch_exceptions=False)
    assert "walked 2 page(s)" in result.output  # 3 public entries and a product, 3 a page
    assert len(kept_renderings()) == len(catalog) - 1  # not the product


@pytest.mark.parametrize(("documents", "joined"), [
    (["@prefix a: <http://a/> .\n\na:x a:p 1 .\n", "@prefix a: <http://a/> .\n@prefix b: "
      "<http://b/> .\n\nb:y a:p 2 .\n"],
     "@prefix a: <http://a/> .\n@prefix b: <http://b/> .\n\na:x a:p 1 .\n\nb:y a:p 2 .\n"),
    (["@prefix ns1: <http://a/> .\n\nns1:x ns1:p 1 .\n",
      "@prefix ns1: <http://b/> .\n\nns1:y ns1:p 2 .\n"], None),
    (["", "@prefix a: <http://a/> .\n"], "@prefix a: <http://a/> .\n\n\n"),
])
def test_i20_turtle_documents_join_under_one_header_unless_a_prefix_means_two_things(
        documents, joined):
    assert entry_cache.join_turtle(documents) == joined
