"""The access log (issue 16 item 5, F-16; Art. 25 ¶4, 27, 28): every delivery of gated data
through the portal writes one row — who, which grant, which file, when, bytes, client address —
that nobody can change or delete; the grantee sees their own use, the department the use of its
data, the Bureau all of it, with a formula-safe CSV export. Real PostgreSQL, Solr, Redis and
CKAN's FileStore.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from ckanext.dongchang.delivery import service as delivery
from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

OPEN_CSV = "镇街,机构数\n古楼街道,12\n柳园街道,9\n".encode()
PUBLIC_CSV = "年份,数量\n2025,31\n".encode()


def _upload(app, token, entry, name, audience, content):
    response = app.post("/api/3/action/resource_create", headers={"Authorization": token},
                        data={"package_id": entry["id"], "name": name, "audience": audience,
                              "format": "CSV", "upload": (io.BytesIO(content), f"{name}.csv")},
                        content_type="multipart/form-data")
    return response.json["result"]


@pytest.fixture
def world(app, sysadmin):
    owner = factories.Organization(name="dcf-log-owner", title="区民政局")
    other = factories.Organization(name="dcf-log-other", title="区人社局")
    bureau = factories.Organization(name="dcf-log-dsj", title="区大数据局", is_bureau="true")
    users = {name: factories.User(name=f"log-{name}")
             for name in ("admin", "official", "citizen", "bureau", "stranger")}
    for org, name, role in ((owner, "admin", "admin"), (other, "official", "member"),
                            (bureau, "bureau", "admin")):
        helpers.call_action("organization_member_create", id=org["id"],
                            username=users[name]["name"], role=role)
    token = factories.APIToken(user=sysadmin["name"])["token"]
    gated = create_entry(sysadmin, owner["id"], name="log-gated", **conditional(), resources=[])
    public = create_entry(sysadmin, owner["id"], name="log-public", resources=[])
    files = {"open": _upload(app, token, gated, "养老机构统计开放版", "open", OPEN_CSV),
             "public": _upload(app, token, public, "养老机构数量", "open", PUBLIC_CSV)}
    grant = AccessRequest(
        dataset_id=gated["id"], requester_id=users["citizen"]["id"],
        resource_ids=[files["open"]["id"]], request_kind="open", applicant_kind="citizen",
        purpose="social_services", state="approved", valid_from=dt.date.today(),
        valid_until=dt.date.today() + dt.timedelta(days=30))
    model.Session.add(grant)
    model.Session.commit()
    return {"users": users, "entries": {"gated": gated, "public": public}, "files": files,
            "grant": grant.id, "api": {name: Api(app, user) for name, user in users.items()}}


def _path(entry, resource):
    return f"/dataset/{entry['id']}/resource/{resource['id']}/download/{resource['name']}.csv"


def _rows() -> list[dict]:
    return [dict(row._mapping) for row in model.Session.execute(
        sa.text("select * from dongchang_access_log order by id"))]


def test_f16_each_gated_download_writes_one_row_naming_the_grant(world):
    citizen, entry, resource = world["api"]["citizen"], world["entries"]["gated"], \
        world["files"]["open"]
    for _ in range(2):
        served = citizen.get(_path(entry, resource), environ_base={"REMOTE_ADDR": "10.1.2.3"})
        assert served.status_code == 200
        assert sorted(served.data.splitlines()) == sorted(OPEN_CSV.splitlines())  # its order
    rows = _rows()
    assert len(rows) == 2
    for row in rows:
        assert row["user_id"] == world["users"]["citizen"]["id"]
        assert row["request_id"] == world["grant"]
        assert (row["dataset_id"], row["resource_id"]) == (entry["id"], resource["id"])
        assert row["channel"] == "download" and row["bytes"] == len(OPEN_CSV)
        assert row["client_address"] == "10.1.2.3"
        assert abs(row["occurred_at"] - dt.datetime.utcnow()) < dt.timedelta(minutes=5)


def test_f16_refused_and_public_downloads_write_nothing(world):
    entry, resource = world["entries"]["gated"], world["files"]["open"]
    assert world["api"]["stranger"].get(_path(entry, resource)).status_code == 403
    public = world["api"]["stranger"].get(_path(world["entries"]["public"],
                                               world["files"]["public"]))
    assert public.status_code == 200
    assert _rows() == []


def test_f16_the_department_and_the_bureau_downloading_are_logged_without_a_grant(world):
    entry, resource = world["entries"]["gated"], world["files"]["open"]
    for name in ("admin", "bureau"):
        assert world["api"][name].get(_path(entry, resource)).status_code == 200
    assert [(row["user_id"], row["request_id"]) for row in _rows()] == [
        (world["users"]["admin"]["id"], None), (world["users"]["bureau"]["id"], None)]


def test_f16_the_access_log_refuses_update_and_delete(world):
    world["api"]["citizen"].get(_path(world["entries"]["gated"], world["files"]["open"]))
    for statement in ("update dongchang_access_log set bytes = 0",
                      "delete from dongchang_access_log",
                      "truncate dongchang_access_log"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            model.Session.execute(sa.text(statement))
        model.Session.rollback()
    assert len(_rows()) == 1


def test_f16_retention_removes_only_rows_older_than_the_configured_days(world):
    world["api"]["citizen"].get(_path(world["entries"]["gated"], world["files"]["open"]))
    assert delivery.purge_older_than(days=1) == 0
    assert delivery.purge_older_than(days=0) == 1
    assert _rows() == []


def test_f16_who_sees_which_rows_of_the_access_log(world):
    entry, resource = world["entries"]["gated"], world["files"]["open"]
    for name in ("citizen", "admin"):
        world["api"][name].get(_path(entry, resource))
    api, users = world["api"], world["users"]
    seen = {name: api[name].ok("dongchang_access_log_list")
            for name in ("citizen", "admin", "bureau", "official")}
    assert [r["user_id"] for r in seen["citizen"]["results"]] == [users["citizen"]["id"]]
    assert seen["admin"]["count"] == seen["bureau"]["count"] == 2
    assert seen["official"]["count"] == 0  # not its data, not its use
    by_grant = api["bureau"].ok("dongchang_access_log_list", request_id=world["grant"])
    assert by_grant["count"] == 1
    by_user = api["bureau"].ok("dongchang_access_log_list", user=users["admin"]["name"])
    assert [r["user_id"] for r in by_user["results"]] == [users["admin"]["id"]]
    assert api["bureau"].ok("dongchang_access_log_list", dataset_id=entry["id"])["count"] == 2
    anonymous = Api(world["api"]["citizen"].app)
    anonymous.error("dongchang_access_log_list", status=403)
    error = api["bureau"].error("dongchang_access_log_list", status=409, limit="many")
    assert "limit" in error


def test_f16_access_log_page_and_csv_export_are_scoped(world):
    entry, resource = world["entries"]["gated"], world["files"]["open"]
    world["api"]["citizen"].get(_path(entry, resource))
    page = world["api"]["citizen"].page("/dongchang/access-log")
    assert entry["title"] in page.get_text()
    assert world["api"]["official"].page("/dongchang/access-log").select_one(".empty")
    exported = world["api"]["bureau"].get("/dongchang/access-log.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 2 and world["users"]["citizen"]["name"] in rows[1]
    assert world["api"]["citizen"].get("/dongchang/access-log.csv").status_code == 200
    assert Api(world["api"]["citizen"].app).get("/dongchang/access-log").status_code in (302, 403)


@pytest.mark.ckan_config("ckanext.dongchang.access_log_retention_days", "0")
def test_f16_the_purge_command_keeps_the_configured_retention(world):
    from click.testing import CliRunner

    from ckanext.dongchang import cli

    world["api"]["citizen"].get(_path(world["entries"]["gated"], world["files"]["open"]))
    result = CliRunner().invoke(cli.purge_access_log, [], catch_exceptions=False)
    assert "removed 1 access-log row(s)" in result.output
    assert _rows() == []
