"""The delivery auth functions called directly (``call_auth``), on the real database: the
access log is every signed-in user's (the action narrows the rows), tracing a copy is the
Bureau's, and a gated file's DataStore table answers only those who may use the file (its
department, the Bureau, a grantee) while only its department writes it (F-16, issue 16 items
4 and 5, Art. 25, 28; issue 15 rule 7)."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit
from ckan.tests import helpers

from tests.conftest import PLUGINS
from tests.entries import conditional
from tests.factories import CatalogEntry, cast, district, grant, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def world():
    """区市场监督管理局's conditionally open entry (its file granted to the citizen) and its
    open entry, and the CAST."""
    orgs = district()
    users = cast(orgs)
    gated = CatalogEntry(owner_org=orgs["scjg"], **conditional(), resources=[_file("open")])
    public = CatalogEntry(owner_org=orgs["scjg"], resources=[_file("open")])
    files = {"gated": gated["resources"][0]["id"], "public": public["resources"][0]["id"]}
    grant(gated, users["citizen"], [files["gated"]])  # an open grant: this file, for 30 days
    return {"users": users, "files": files}


def _file(audience):
    """A JSON file: no format xloader loads, so no test here queues an xloader job."""
    return {"name": "养老机构统计", "url": "https://data.example.gov.cn/yl.json",
            "format": "JSON", "audience": audience}


SIGNED_IN = {"scjg-admin", "scjg-editor", "scjg-member", "rsj-admin", "bureau-admin",
             "bureau-member", "citizen", "sysadmin"}
BUREAU = {"bureau-admin", "sysadmin"}
USERS_OF_THE_GATED_FILE = {"scjg-admin", "scjg-editor", "scjg-member", "citizen", *BUREAU}
WRITERS = {"scjg-admin", "scjg-editor", "sysadmin"}


def test_r7_i16_every_signed_in_user_reads_the_access_log_about_them(world):
    assert who_may("dongchang_access_log_list", world["users"]) == SIGNED_IN


def test_r7_art28_only_the_bureau_traces_a_copy(world):
    assert who_may("dongchang_trace_copy", world["users"]) == BUREAU


READS = {"datastore_search": "resource_id", "datastore_info": "id"}


@pytest.mark.parametrize(("auth", "key"), READS.items(), ids=list(READS))
def test_r7_i16_a_gated_table_answers_its_files_users_only(world, auth, key):
    assert who_may(auth, world["users"], **{key: world["files"]["gated"]}) \
        == USERS_OF_THE_GATED_FILE
    assert who_may(auth, world["users"], **{key: world["files"]["public"]}) == {
        *SIGNED_IN, "anonymous"}


@pytest.mark.parametrize("auth", ["datastore_create", "datastore_upsert", "datastore_delete",
                                  "datastore_records_delete"])
@pytest.mark.parametrize("file", ["gated", "public"])
def test_r7_i16_only_the_files_department_writes_its_table(world, auth, file):
    assert who_may(auth, world["users"], resource_id=world["files"][file]) == WRITERS


def _who_may_query(people, tables):
    """``who_may`` for ``datastore_search_sql``, whose auth reads the tables a query names from
    the context (the action puts them there)."""
    asked = dict(people, anonymous=None)
    return {name for name, user in asked.items()
            if _passes({"user": user["name"] if user else "", "table_names": tables})}


def _passes(context):
    try:
        return helpers.call_auth("datastore_search_sql", context, sql="select 1")
    except toolkit.NotAuthorized:
        return False


def test_r7_i16_sql_reaches_no_table_the_caller_may_not_use(world):
    files = world["files"]
    assert _who_may_query(world["users"], [files["public"]]) == {*SIGNED_IN, "anonymous"}
    assert _who_may_query(world["users"], [files["public"], files["gated"]]) \
        == USERS_OF_THE_GATED_FILE

