"""A new file uploaded to a published entry waits for the Bureau like any change (F-10, Art. 15)
and is not refused: gated files must be uploads (issue 16 item 3), so a published conditional
entry could otherwise never get a new file. The file is stored at once under the id its held
resource will have; nobody can download it before the Bureau publishes the change.
A replacement for a published file cannot wait that way (it would overwrite the published
file), so it is refused with a message saying how to do it. Real PostgreSQL, Solr, FileStore.
"""
from __future__ import annotations

import io
import os

import pytest
from ckan.lib import uploader
from ckan.tests import factories

from tests.api import Api
from tests.conftest import PLUGINS
from tests.delivery.conftest import _upload
from tests.factories import CatalogEntry, district, staff

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

HELD = "dongchang_pending_revision"
PUBLISHED_TABLE = "街道,企业数\n古楼街道,1203\n".encode()
NEW_TABLE = "街道,个体工商户数\n柳园街道,877\n".encode()


@pytest.fixture
def world(app, sysadmin):
    orgs = district()
    people = staff(orgs, ("scjg-editor", "scjg", "editor"), ("dsj-admin", "bureau", "admin"))
    entry = CatalogEntry(user=sysadmin, owner_org=orgs["scjg"], name="market-entities",
                         resources=[])
    token = factories.APIToken(user=sysadmin["name"])["token"]
    published = _upload(app, token, entry, "市场主体统计", "open", PUBLISHED_TABLE)
    return {"app": app, "entry": entry, "published": published,
            "editor_token": factories.APIToken(user=people["scjg-editor"]["name"])["token"],
            "bureau": Api(app, people["dsj-admin"]), "anonymous": Api(app)}


def _post_file(world, action, content, **fields):
    return world["app"].post(
        f"/api/3/action/{action}", headers={"Authorization": world["editor_token"]},
        data={**fields, "upload": (io.BytesIO(content), "新文件.csv")},
        content_type="multipart/form-data", status=None)


def _download(world, resource):
    return world["anonymous"].get(
        f"/dataset/{world['entry']['id']}/resource/{resource['id']}/download/新文件.csv")


def test_f10_a_new_upload_to_a_published_entry_is_held_then_published(world):
    response = _post_file(world, "resource_create", NEW_TABLE, package_id=world["entry"]["id"],
                          name="个体工商户统计", format="CSV", audience="open")
    assert response.status_code == 200, response.json
    held = response.json["result"]
    assert held[HELD]["fields"] == ["resources"] and held["url_type"] == "upload"
    public = world["anonymous"].ok("package_show", id=world["entry"]["id"])
    assert [r["name"] for r in public["resources"]] == ["市场主体统计"]
    assert _download(world, held).status_code == 404  # nobody gets it before the review

    world["bureau"].ok("dongchang_catalog_review", id=world["entry"]["id"], decision="publish")
    public = world["anonymous"].ok("package_show", id=world["entry"]["id"])
    new = next(r for r in public["resources"] if r["name"] == "个体工商户统计")
    assert new["id"] == held["id"]
    response = _download(world, new)
    assert response.status_code == 200 and response.get_data() == NEW_TABLE


def test_f10_a_returned_change_leaves_no_held_file_behind(world):
    response = _post_file(world, "resource_create", NEW_TABLE, package_id=world["entry"]["id"],
                          name="个体工商户统计", format="CSV", audience="open")
    held = response.json["result"]
    path = uploader.get_resource_uploader({}).get_path(held["id"])
    assert os.path.exists(path)
    world["bureau"].ok("dongchang_catalog_review", id=world["entry"]["id"], decision="return",
                       reason="文件名称应与数据资源一致")
    assert not os.path.exists(path)
    published = uploader.get_resource_uploader({}).get_path(world["published"]["id"])
    assert os.path.exists(published)


def test_f10_a_replacement_upload_for_a_published_file_is_refused_and_nothing_changes(world):
    published = world["published"]
    response = _post_file(world, "resource_update", NEW_TABLE, id=published["id"],
                          name=published["name"], format="CSV", audience="open")
    assert response.status_code == 409
    assert "upload" in response.json["error"]
    response = _download(world, published)
    assert response.status_code == 200 and response.get_data() == PUBLISHED_TABLE


@pytest.mark.parametrize("decision", ["publish", "return"])
def test_i16_a_new_upstream_file_of_a_published_entry_is_held_like_an_upload(world, decision):
    """Issue 16: a department's new upstream file on a published entry waits for the Bureau
    like a new upload. The address is registered under the id the held file will have (never
    in the proposal nor any answer); nobody downloads before the review; published, the file
    is served from that upstream; returned, the registration is gone."""
    from ckan import model

    from ckanext.dongchang.catalog.revision_model import PendingRevision
    from ckanext.dongchang.delivery.model import Upstream
    from tests.servers import UpstreamServer

    server = UpstreamServer(NEW_TABLE)
    address = server.url + "/scjg-internal-held-upstream/export.csv"
    try:
        response = world["app"].post(
            "/api/3/action/resource_create", headers={"Authorization": world["editor_token"]},
            json={"package_id": world["entry"]["id"], "name": "个体工商户统计", "format": "CSV",
                  "audience": "open", "upstream_url": address}, status=None)
        assert response.status_code == 200, response.json
        held = response.json["result"]
        assert held[HELD]["fields"] == ["resources"]
        assert held["url_type"] == "dongchang_upstream"
        proposal = model.Session.get(PendingRevision, held[HELD]["id"]).proposed
        listed = world["bureau"].ok("dongchang_catalog_revision_list",
                                    dataset_id=world["entry"]["id"], include_diff=True)
        for answer in (str(held), str(proposal), str(listed)):
            assert server.url not in answer and "scjg-internal" not in answer
        assert _download(world, held).status_code == 404
        assert server.calls == []

        reason = {"reason": "文件名称应与数据资源一致"} if decision == "return" else {}
        world["bureau"].ok("dongchang_catalog_review", id=world["entry"]["id"],
                           decision=decision, **reason)
        model.Session.expire_all()
        if decision == "return":
            assert model.Session.get(Upstream, held["id"]) is None
            assert _download(world, held).status_code == 404 and server.calls == []
            return
        public = world["anonymous"].ok("package_show", id=world["entry"]["id"])
        new = next(r for r in public["resources"] if r["name"] == "个体工商户统计")
        assert new["id"] == held["id"] and server.url not in str(public)
        response = _download(world, new)
        assert response.status_code == 200 and response.get_data() == NEW_TABLE
        assert server.calls == ["/scjg-internal-held-upstream/export.csv"]
    finally:
        server.stop()
