"""xloader (issue 16 item 4): an uploaded CSV reaches the DataStore on the real path — queued
when it is uploaded, loaded by a real RQ worker on the real Redis, fetched over HTTP from the
site — and a file xloader cannot read stays downloadable, with the error on its page.
xloader is enabled here only: suite-wide it would queue a job for every CSV upload.
"""
from __future__ import annotations

import io
import threading

import pytest
from ckan.tests import helpers

from tests.api import Api
from tests.conftest import PLUGINS
from tests.delivery.conftest import _rows

XLOADER_PLUGINS = PLUGINS + " xloader"
BROKEN = b"\x00\x01 not a spreadsheet \xff"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", XLOADER_PLUGINS),
    # as the site sets it: Chinese column names stay Chinese (xloader would transliterate them)
    pytest.mark.ckan_config("ckanext.xloader.unidecode_headers", "false"),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def _search(api, resource, status=200, **params):
    return api.post("datastore_search", status=status, resource_id=resource["id"], **params)


@pytest.fixture
def live_site(app):
    """The test app on a real port: xloader's job fetches the upload over HTTP, as it does
    from the site in production."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def xloader_ready(live_site, monkeypatch):
    """xloader's settings as ``make site-db`` writes them: the site user's token
    (services/xloader-token.sh) and the address the worker fetches from."""
    from ckan.plugins import toolkit as tk
    from ckan.tests import factories

    site_user = helpers.call_action("get_site_user")["name"]
    monkeypatch.setitem(tk.config, "ckanext.xloader.site_url", live_site)
    monkeypatch.setitem(tk.config, "ckanext.xloader.api_token",
                        factories.APIToken(user=site_user)["token"])


def _task(resource_id):
    return helpers.call_action("xloader_status", resource_id=resource_id)


def test_f16_an_uploaded_csv_is_loaded_by_xloader_and_served_to_the_grantee(
        xloader_ready, run_jobs, world):
    gated = world["files"]["open"]
    assert _task(gated["id"])["status"] == "pending"  # queued when it was uploaded
    run_jobs()
    assert _task(gated["id"])["status"] == "complete"
    answer = _search(world["api"]["citizen"], gated)["result"]
    assert [r["镇街"] for r in answer["records"]] == ["古楼街道", "柳园街道"]
    _search(world["api"]["stranger"], gated, status=403)
    world["api"]["stranger"].post("xloader_status", status=403, resource_id=gated["id"])
    # the worker's own fetch is the portal's, not a delivery; the grantee's call is
    assert [(r["channel"], r["user_id"]) for r in _rows()] == [
        ("api", world["users"]["citizen"]["id"])]


def test_f16_a_file_xloader_cannot_read_stays_downloadable_with_the_error_shown(
        xloader_ready, run_jobs, world, app, sysadmin):
    token = Api(app, sysadmin).headers["Authorization"]
    response = app.post("/api/3/action/resource_create", headers={"Authorization": token},
                        data={"package_id": world["entries"]["gated"]["id"], "name": "损坏的表格",
                              "audience": "open", "format": "XLSX",
                              "upload": (io.BytesIO(BROKEN), "broken.xlsx")},
                        content_type="multipart/form-data")
    broken = response.json["result"]
    run_jobs()
    status = _task(broken["id"])
    assert status["status"] == "error" and status["error"]
    admin = world["api"]["admin"]
    entry = world["entries"]["gated"]
    page = admin.get(f"/dataset/{entry['name']}/resource/{broken['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "错误" in text or "Error" in text  # xloader's badge: the load failed
    details = admin.get(f"/dataset/{entry['name']}/resource_data/{broken['id']}")
    assert details.status_code == 200
    download = admin.get(f"/dataset/{entry['id']}/resource/{broken['id']}/download/x.xlsx")
    assert download.status_code == 200 and download.data == BROKEN
