"""Tabular data as an API (issue 16 item 4, F-16; Art. 20, 24-25, 27-28): a gated file's
DataStore table answers its department, the Bureau and a grantee whose grant covers it, and
nobody else; revocation and expiry cut the next call; SQL search never reaches it; each call
writes one access-log row with the rows served; a grant's calls may be limited (429 with when
the count resets). Real PostgreSQL (the DataStore on its own database, read through the
read-only role), Solr, Redis and CKAN's FileStore.
"""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import helpers

from ckanext.dongchang.delivery import rules
from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Api
from tests.conftest import PLUGINS
from tests.delivery.conftest import _rows, _upload

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

RECORDS = [{"镇街": "古楼街道", "机构数": 12}, {"镇街": "柳园街道", "机构数": 9},
           {"镇街": "新区街道", "机构数": 4}]


@pytest.fixture
def table(world, sysadmin):
    """The gated open version's rows in the DataStore (as xloader leaves them), and the
    public entry's file too."""
    for key in ("open", "public"):
        helpers.call_action("datastore_create", {"user": sysadmin["name"]},
                            resource_id=world["files"][key]["id"],
                            force=True, records=RECORDS,
                            fields=[{"id": "镇街", "type": "text"},
                                    {"id": "机构数", "type": "int"}])
    return world


def _search(api, resource, status=200, **params):
    return api.post("datastore_search", status=status, resource_id=resource["id"], **params)


def _api_rows():
    return [row for row in _rows() if row["channel"] == "api"]


def test_f16_a_grantee_reads_the_covered_table_with_a_token(table):
    answer = _search(table["api"]["citizen"], table["files"]["open"])
    assert [r["镇街"] for r in answer["result"]["records"]] == ["古楼街道", "柳园街道", "新区街道"]


def test_f16_department_and_bureau_read_non_grantees_are_refused(table, app):
    gated = table["files"]["open"]
    for name in ("admin", "bureau"):
        assert _search(table["api"][name], gated)["success"]
    # the file is listed for them (an open version of a conditional entry): 403, not its rows
    for api in (table["api"]["stranger"], table["api"]["official"], Api(app)):
        refused = _search(api, gated, status=403)
        assert refused["success"] is False and "records" not in str(refused)
        assert "古楼街道" not in str(refused)
    for action in ("datastore_info",):
        assert table["api"]["stranger"].post(action, status=403, id=gated["id"])
    # the public entry's table answers everyone, unlogged
    assert _search(Api(app), table["files"]["public"])["success"]


def test_f16_a_file_the_viewer_may_not_know_of_answers_404(table, app, sysadmin):
    owner_file = _upload(app, Api(app, sysadmin).headers["Authorization"],
                         table["entries"]["gated"], "内部全量", "owner", b"a,b\n1,2\n")
    helpers.call_action("datastore_create", {"user": sysadmin["name"]},
                        resource_id=owner_file["id"], force=True,
                        records=RECORDS[:1], fields=[{"id": "镇街", "type": "text"},
                                                     {"id": "机构数", "type": "int"}])
    for api in (table["api"]["citizen"], table["api"]["stranger"], Api(app)):
        _search(api, owner_file, status=404)
        assert api.get(f"/datastore/dump/{owner_file['id']}").status_code == 404
    assert _search(table["api"]["admin"], owner_file)["success"]


def test_f16_an_alias_of_a_gated_table_is_judged_as_its_file(table, sysadmin):
    gated = table["files"]["open"]
    name = f"gated_alias_{uuid.uuid4().hex[:12]}"  # the DataStore outlives clean_db
    helpers.call_action("datastore_create", {"user": sysadmin["name"]},
                        resource_id=gated["id"], aliases=name, force=True)
    alias = {"id": name}
    for name in ("stranger", "official"):
        refused = _search(table["api"][name], alias, status=403)
        assert "古楼街道" not in str(refused)
    assert _search(table["api"]["citizen"], alias)["success"]
    assert [(r["resource_id"], r["rows"]) for r in _api_rows()] == [(gated["id"], 3)]


def test_f16_revocation_and_expiry_cut_the_next_call(table):
    citizen, gated = table["api"]["citizen"], table["files"]["open"]
    assert _search(citizen, gated)["success"]
    for change in ({"state": "revoked"},
                   {"state": "approved", "valid_until": dt.date.today() - dt.timedelta(days=1)}):
        model.Session.query(AccessRequest).filter_by(id=table["grant"]).update(change)
        model.Session.commit()
        _search(citizen, gated, status=403)


def test_f16_only_the_department_writes_the_table(table):
    gated = table["files"]["open"]
    for name in ("citizen", "bureau", "stranger"):
        table["api"][name].post("datastore_upsert", status=403, resource_id=gated["id"],
                                method="insert", force=True,
                                records=[{"镇街": "伪造", "机构数": 1}])
    assert table["api"]["admin"].ok("datastore_upsert", resource_id=gated["id"],
                                     method="insert", force=True,
                                     records=[{"镇街": "东城街道", "机构数": 2}])


def test_f16_sql_search_cannot_read_a_gated_table(table, app):
    gated = table["files"]["open"]
    sql = f'SELECT * FROM "{gated["id"]}"'
    for api in (table["api"]["stranger"], table["api"]["citizen"], Api(app)):
        answer = api.post("datastore_search_sql", status=400, sql=sql)  # not offered at all
        assert "古楼街道" not in str(answer)
    # and were a site to turn it on, the chained auth still refuses the gated table
    from ckan import authz
    context = {"user": table["users"]["stranger"]["name"], "table_names": [gated["id"]]}
    assert not authz.is_authorized("datastore_search_sql", context, {"sql": sql})["success"]
    # the public metadata table is no longer searchable either: it lists every table's id
    Api(app).post("datastore_search", status=404, resource_id="_table_metadata")


def test_f16_each_call_writes_one_log_row_with_the_rows_served(table):
    citizen, gated = table["api"]["citizen"], table["files"]["open"]
    _search(citizen, gated, limit=2)
    _search(citizen, gated)
    rows = _api_rows()
    assert [(r["user_id"], r["request_id"], r["resource_id"], r["rows"]) for r in rows] == [
        (table["users"]["citizen"]["id"], table["grant"], gated["id"], 2),
        (table["users"]["citizen"]["id"], table["grant"], gated["id"], 3)]
    _search(table["api"]["stranger"], gated, status=403)
    _search(table["api"]["stranger"], table["files"]["public"])
    assert len(_api_rows()) == 2  # refusals and public data are not deliveries
    _search(table["api"]["admin"], gated)
    assert _api_rows()[-1]["request_id"] is None  # the department: logged, no grant


def test_f16_the_dump_of_a_gated_table_is_one_logged_call(table):
    dumped = table["api"]["citizen"].get(f"/datastore/dump/{table['files']['open']['id']}")
    assert dumped.status_code == 200 and "古楼街道" in dumped.get_data(as_text=True)
    assert len(_api_rows()) == 1
    refused = table["api"]["stranger"].get(f"/datastore/dump/{table['files']['open']['id']}")
    assert refused.status_code == 404 and "古楼街道" not in refused.get_data(as_text=True)


def _dump(api, resource, query=""):
    return api.get(f"/datastore/dump/{resource['id']}{query}")


@pytest.mark.ckan_config("ckanext.dongchang.datastore_calls_per_day", 2)
@pytest.mark.ckan_config("ckanext.dongchang.datastore_rows_per_call", 2)
def test_f16_i2_a_dump_is_one_call_capped_at_the_grants_rows(table, app):
    citizen, gated = table["api"]["citizen"], table["files"]["open"]
    for api in (table["api"]["stranger"], table["api"]["official"], Api(app)):
        refused = _dump(api, gated)
        assert refused.status_code == 404 and "古楼街道" not in refused.get_data(as_text=True)
    first = _dump(citizen, gated)
    assert first.status_code == 200
    assert first.get_data(as_text=True).splitlines()[1:] == ["1,古楼街道,12", "2,柳园街道,9"]
    # the cap is said, with the address of the next part
    assert first.headers["X-Dongchang-Rows-Per-Call"] == "2"
    assert "offset=2" in first.headers["Link"] and 'rel="next"' in first.headers["Link"]
    rest = _dump(citizen, gated, "?offset=2")
    assert rest.get_data(as_text=True).splitlines()[1:] == ["3,新区街道,4"]
    assert [(r["request_id"], r["rows"]) for r in _api_rows()] == [
        (table["grant"], 2), (table["grant"], 1)]
    over = _dump(citizen, gated)
    assert over.status_code == 429 and 0 < int(over.headers["Retry-After"]) <= 24 * 3600
    assert "(UTC+8)" in over.json["error"]["message"]
    assert len(_api_rows()) == 2  # the refused dump is no delivery
    whole = _dump(table["api"]["admin"], gated)  # the department has no quota
    assert len(whole.get_data(as_text=True).splitlines()) == 4
    assert _api_rows()[-1]["rows"] == 3


@pytest.mark.ckan_config("ckan.datastore.search.rows_max", 2)
def test_f16_i2_a_dump_over_several_pages_logs_every_row_served(table):
    dumped = _dump(table["api"]["citizen"], table["files"]["open"])
    assert len(dumped.get_data(as_text=True).splitlines()) == 4  # header and 3 rows, 2 pages
    assert [(r["request_id"], r["rows"]) for r in _api_rows()] == [(table["grant"], 3)]
    assert _api_rows()[0]["bytes"] == len(dumped.get_data())


@pytest.mark.ckan_config("ckanext.dongchang.datastore_calls_per_day", 2)
@pytest.mark.ckan_config("ckanext.dongchang.datastore_rows_per_call", 2)
def test_art20_a_grant_over_its_daily_calls_gets_429_with_when_it_resets(table):
    citizen, gated = table["api"]["citizen"], table["files"]["open"]
    first = _search(citizen, gated, limit=100)
    assert len(first["result"]["records"]) == 2  # rows per call
    _search(citizen, gated, offset=2)
    over = citizen.app.post("/api/3/action/datastore_search", headers=citizen.headers,
                            json={"resource_id": gated["id"]})
    assert over.status_code == 429
    retry_after = int(over.headers["Retry-After"])
    assert 0 < retry_after <= 24 * 3600
    assert "(UTC+8)" in over.json["error"]["message"]
    assert len(_api_rows()) == 2  # the refused call is no delivery
    assert _search(table["api"]["admin"], gated)["success"]  # the department has no quota


def test_art20_quota_day_is_the_beijing_day():
    # 2026-12-03 17:30 UTC is 01:30 on the 4th in Beijing: the day began at 16:00 UTC
    start, end = rules.beijing_day_bounds(dt.datetime(2026, 12, 3, 17, 30))
    assert (start, end) == (dt.datetime(2026, 12, 3, 16), dt.datetime(2026, 12, 4, 16))
    limits = rules.Limits(calls_per_day=3, rows_per_call=50)
    assert [rules.calls_left(limits, n) for n in (0, 3, 9)] == [3, 0, 0]
    assert rules.calls_left(rules.Limits(), 10**6) is None
    assert rules.rows_allowed(limits, None, 100) == 50 and rules.rows_allowed(limits, 7, 100) == 7
    assert rules.beijing_time(end) == "2026-12-05 00:00 (UTC+8)"
    assert rules.seconds_until(end, end - dt.timedelta(seconds=90)) == 91


def test_f16_datastore_reads_as_the_readonly_role():
    from ckan.plugins import toolkit as tk
    read = sa.create_engine(tk.config["ckan.datastore.read_url"])
    with read.connect() as connection, pytest.raises(sa.exc.ProgrammingError):
        connection.execute(sa.text("create table dongchang_probe (a int)"))
    read.dispose()
