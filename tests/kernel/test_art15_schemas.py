"""Issue 15 rule 4: list actions check their filters in the schema, before any query, and
name the field; the lists' own contracts stay as they were."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from tests.api import EnglishApi as Api
from tests.conftest import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def bureau(app):
    org = factories.Organization(name="dcf-dsjj", title="区大数据局", is_bureau="true")
    user = factories.User(name="bureau-admin")
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"],
                        role="admin")
    return Api(app, user)


@pytest.mark.parametrize("action, message", [
    ("dongchang_catalog_list", "Unknown catalog state."),
    ("dongchang_catalog_revision_list", "Unknown state of a change."),
    ("dongchang_catalog_change_list", "The state must be open or closed."),
])
def test_art15_an_unknown_state_is_refused_on_its_field(bureau, action, message):
    assert bureau.error(action, state="everything")["state"] == [message]


def test_art15_the_audit_log_is_filtered_and_paged_by_its_schema(bureau):
    assert "limit" in bureau.error("dongchang_audit_list", limit=1000)
    result = bureau.ok("dongchang_audit_list", object_id="none")
    assert result == {"count": 0, "page": 1, "limit": 50, "results": []}


def test_art15_a_tender_list_for_an_unknown_awardee_or_entry_is_empty(bureau):
    result = bureau.post("dongchang_tender_list", awardee="nobody", dataset_id="nothing")
    assert result["result"]["count"] == 0


def test_art15_a_rectification_names_a_recognised_department(bureau):
    error = bureau.error("dongchang_rectification_create", org_id="no-such-org", problem="x")
    assert error["org_id"] == ["No such department."]
