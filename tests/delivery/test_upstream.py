"""The portal is the only door (issue 16 item 3, F-16; Art. 20, 24, 25, 28): a gated file is an
upload or a registered upstream, never a link; an upstream's address is kept by the portal,
which calls it on each authorised download only, streams the answer and logs the delivery.
Real PostgreSQL, Solr, Redis, FileStore and a real HTTP server as the department's upstream.
"""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Api, EnglishApi
from tests.conftest import PLUGINS
from tests.delivery.conftest import _rows
from tests.entries import conditional, create_entry
from tests.servers import UpstreamServer

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

UPSTREAM_CSV = "镇街,低保户数\n古楼街道,41\n柳园街道,37\n".encode()
SECRET_PATH = "/dept-internal-f16-upstream-marker/export.csv"


@pytest.fixture
def upstream():
    server = UpstreamServer(UPSTREAM_CSV)
    yield server
    server.stop()


@pytest.fixture
def door(app, sysadmin, upstream):
    owner = factories.Organization(name="dcf-door-owner", title="区民政局")
    users = {name: factories.User(name=f"door-{name}") for name in ("admin", "citizen",
                                                                     "stranger")}
    helpers.call_action("organization_member_create", id=owner["id"],
                        username=users["admin"]["name"], role="admin")
    api = {name: Api(app, user) for name, user in users.items()}
    gated = create_entry(sysadmin, owner["id"], name="door-gated", **conditional(),
                         resources=[])
    file = Api(app, sysadmin).ok("resource_create", package_id=gated["id"], name="低保统计开放版",
                           format="CSV", audience="open", upstream_url=upstream.url + SECRET_PATH)
    grant = AccessRequest(
        dataset_id=gated["id"], requester_id=users["citizen"]["id"], resource_ids=[file["id"]],
        request_kind="open", applicant_kind="citizen", purpose="social_services",
        state="approved", valid_from=dt.date.today(),
        valid_until=dt.date.today() + dt.timedelta(days=30))
    model.Session.add(grant)
    model.Session.commit()
    return {"owner": owner, "users": users, "api": api, "entry": gated, "file": file,
            "grant": grant.id, "sysadmin": sysadmin}


def _download(api, entry, resource):
    return api.get(f"/dataset/{entry['id']}/resource/{resource['id']}/download/data.csv")


def test_f16_a_link_on_a_gated_entry_is_refused_with_the_message(app, door):
    admin, entry = door["api"]["admin"], door["entry"]
    error = admin.error("resource_create", package_id=entry["id"], name="链接", format="CSV",
                        audience="open", url="https://files.example.gov.cn/f16.csv")
    assert "url" in error and "上传" in error["url"][0] and "上游" in error["url"][0]
    english = EnglishApi(app, door["users"]["admin"]).error(
        "resource_create", package_id=entry["id"], name="link", format="CSV",
        audience="open", url="https://files.example.gov.cn/f16.csv")
    assert "upload the file" in english["url"][0]
    assert "register an upstream" in english["url"][0]
    with pytest.raises(tk.ValidationError) as updated:
        helpers.call_action("resource_update", context={"user": door["sysadmin"]["name"]},
                            id=door["file"]["id"], package_id=entry["id"], name="改成链接",
                            format="CSV", audience="open", url_type="",
                            url="https://files.example.gov.cn/f16.csv")
    assert "url" in updated.value.error_dict
    created = Api(app, door["sysadmin"]).error(
        "package_create", **_entry_fields(door, resources=[
            {"name": "链接", "format": "CSV", "url": "https://files.example.gov.cn/x.csv"}]))
    assert "resources" in created


def _entry_fields(door, **overrides):
    from tests.entries import entry_dict

    fields = entry_dict(door["owner"]["id"], **conditional())
    fields.update(overrides)  # as given: not turned into upstreams as entry_dict does
    return fields


def test_f16_the_same_link_on_an_unconditionally_open_entrys_open_file_is_accepted(door):
    public = create_entry(door["sysadmin"], door["owner"]["id"], resources=[])
    made = door["api"]["admin"].ok("resource_create", package_id=public["id"], name="链接",
                                   format="CSV", audience="open",
                                   url="https://files.example.gov.cn/open.csv")
    assert made["url"] == "https://files.example.gov.cn/open.csv"


def test_f16_a_class_change_that_gates_a_link_is_refused(door):
    public = create_entry(door["sysadmin"], door["owner"]["id"], resources=[
        {"name": "链接", "format": "CSV", "url": "https://files.example.gov.cn/open.csv"}])
    sysadmin = Api(door["api"]["admin"].app, door["sysadmin"])
    error = sysadmin.error("package_patch", id=public["id"], **{
        k: v for k, v in conditional().items() if k.startswith("open_")})
    assert "resources" in error and "上传" in str(error["resources"])


def test_f16_an_upstream_download_streams_the_upstreams_bytes_to_a_grantee_and_logs_a_row(
        door, upstream):
    served = _download(door["api"]["citizen"], door["entry"], door["file"])
    assert served.status_code == 200
    assert served.data == UPSTREAM_CSV
    assert upstream.calls == [SECRET_PATH]
    rows = _rows()
    assert [(r["user_id"], r["request_id"], r["resource_id"], r["bytes"]) for r in rows] == [
        (door["users"]["citizen"]["id"], door["grant"], door["file"]["id"], len(UPSTREAM_CSV))]


def test_f16_a_non_grantee_is_refused_and_the_upstream_is_not_called(app, door, upstream):
    assert _download(door["api"]["stranger"], door["entry"], door["file"]).status_code == 403
    assert _download(Api(app), door["entry"], door["file"]).status_code == 403
    assert upstream.calls == []
    assert _rows() == []


def test_f16_revoking_the_grant_stops_the_next_download(door, upstream):
    citizen = door["api"]["citizen"]
    assert _download(citizen, door["entry"], door["file"]).status_code == 200
    model.Session.query(AccessRequest).filter_by(id=door["grant"]).update(
        {"state": "revoked"})
    model.Session.commit()
    assert _download(citizen, door["entry"], door["file"]).status_code in (403, 404)
    assert len(upstream.calls) == 1


def test_f16_a_failing_upstream_gives_a_502_page_without_the_address(door, upstream):
    upstream.status = 500
    failed = _download(door["api"]["citizen"], door["entry"], door["file"])
    assert failed.status_code == 502
    assert "Traceback" not in failed.get_data(as_text=True)
    assert "127.0.0.1" not in failed.get_data(as_text=True)
    upstream.stop()
    gone = _download(door["api"]["citizen"], door["entry"], door["file"])
    assert gone.status_code == 502 and SECRET_PATH not in gone.get_data(as_text=True)
    assert _rows() == []


@pytest.mark.ckan_config("ckanext.dongchang.upstream_timeout", "1")
def test_f16_a_slow_upstream_times_out_with_a_502(door, upstream):
    upstream.delay = 3
    assert _download(door["api"]["citizen"], door["entry"], door["file"]).status_code == 502


def test_f16_the_upstream_address_is_shown_to_nobody_not_even_the_department(door, upstream):
    marker = SECRET_PATH.split("/")[1]
    admin, entry, file = door["api"]["admin"], door["entry"], door["file"]
    shown = admin.ok("resource_show", id=file["id"])
    assert shown["url_type"] == "dongchang_upstream"
    assert shown["url"].endswith(f"/dataset/{entry['id']}/resource/{file['id']}/download")
    answers = [str(file), str(shown), str(admin.ok("package_show", id=entry["id"])),
               str(admin.ok("package_search", q="*:*", include_private=True)),
               str(admin.ok("package_activity_list", id=entry["id"])),
               admin.page(f"/dataset/{entry['id']}/resource/{file['id']}/edit").decode(),
               admin.page(f"/dataset/{entry['id']}").decode()]
    for answer in answers:
        assert marker not in answer and upstream.url not in answer


def test_f16_a_new_address_replaces_the_old_and_an_empty_one_keeps_it(door, upstream):
    from ckanext.dongchang.delivery import upstream as upstreams

    admin, file = door["api"]["admin"], door["file"]
    admin.ok("resource_patch", id=file["id"], name="改名")
    assert upstreams.address_of(file["id"]) == upstream.url + SECRET_PATH
    admin.ok("resource_patch", id=file["id"], upstream_url=upstream.url + "/v2.csv")
    model.Session.expire_all()
    assert upstreams.address_of(file["id"]) == upstream.url + "/v2.csv"
    error = admin.error("resource_patch", id=file["id"], upstream_url="ftp://x/y")
    assert "upstream_url" in error


def test_f16_an_upstream_file_needs_an_address(door):
    error = door["api"]["admin"].error("resource_create", package_id=door["entry"]["id"],
                                       name="无地址", format="CSV", audience="open",
                                       url_type="dongchang_upstream")
    assert "upstream_url" in error


def _data_source_choices(admin, path):
    form = admin.page(path)
    chooser = form.select_one("fieldset.dongchang-data-source")
    return chooser, {radio["value"]: (radio.has_attr("checked"), radio.find_next("label").text)
                     for radio in chooser.select("input[type=radio]")}


def test_f16_i1_the_resource_form_asks_upload_upstream_or_link(door):
    admin, entry, file = door["api"]["admin"], door["entry"], door["file"]
    public = create_entry(door["sysadmin"], door["owner"]["id"], resources=[])
    chooser, choices = _data_source_choices(admin, f"/dataset/{public['name']}/resource/new")
    assert choices == {"upload": (True, "上传文件"),
                       "upstream": (False, "登记上游接口（数据留在部门）"),
                       "link": (False, "链接")}
    # hidden until the script shows it (without scripts every field shows), never submitted
    assert chooser.has_attr("hidden") and chooser["data-module"] == "dongchang-data-source"
    assert all(radio["form"] == "dongchang-data-source-none"
               for radio in chooser.select("input[type=radio]"))
    page = admin.page(f"/dataset/{public['name']}/resource/new")
    assert page.select_one("#field-upstream_url") and page.select_one("#field-resource-upload")
    assert page.select_one("#dongchang-upstream-type").has_attr("disabled")
    # a gated entry offers no link; its upstream file's form starts on the upstream choice
    _, choices = _data_source_choices(admin, f"/dataset/{entry['name']}/resource/new")
    assert list(choices) == ["upload", "upstream"]
    _, choices = _data_source_choices(
        admin, f"/dataset/{entry['id']}/resource/{file['id']}/edit")
    assert choices["upstream"][0] and not choices["upload"][0]
    _, english = _data_source_choices(admin, f"/en/dataset/{public['name']}/resource/new")
    assert [label for _, label in english.values()] == [
        "Upload a file", "Register an upstream interface (data stays at the department)",
        "Link"]
