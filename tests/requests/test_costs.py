"""What a page costs in SQL (issue 10, F-3): who a user is is read once per web request.

CKAN asks the permission-labels plugin for the user's labels once per resource on a dataset
page; ``logic.audience`` keeps the answer for the rest of that request only, and forgets it as
soon as the session writes, so a decision still takes effect on the very next check.
"""
from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.dongchang.access import audience
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry
from tests.sql import statements

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

MEMBERSHIP_QUERY = 'FROM member JOIN "group"'


def _membership_queries(seen: list[str]) -> int:
    return sum(MEMBERSHIP_QUERY in statement and "member.table_id" in statement
               for statement in seen)


@pytest.fixture
def department_with_entry(sysadmin):
    org = factories.Organization()
    editor = factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=editor["name"],
                        role="editor")
    resources = [{"name": f"表{n}", "url": f"https://files.example.gov.cn/{n}.csv",
                  "format": "CSV"} for n in range(4)]
    entry = create_entry(sysadmin, org["id"], resources=resources,
                         **conditional(share_class="unconditional"))
    return org, editor, entry


def test_f3_a_dataset_page_reads_the_members_memberships_once(app, department_with_entry):
    _org, editor, entry = department_with_entry
    token = factories.APIToken(user=editor["name"])["token"]
    with statements() as seen:
        page = app.get(f"/dataset/{entry['name']}", headers={"Authorization": token})
    assert all(resource["url"] in page.body for resource in entry["resources"])
    assert _membership_queries(seen) == 1, "one membership read for the whole page"


@pytest.mark.usefixtures("with_request_context")
def test_f3_the_request_cache_is_forgotten_when_the_session_writes(department_with_entry):
    org, editor, _entry = department_with_entry
    newcomer = factories.User()
    user = model.User.get(newcomer["id"])
    assert audience.memberships_for(user).org_ids == frozenset()
    with statements() as seen:
        assert audience.memberships_for(user).org_ids == frozenset()
    assert _membership_queries(seen) == 0, "kept for the rest of the request"
    helpers.call_action("organization_member_create", id=org["id"],
                        username=newcomer["name"], role="member")
    assert audience.memberships_for(user).org_ids == {org["id"]}
