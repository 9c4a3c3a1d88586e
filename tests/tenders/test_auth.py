"""The tender auth functions called directly (``call_auth``), on the real database: notices
and awards are public, only the Big Data Bureau runs tenders (Art. 25; issue 15 rule 7)."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from tests.conftest import PLUGINS
from tests.factories import Bureau, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

BUREAU_ONLY = ["dongchang_tender_create", "dongchang_tender_update", "dongchang_tender_award",
               "dongchang_tender_cancel"]
PUBLIC = ["dongchang_tender_show", "dongchang_tender_list"]
EVERYONE = ["bureau-admin", "bureau-member", "scjg-admin", "company", "anonymous"]


@pytest.fixture
def people():
    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    bureau = Bureau()
    official = {"bureau-admin": (bureau, "admin"), "bureau-member": (bureau, "member"),
                "scjg-admin": (scjg, "admin"), "company": (None, "member")}
    return {name: Official(name=name, department=org, capacity=capacity)["name"]
            for name, (org, capacity) in official.items()} | {"anonymous": ""}


def _may(auth: str, user: str) -> bool:
    try:
        return helpers.call_auth(auth, {"user": user}, id="T20260101-000000")
    except tk.NotAuthorized:
        return False


@pytest.mark.parametrize("auth", BUREAU_ONLY)
def test_r7_only_a_bureau_admin_announces_changes_awards_and_cancels(people, auth):
    assert {who: _may(auth, people[who]) for who in EVERYONE} == \
        {who: who == "bureau-admin" for who in EVERYONE}


@pytest.mark.parametrize("auth", PUBLIC)
def test_r7_tender_notices_are_public(people, auth):
    assert {who: _may(auth, people[who]) for who in EVERYONE} == dict.fromkeys(EVERYONE, True)
