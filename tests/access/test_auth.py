"""The core auth functions the extension chains, called directly (``call_auth``), on the real
database: collaborators are CKAN's to judge once a caller and an entry are known, and a
department deletes its drafts but never a published entry, whose files it deletes only as a
change the Bureau reviews (issue 14 item 9, issue 17 item 5; issue 15 rule 7)."""
from __future__ import annotations

import pytest

from tests.conftest import PLUGINS
from tests.factories import CatalogEntry, cast, district, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

EDITORS = {"scjg-admin", "scjg-editor", "sysadmin"}
# CKAN asks no auth function about a sysadmin: a sysadmin passes every row below (the action
# then answers an unknown entry as not found).
SYSADMIN = {"sysadmin"}


@pytest.fixture
def world():
    orgs = district()
    return {"users": cast(orgs),
            "draft": CatalogEntry(owner_org=orgs["scjg"], catalog_state="draft"),
            "published": CatalogEntry(owner_org=orgs["scjg"])}


COLLABORATORS = ["package_collaborator_list", "package_collaborator_create",
                 "package_collaborator_delete"]


@pytest.mark.parametrize("auth", COLLABORATORS)
def test_r7_i14_collaborators_are_refused_not_crashed_for_visitors_and_unknown_entries(world,
                                                                                       auth):
    assert who_may(auth, world["users"], id="no-such-entry") == SYSADMIN
    assert "anonymous" not in who_may(auth, world["users"], id=world["draft"]["id"])


@pytest.mark.ckan_config("ckan.auth.allow_dataset_collaborators", "true")
@pytest.mark.parametrize("auth", COLLABORATORS)
def test_r7_i14_with_collaborators_on_ckan_judges_the_departments_admins(world, auth):
    assert who_may(auth, world["users"], id=world["draft"]["id"],
                   user_id="citizen", capacity="editor") == {"scjg-admin", *SYSADMIN}


def test_r7_i17_a_department_deletes_its_drafts(world):
    assert who_may("package_delete", world["users"], id=world["draft"]["id"]) == EDITORS


def test_r7_i17_a_published_entry_leaves_only_by_a_withdrawal(world):
    assert who_may("package_delete", world["users"], id=world["published"]["id"]) == SYSADMIN


@pytest.mark.parametrize(("entry", "row"), [("draft", EDITORS), ("published", EDITORS)])
def test_r7_i17_deleting_a_file_of_a_published_entry_is_a_change(world, entry, row):
    resource = world[entry]["resources"][0]
    assert who_may("resource_delete", world["users"], id=resource["id"]) == row
