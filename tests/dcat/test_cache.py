"""The DCAT cache (issue 20 item 1): anonymous documents from Redis, never a gated one,
ETag / Last-Modified / 304, out of date as soon as the catalog changes."""
from __future__ import annotations

import pytest
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

from tests.conftest import PLUGINS
from tests.entries import as_upstream, class_fields, conditional, create_entry, entry_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.dongchang.dcat_cache_seconds", "3600"),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

GATED_URL = "https://files.example.gov.cn/cache-gated-secret.csv"


def cached_documents() -> list[bytes]:
    from ckan.common import config

    client = connect_to_redis()
    keys = client.keys(f"{config['ckan.site_id']}:dongchang:dcat:doc:*")
    return [client.hget(key, "body") for key in keys]


@pytest.fixture(autouse=True)
def _empty_cache():
    client = connect_to_redis()
    for key in client.keys("*:dongchang:dcat:*"):
        client.delete(key)


def test_i1_anonymous_catalog_answers_etag_and_304(app, sysadmin):
    org = factories.Organization()
    create_entry(sysadmin, org["id"], title="缓存测试公开条目")
    first = app.get("/catalog.ttl")
    assert "缓存测试公开条目" in first.get_data(as_text=True)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    assert app.get("/catalog.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert app.get("/catalog.ttl",
                   headers={"If-Modified-Since": modified}).status_code == 304
    again = app.get("/catalog.ttl")
    assert again.get_data() == first.get_data() and again.headers["ETag"] == etag
    assert len(cached_documents()) == 1


def test_i1_an_edit_makes_cached_documents_out_of_date(app, sysadmin):
    org = factories.Organization()
    entry = create_entry(sysadmin, org["id"], title="改名之前的条目")
    before = app.get(f"/dataset/{entry['name']}.ttl")
    catalog = app.get("/catalog.ttl")
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=entry["id"],
                        title="改名之后的条目")

    for path, old in ((f"/dataset/{entry['name']}.ttl", before), ("/catalog.ttl", catalog)):
        now = app.get(path, headers={"If-None-Match": old.headers["ETag"]})
        assert now.status_code == 200, path
        assert "改名之后的条目" in now.get_data(as_text=True)
        assert "改名之前的条目" not in now.get_data(as_text=True)


def test_i1_a_class_change_takes_the_entry_out_of_the_cached_feed(app, sysadmin):
    org = factories.Organization()
    entry = create_entry(sysadmin, org["id"], title="即将不开放的条目")
    assert "即将不开放的条目" in app.get("/catalog.ttl").get_data(as_text=True)
    # its link file is registered as an upstream with the change (issue 16 item 3)
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=entry["id"],
                        resources=[as_upstream(r) for r in entry["resources"]],
                        **class_fields("unconditional", "not_open"))
    assert "即将不开放的条目" not in app.get("/catalog.ttl").get_data(as_text=True)
    app.get(f"/dataset/{entry['name']}.ttl", status=404)


def test_i1_a_purge_makes_cached_documents_out_of_date(app, sysadmin):
    org = factories.Organization()
    entry = create_entry(sysadmin, org["id"], title="即将清除的条目")
    assert "即将清除的条目" in app.get("/catalog.ttl").get_data(as_text=True)
    helpers.call_action("dataset_purge", context={"user": sysadmin["name"]}, id=entry["id"])
    assert "即将清除的条目" not in app.get("/catalog.ttl").get_data(as_text=True)


def test_i1_gated_content_never_enters_the_cache(app, sysadmin):
    org = factories.Organization()
    editor, citizen = factories.User(), factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=editor["name"],
                        role="editor")
    entries = [
        create_entry(sysadmin, org["id"], title="CACHEPUBLIC开放条目"),
        create_entry(sysadmin, org["id"], title="CACHECONDITIONAL有条件开放",
                     resources=[{"name": "数据", "url": GATED_URL, "format": "CSV"}],
                     **conditional(share_class="unconditional")),
        create_entry(sysadmin, org["id"], title="CACHEHIDDEN不开放条目",
                     **class_fields("unconditional", "not_open")),
        create_entry(sysadmin, org["id"], title="CACHEDRAFT草稿条目", catalog_state="draft",
                     confidentiality_review_status="pending"),
    ]
    tokens = [None, factories.APIToken(user=editor["name"])["token"],
              factories.APIToken(user=citizen["name"])["token"],
              factories.APIToken(user=sysadmin["name"])["token"]]
    paths = ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld",
             *(f"/dataset/{e['name']}.ttl" for e in entries)]
    seen_by_members = ""
    for token in tokens:
        headers = {"Authorization": token} if token else {}
        for path in paths:
            response = app.get(path, headers=headers)
            if token:
                seen_by_members += response.get_data(as_text=True)
    assert "CACHEHIDDEN" in seen_by_members  # it was rendered, for those who may see it

    documents = b"".join(cached_documents()).decode()
    assert "CACHEPUBLIC" in documents and "CACHECONDITIONAL" in documents
    for gated in ("CACHEHIDDEN", "CACHEDRAFT", GATED_URL):
        assert gated not in documents
    # exactly the anonymous answers that succeeded: the catalog in 3 formats, 2 public entries
    assert len(cached_documents()) == 5


def _generation() -> int:
    from ckanext.dongchang.dcat import cache

    return int(connect_to_redis().get(cache.key("generation")) or 0)


def test_i1_a_change_bumps_the_generation_when_it_commits_not_before(sysadmin):
    """Bumped before the commit, a page rendered in between (still without the change) would
    be kept under the new generation and served until the next change."""
    from ckan import model

    org = factories.Organization()
    before = _generation()
    helpers.call_action("package_create", context={"user": sysadmin["name"],
                                                   "defer_commit": True},
                        **entry_dict(org["id"], name="i20-bump-deferred"))
    assert _generation() == before, "nothing is committed yet"
    model.Session.commit()
    assert _generation() > before

