"""The test factories (issue 15 rule 7) make what the schemas and rules accept, through the
real actions, and their pytest-factoryboy fixtures work."""
from __future__ import annotations

import datetime as dt

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.dongchang.requests.model import AccessRequest as AccessRequestModel
from tests.conftest import PLUGINS
from tests.entries import conditional
from tests.factories import AccessRequest, Bureau, CatalogEntry, Department, Official, Tender, grant

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def _capacity(org_id: str, user_id: str) -> str:
    member = model.Session.query(model.Member).filter_by(
        group_id=org_id, table_id=user_id, table_name="user", state="active").one()
    return member.capacity


def test_r7_department_and_bureau_carry_the_department_schema_fields():
    scjg = Department(name="dcf-scjg", title="区市场监督管理局", department_code="SCJG")
    bureau = Bureau()
    shown = helpers.call_action("organization_show", id=scjg["id"])
    assert (shown["title"], shown["department_code"], shown["is_bureau"]) == \
        ("区市场监督管理局", "SCJG", "false")
    assert helpers.call_action("organization_show", id=bureau["id"])["is_bureau"] == "true"


def test_r7_an_official_joins_the_department_in_the_capacity_given():
    scjg = Department()
    editor = Official(name="scjg-editor", department=scjg, capacity="editor")
    public = Official()
    assert (editor["email"], public["email"]) == ("scjg-editor@example.gov.cn",
                                                  f"{public['name']}@example.com")
    assert _capacity(scjg["id"], editor["id"]) == "editor"
    assert model.Session.query(model.Member).filter_by(table_id=public["id"]).count() == 0


def test_r7_a_catalog_entry_is_valid_published_and_open_unless_told():
    scjg = Department()
    entry = CatalogEntry(owner_org=scjg)
    assert (entry["owner_org"], entry["catalog_state"], entry["open_class"]) == \
        (scjg["id"], "published", "unconditional")
    closed = CatalogEntry(owner_org=scjg["id"], **conditional(open_class="not_open",
                                                               open_conditions=""))
    assert (closed["share_class"], closed["open_class"]) == ("conditional", "not_open")


def test_r7_an_access_request_is_submitted_by_its_applicant():
    citizen = Official(name="citizen-wang")
    request = AccessRequest(user=citizen)
    stored = AccessRequest._meta.sqlalchemy_session.get(AccessRequestModel, request["id"])
    assert (request["state"], stored.requester_id) == ("submitted", citizen["id"])


def test_r7_a_grant_is_an_approved_request_current_for_30_days():
    citizen = Official()
    entry = CatalogEntry(**conditional())
    files = [entry["resources"][0]["id"]]
    stored = model.Session.get(AccessRequestModel, grant(entry, citizen, files).id)
    assert (stored.state, stored.request_kind, stored.requester_id, stored.resource_ids) == \
        ("approved", "open", citizen["id"], files)
    assert stored.valid_until - stored.valid_from == dt.timedelta(days=30)
    assert stored.valid_from == dt.date.today()


def test_r7_a_tender_is_announced_by_a_bureau_admin():
    bureau = Bureau()
    admin = Official(department=bureau, capacity="admin")
    entry = CatalogEntry(**conditional(share_class="unconditional"))
    tender = Tender(user=admin, dataset_ids=[entry["name"]], bidding_start="2026-01-01",
                    bidding_end="2026-01-10")
    assert tender["id"].startswith("T") and tender["state"] == "bidding_closed"


def test_r7_the_registered_fixtures_build_a_world(catalog_entry, access_request, bureau,
                                                   official_factory):
    assert catalog_entry["catalog_state"] == "published"
    assert access_request["state"] == "submitted"
    assert bureau["name"] == "dcf-dsjj"
    assert official_factory(name="someone")["name"] == "someone"
