"""Traceable copies (issue 16 item 7, F-16): each grantee downloads the gated table in the
grant's own row order, the access log records the delivery, and ``dongchang_trace_copy`` names
the grant a leaked copy came from. Real PostgreSQL, Solr, Redis and CKAN's FileStore."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.lib import uploader
from ckan.tests import factories

from ckanext.dongchang.kernel import request_memo
from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Api
from tests.conftest import PLUGINS
from tests.delivery.conftest import _path, _rows, _upload
from tests.sql import statements

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
    return {"table": table, "grants": grants, "copies": copies, "apis": apis}


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


def _kept(table) -> dict[str, Path]:
    """The copies kept on disk for this file, by grant (``delivery/copies``)."""
    folder = Path(tk.config["ckan.storage_path"]) / "dongchang" / "copies" / table["id"]
    return {path.name[:36]: path for path in folder.glob("*.csv")}


def test_f16_i7_a_kept_copy_serves_only_its_grant_and_never_after_revocation(world, traced):
    entry, table = world["entries"]["gated"], traced["table"]
    apis, grants = traced["apis"], traced["grants"]
    kept = _kept(table)
    assert set(kept) == set(grants.values())  # one copy per grant, made on its first download
    for name, api in apis.items():  # served again: the same copy
        assert api.get(_path(entry, table)).get_data(as_text=True) == traced["copies"][name]
    # The citizen's kept copy is what the citizen gets, and only the citizen.
    kept[grants["log-citizen"]].write_text("养老机构,床位数\n标记行,0\n", encoding="utf-8")
    assert "标记行" in apis["log-citizen"].get(_path(entry, table)).get_data(as_text=True)
    other = apis["log-second"].get(_path(entry, table)).get_data(as_text=True)
    assert other == traced["copies"]["log-second"] and "标记行" not in other
    # Revoked: refused on the next download although the copy is still on disk.
    model.Session.query(AccessRequest).filter_by(id=grants["log-citizen"]).update(
        {"state": "revoked"})
    model.Session.commit()
    refused = apis["log-citizen"].get(_path(entry, table))
    assert refused.status_code == 403 and "标记行" not in refused.get_data(as_text=True)
    assert apis["log-second"].get(_path(entry, table)).get_data(as_text=True) == other


def test_f16_i7_a_changed_file_is_never_served_from_an_old_copy(world, traced):
    entry, table = world["entries"]["gated"], traced["table"]
    stored = Path(uploader.get_resource_uploader({"id": table["id"]}).get_path(table["id"]))
    changed = TABLE + "第99养老院,693\n"
    stored.write_text(changed, encoding="utf-8")
    served = traced["apis"]["log-citizen"].get(_path(entry, table)).get_data(as_text=True)
    assert sorted(served.splitlines()) == sorted(changed.splitlines())
    assert served.splitlines()[0] == "养老机构,床位数"
    kept = list(_kept(table).values())
    assert len(kept) == 2  # one per grant: the citizen's old copy went with the new one
    assert any(path.read_text(encoding="utf-8") == served for path in kept)


def test_f16_i7_a_download_reads_the_entry_once_and_forgets_it_on_a_write(app, world, traced):
    """CKAN's download view shows the entry inside resource_show and once more itself: the
    second answer is the first one's copy (same reader, same request), never kept past a
    write."""
    entry, table = world["entries"]["gated"], traced["table"]
    with statements() as seen:
        served = traced["apis"]["log-citizen"].get(_path(entry, table))
    assert served.status_code == 200
    assert sum(" FROM package_tag " in f" {sql} " or "JOIN package_tag" in sql
               for sql in seen) == 1
    with app.flask_app.test_request_context():
        request_memo.memo("probe")["kept"] = True
        assert request_memo.memo("probe") == {"kept": True}
        model.Session.commit()
        assert request_memo.memo("probe") == {}
    with app.flask_app.test_request_context():
        assert request_memo.memo("probe") == {}
