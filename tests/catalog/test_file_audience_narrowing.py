"""A file's audience on a published entry (issue 16 item 1 with F-10 re-review, Art. 28).

A department that says a file is for fewer people than before (open version → shared version)
is obeyed at once: holding the change for the Bureau would keep the file public that its own
department has just said is not. The entry goes back to review, as after a class going down.
Giving a file to more people waits for the Bureau, and the file stays as it was meanwhile.
Real PostgreSQL, Solr and CKAN's FileStore.
"""
from __future__ import annotations

import pytest
from ckan.tests import factories

from tests.api import Api
from tests.conftest import PLUGINS
from tests.delivery.conftest import _path, _upload
from tests.factories import CatalogEntry, district, staff

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

HELD = "dongchang_pending_revision"
TABLE = "街道,企业数\n古楼街道,1203\n".encode()


@pytest.fixture
def world(app, sysadmin):
    orgs = district()
    editor = staff(orgs, ("scjg-editor", "scjg", "editor"))["scjg-editor"]
    token = factories.APIToken(user=sysadmin["name"])["token"]
    entries, files = {}, {}
    for name, audience in (("open-file", "open"), ("shared-file", "shared")):
        entries[name] = CatalogEntry(user=sysadmin, owner_org=orgs["scjg"], name=name,
                                     resources=[])
        files[name] = _upload(app, token, entries[name], "市场主体统计", audience, TABLE)
    return {"entries": entries, "files": files, "editor": Api(app, editor),
            "anonymous": Api(app)}


def test_f16_narrowing_a_published_files_audience_takes_it_offline_at_once(world):
    entry, file = world["entries"]["open-file"], world["files"]["open-file"]
    anonymous, editor = world["anonymous"], world["editor"]
    assert anonymous.get(_path(entry, file)).status_code == 200

    answer = editor.ok("resource_patch", id=file["id"], audience="shared")
    assert HELD not in answer and answer["audience"] == "shared"
    assert editor.ok("package_show", id=entry["id"])["catalog_state"] == "submitted"
    assert anonymous.get(_path(entry, file)).status_code in (403, 404)
    anonymous.error("package_show", status=404, id=entry["id"])


def test_f16_widening_a_published_files_audience_waits_for_the_bureau(world):
    entry, file = world["entries"]["shared-file"], world["files"]["shared-file"]
    anonymous, editor = world["anonymous"], world["editor"]
    assert anonymous.get(_path(entry, file)).status_code in (403, 404)

    answer = editor.ok("resource_patch", id=file["id"], audience="open")
    assert answer[HELD]["fields"] == ["resources"]
    assert editor.ok("package_show", id=entry["id"])["catalog_state"] == "published"
    assert anonymous.get(_path(entry, file)).status_code in (403, 404)
