"""Utilisation from use (issue 16 item 6, F-16, F-12): ``dongchang_utilisation`` reports
deliveries per entry, per department and per grant, and its figures equal an independent count
of the access log's rows. Real PostgreSQL, Solr, Redis and CKAN's FileStore."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan import model

from tests.conftest import PLUGINS
from tests.delivery.conftest import _path

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def _count(sql: str) -> dict:
    return dict(model.Session.execute(sa.text(sql)).all())


def test_f16_utilisation_counts_deliveries_from_the_access_log(world):
    entry, resource = world["entries"]["gated"], world["files"]["open"]
    for name in ("citizen", "citizen", "citizen", "admin"):
        assert world["api"][name].get(_path(entry, resource)).status_code == 200
    use = world["api"]["bureau"].ok("dongchang_utilisation")["use"]
    per_entry = _count("select dataset_id, count(*) from dongchang_access_log group by 1")
    per_grant = _count("select request_id, count(*) from dongchang_access_log"
                       " where request_id is not null group by 1")
    per_department = _count("select p.owner_org, count(*) from dongchang_access_log l"
                            " join package p on p.id = l.dataset_id group by 1")
    assert {row["dataset_id"]: row["deliveries"] for row in use["entries"]} == per_entry
    assert use["grants"] == per_grant == {world["grant"]: 3}
    assert {row["org_id"]: row["deliveries"] for row in use["departments"]} == per_department
    assert use["deliveries"] == sum(per_entry.values()) == 4
    assert use["departments"][0]["title"] == "区民政局"
    page = world["api"]["bureau"].page("/dongchang/utilisation")
    assert page.select_one(".dongchang-use-departments") is not None
    assert "区民政局" in page.select_one(".dongchang-use-departments").get_text()
