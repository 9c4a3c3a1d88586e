"""Traceable copies (issue 16 item 7, F-16): each grantee downloads the gated table in the
grant's own row order, the access log records the delivery, and ``dongchang_trace_copy`` names
the grant a leaked copy came from. Real PostgreSQL, Solr, Redis and CKAN's FileStore."""
from __future__ import annotations

import datetime as dt

import pytest
from ckan import model
from ckan.tests import factories

from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Api
from tests.conftest import PLUGINS
from tests.delivery.conftest import _path, _rows, _upload

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

TABLE = "\n".join(["养老机构,床位数"] + [f"第{n}养老院,{n * 7}" for n in range(1, 31)]) + "\n"


@pytest.fixture
def traced(app, world, sysadmin):
    token = factories.APIToken(user=sysadmin["name"])["token"]
    entry = world["entries"]["gated"]
    table = _upload(app, token, entry, "养老机构床位开放版", "open", TABLE.encode())
    second = factories.User(name="log-second")
    grants = {}
    for holder in (world["users"]["citizen"], second):
        grant = AccessRequest(
            dataset_id=entry["id"], requester_id=holder["id"], resource_ids=[table["id"]],
            request_kind="open", applicant_kind="citizen", purpose="social_services",
            state="approved", valid_from=dt.date.today(),
            valid_until=dt.date.today() + dt.timedelta(days=30))
        model.Session.add(grant)
        model.Session.commit()
        grants[holder["name"]] = grant.id
    apis = {"log-citizen": world["api"]["citizen"], "log-second": Api(app, second)}
    copies = {name: api.get(_path(entry, table)).get_data(as_text=True)
              for name, api in apis.items()}
    return {"table": table, "grants": grants, "copies": copies}


def test_f16_each_grantee_gets_the_same_rows_in_the_grants_own_order(world, traced):
    first, second = traced["copies"]["log-citizen"], traced["copies"]["log-second"]
    assert sorted(first.splitlines()) == sorted(TABLE.splitlines()) == sorted(second.splitlines())
    assert first.splitlines()[0] == "养老机构,床位数"
    assert first != second and first != TABLE
    rows = [row for row in _rows() if row["resource_id"] == traced["table"]["id"]]
    assert {row["request_id"] for row in rows} == set(traced["grants"].values())
    assert all(row["bytes"] == len(first.encode()) for row in rows)
    # The department's own download is the original.
    entry = world["entries"]["gated"]
    assert world["api"]["admin"].get(_path(entry, traced["table"])).get_data(as_text=True) \
        == TABLE


def test_f16_a_leaked_copy_names_its_grant_even_when_cut(world, traced):
    bureau = world["api"]["bureau"]
    for holder, copy in traced["copies"].items():
        found = bureau.ok("dongchang_trace_copy", content=copy)
        assert found["request_id"] == traced["grants"][holder]
        assert found["resource_id"] == traced["table"]["id"] and found["agreement"] == 1.0
    lines = traced["copies"]["log-second"].splitlines()
    cut = "\n".join(lines[:1] + lines[4:22])
    assert bureau.ok("dongchang_trace_copy", content=cut)["request_id"] == \
        traced["grants"]["log-second"]


def test_f16_only_the_bureau_traces_and_an_unknown_file_is_a_field_error(world, traced):
    world["api"]["admin"].error("dongchang_trace_copy", status=403,
                                content=traced["copies"]["log-second"])
    error = world["api"]["bureau"].error("dongchang_trace_copy", content="甲,乙\n1,2\n3,4\n")
    assert "content" in error
    assert "content" in world["api"]["bureau"].error("dongchang_trace_copy")
