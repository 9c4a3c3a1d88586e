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

from ckanext.dongchang.delivery import service as delivery
from tests.api import Api
from tests.conftest import PLUGINS
from tests.delivery.conftest import OPEN_CSV, _path, _rows

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

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
