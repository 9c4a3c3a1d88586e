"""A harvester's walk over ``/catalog.ttl`` is stable while people work (issue 19 item 2).

Pages follow creation order and ``hydra:next`` carries a cursor (``dcat/rules.py``): entries
edited, hidden or created between two page fetches make a walk neither skip nor repeat an
entry. The real harvester under the same churn: ``tests/system/test_harvest.py``.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import rdflib
from ckan.tests import factories, helpers
from rdflib import RDF

from tests.conftest import PLUGINS
from tests.entries import as_upstream, create_entry, entry_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 3),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

SITE = "http://test.ckan.net"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")


def _page(app, url: str) -> tuple[list[str], rdflib.Graph]:
    response = app.get(url.replace(SITE, ""), status=200)
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    return [str(ref) for ref in graph.subjects(RDF.type, DCAT.Dataset)], graph


def _link(graph: rdflib.Graph, predicate) -> str | None:
    collection = next(graph.subjects(RDF.type, HYDRA.PagedCollection))
    value = graph.value(collection, predicate)
    return str(value) if value else None


def _walk(app, start: str, between) -> list[str]:
    seen, url, number = [], start, 0
    while url:
        on_page, graph = _page(app, url)
        number += 1
        seen.extend(on_page)
        between(number, on_page)
        url = _link(graph, HYDRA.next)
        assert number < 20, "the walk does not end"
    return seen


def _iri(entry: dict) -> str:
    return f"{SITE}/dataset/{entry['id']}"


@pytest.fixture
def department():
    return factories.Organization()


def _hide(sysadmin, entry_id: str) -> None:
    """Close an open entry; its link file is registered as an upstream with the change (a
    gated file is never a link, issue 16 item 3)."""
    files = helpers.call_action("package_show", id=entry_id)["resources"]
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=entry_id,
                        resources=[as_upstream(r) for r in files], open_class="not_open",
                        open_reason="依法不予开放",
                        open_legal_basis="《中华人民共和国数据安全法》第二十一条")


def _edit(sysadmin, entry_id: str) -> None:
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=entry_id,
                        update_cycle="weekly")


def test_f9_walk_is_stable_under_edits_hides_and_creates(app, sysadmin, department):
    """Every entry public throughout the walk is seen exactly once; one created during the
    walk is seen at its end. Under ckanext-dcat's offset paging on ``metadata_modified desc``
    the edit repeated an entry and the hide skipped one."""
    entries = [create_entry(sysadmin, department["id"]) for _ in range(9)]
    hidden, created = [], []

    def churn(number, on_page):
        if number == 1:
            seen = [e for e in entries if _iri(e) in on_page]
            unseen = [e for e in entries if _iri(e) not in on_page]
            hidden.append(seen[0])
            _hide(sysadmin, seen[0]["id"])
            _edit(sysadmin, seen[-1]["id"])
            _edit(sysadmin, unseen[-1]["id"])
        elif number == 2:
            created.append(create_entry(sysadmin, department["id"]))

    seen = _walk(app, "/catalog.ttl", churn)

    assert len(seen) == len(set(seen)), "an entry was seen twice"
    expected = {_iri(e) for e in entries if e is not hidden[0]} | {_iri(created[0])}
    assert expected <= set(seen), f"skipped: {expected - set(seen)}"


def test_f9_page_n_still_answers_page_n_and_links_on_by_cursor(app, sysadmin, department):
    """The ``?page=N`` contract holds: page 2 is the 4th to 6th entry in creation order, its
    ``previous``/``first``/``last`` are numbered pages and its ``next`` a cursor link that
    continues right after it, carrying the query parameters."""
    entries = [create_entry(sysadmin, department["id"]) for _ in range(7)]
    on_page, graph = _page(app, "/catalog.ttl?page=2&q=*:*")
    assert on_page and set(on_page) == {_iri(e) for e in entries[3:6]}
    assert _link(graph, HYDRA.previous) == f"{SITE}/catalog.ttl?q=%2A%3A%2A&page=1"
    assert _link(graph, HYDRA.last) == f"{SITE}/catalog.ttl?q=%2A%3A%2A&page=3"
    following = _link(graph, HYDRA.next)
    assert parse_qs(urlsplit(following).query)["q"] == ["*:*"]
    assert "cursor" in parse_qs(urlsplit(following).query)
    on_next, graph = _page(app, following)
    assert on_next == [_iri(entries[6])]
    assert _link(graph, HYDRA.next) is None
    collection = next(graph.subjects(RDF.type, HYDRA.PagedCollection))
    assert int(graph.value(collection, HYDRA.totalItems)) == 7


def test_f9_modified_since_narrows_a_cursor_walk(app, sysadmin, department):
    """Incremental harvests: ``modified_since`` keeps only entries changed since then, on
    every page of the walk (the cursor links carry it)."""
    entries = [create_entry(sysadmin, department["id"]) for _ in range(8)]
    since = max(e["metadata_modified"] for e in entries)
    changed = [entries[1], entries[4], entries[5], entries[7]]
    for entry in changed:
        _edit(sysadmin, entry["id"])
    seen = _walk(app, f"/catalog.ttl?modified_since={since}", lambda *_: None)
    assert sorted(seen) == sorted(_iri(e) for e in changed)


@pytest.mark.parametrize("cursor", [
    "x", "2026-12-03T10:00:00.000Z", "2026-13-03T10:00:00Z_abc",
    "2026-12-03T10:00:00Z_a b", '2026-12-03T10:00:00Z_a"] OR id:*', "2026-12-03T10:00:00Z_*"])
def test_f9_a_cursor_the_feed_did_not_give_is_refused_naming_it(app, sysadmin, department,
                                                                cursor):
    create_entry(sysadmin, department["id"])
    response = app.get("/catalog.ttl", query_string={"cursor": cursor}, status=409)
    assert "cursor" in response.get_data(as_text=True)


def test_f9_a_created_entry_joins_the_end_of_a_walk(app, sysadmin, department):
    entries = [create_entry(sysadmin, department["id"]) for _ in range(3)]
    newest = helpers.call_action("package_create", context={"user": sysadmin["name"]},
                                 **entry_dict(department["id"]))
    on_page, graph = _page(app, "/catalog.ttl")
    assert on_page == [_iri(e) for e in entries] or set(on_page) == {_iri(e) for e in entries}
    on_next, _ = _page(app, _link(graph, HYDRA.next))
    assert on_next == [_iri(newest)]
