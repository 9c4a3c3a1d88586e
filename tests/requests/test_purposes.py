"""``ckanext.dongchang.purposes`` is enforced by the API, one test per configuration (Art. 25,
F-14; issue 18 item 11)."""
from __future__ import annotations

import pytest

from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import conditional
from tests.factories import CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def world(app, sysadmin):
    owner = Department(name="dcf-scjg", title="区市场监督管理局")
    citizen = Official(name="citizen-wang", email="wang@example.com")
    entry = CatalogEntry(user=sysadmin, owner_org=owner, name="cond-open",
                         **conditional(share_class="unconditional"))
    return {"citizen": Api(app, citizen), "entry": entry}


def _apply(world, purpose, status=None):
    data = {"dataset_id": world["entry"]["id"], "applicant_kind": "citizen", "purpose": purpose,
            "use_scenario": "开发养老服务地图"}
    if status:
        return world["citizen"].error("dongchang_access_request_create", **data)
    return world["citizen"].ok("dongchang_access_request_create", **data)


def test_art25_default_configuration_accepts_the_regulations_purposes(world):
    assert _apply(world, "social_services")["purpose"] == "social_services"


@pytest.mark.ckan_config("ckanext.dongchang.purposes", "innovation research")
def test_art25_the_api_refuses_a_purpose_the_site_does_not_offer(world):
    error = _apply(world, "social_services", status=409)
    assert set(error) == {"purpose", "__type"}
    assert _apply(world, "innovation")["purpose"] == "innovation"


@pytest.mark.ckan_config("ckanext.dongchang.purposes", "social_services")
def test_art25_the_form_offers_only_the_configured_purposes(world):
    page = world["citizen"].page(f"/dataset/{world['entry']['name']}/request")
    values = {option.get("value") for option in page.select("select[name=purpose] option")}
    assert values - {""} == {"social_services"}
