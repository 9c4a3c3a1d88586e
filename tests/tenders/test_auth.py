"""The tender auth functions called directly (``call_auth``), on the real database: notices
and awards are public, only the Big Data Bureau runs tenders (Art. 25; issue 15 rule 7)."""
from __future__ import annotations

import pytest

from tests.conftest import PLUGINS
from tests.factories import district, staff, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

BUREAU_ONLY = ["dongchang_tender_create", "dongchang_tender_update", "dongchang_tender_award",
               "dongchang_tender_cancel"]
PUBLIC = ["dongchang_tender_show", "dongchang_tender_list"]
TENDER = "T20260101-000000"


@pytest.fixture
def people():
    orgs = district()
    return staff(orgs, ("bureau-admin", "bureau", "admin"), ("bureau-member", "bureau", "member"),
                 ("scjg-admin", "scjg", "admin"), ("company", None, "member"))


@pytest.mark.parametrize("auth", BUREAU_ONLY)
def test_r7_only_a_bureau_admin_announces_changes_awards_and_cancels(people, auth):
    assert who_may(auth, people, id=TENDER) == {"bureau-admin"}


@pytest.mark.parametrize("auth", PUBLIC)
def test_r7_tender_notices_are_public(people, auth):
    assert who_may(auth, people, id=TENDER) == {*people, "anonymous"}
