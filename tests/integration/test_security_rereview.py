"""Security review, workflow holes (issue 14, items 10 and 11): a published entry's public
fields change only after the Bureau's review, and a grant cannot outlive its bounds."""
from __future__ import annotations

import datetime as dt

import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.dongchang.model import AccessRequest
from tests.api import Api, EnglishApi
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

TODAY = dt.date.today()
SECRET_URL = "https://files.example.gov.cn/secret-registrations.csv"


def _day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


# --- item 11: valid_until is bounded -----------------------------------------------------------

@pytest.fixture
def grants(app, sysadmin):
    bureau = factories.Organization(name="dcf-dsjj", title="区大数据局", is_bureau="true")
    owner = factories.Organization(name="dcf-scjg", title="区市场监督管理局")
    users = {name: factories.User(name=name, email=f"{name}@example.com")
             for name in ("dsjj-admin", "scjg-admin", "company-li", "citizen-wang")}
    helpers.call_action("organization_member_create", id=bureau["id"], username="dsjj-admin",
                        role="admin")
    helpers.call_action("organization_member_create", id=owner["id"], username="scjg-admin",
                        role="admin")
    entry = create_entry(sysadmin, owner["id"], name="credit", title="东昌府区企业信用信息",
                         resources=[{"name": "信用", "url": SECRET_URL, "format": "CSV"}],
                         **conditional(share_class="unconditional"))
    return {"entry": entry, "api": {name: EnglishApi(app, user) for name, user in users.items()}}


def _citizen_request(grants):
    return grants["api"]["citizen-wang"].ok(
        "dongchang_access_request_create", dataset_id=grants["entry"]["id"],
        applicant_kind="citizen", purpose="social_services", use_scenario="养老服务地图")


@pytest.mark.ckan_config("ckanext.dongchang.default_grant_days", "365")
def test_f4_valid_until_9999_is_refused_naming_the_latest_allowed_day(grants):
    request = _citizen_request(grants)
    error = grants["api"]["scjg-admin"].error("dongchang_access_request_approve",
                                              id=request["id"], valid_until="9999-12-31")
    assert set(error) == {"valid_until", "__type"}
    assert _day(365) in error["valid_until"][0]
    assert model.Session.query(AccessRequest).one().state == "submitted"

    approved = grants["api"]["scjg-admin"].ok("dongchang_access_request_approve",
                                              id=request["id"], valid_until=_day(365))
    assert approved["valid_until"] == _day(365)


@pytest.mark.ckan_config("ckanext.dongchang.default_grant_days", "30")
def test_f4_the_grant_length_is_configuration(grants):
    request = _citizen_request(grants)
    error = grants["api"]["scjg-admin"].error("dongchang_access_request_approve",
                                              id=request["id"], valid_until=_day(31))
    assert _day(30) in error["valid_until"][0]
    approved = grants["api"]["scjg-admin"].ok("dongchang_access_request_approve",
                                              id=request["id"])
    assert approved["valid_until"] == _day(30)


def test_f4_commercial_use_is_not_granted_beyond_the_tender_contract(grants):
    api = grants["api"]
    tender = api["dsjj-admin"].ok(
        "dongchang_tender_create", title="东昌府区企业信用数据商业利用公开招标",
        dataset_ids=["credit"], method="public_tender", notice="招标公告", scope="企业征信服务",
        bidding_start=_day(-30), bidding_end=_day(-10))
    api["dsjj-admin"].ok("dongchang_tender_award", id=tender["id"], awardee="company-li",
                         contract_start=_day(0), contract_end=_day(60))
    request = api["company-li"].ok(
        "dongchang_access_request_create", dataset_id=grants["entry"]["id"],
        applicant_kind="legal_person", purpose="commercial", use_scenario="企业征信服务",
        tender_id=tender["id"])
    error = api["scjg-admin"].error("dongchang_access_request_approve", id=request["id"],
                                    valid_until=_day(90))
    assert set(error) == {"valid_until", "__type"}
    assert _day(60) in error["valid_until"][0] and "contract" in error["valid_until"][0]
    approved = api["scjg-admin"].ok("dongchang_access_request_approve", id=request["id"])
    assert approved["valid_until"] == _day(60)
