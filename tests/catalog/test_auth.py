"""The catalog-management auth functions called directly (``call_auth``), on the real
database: departments submit, record and export their own entries, their admins import, the
Big Data Bureau reviews (Art. 6, 15; issue 15 rule 7)."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from tests.conftest import PLUGINS
from tests.factories import Bureau, CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

PEOPLE = ["scjg-admin", "scjg-editor", "scjg-member", "rsj-admin", "bureau-admin", "citizen",
          "anonymous"]


@pytest.fixture
def world():
    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    rsj = Department(name="dcf-rsj", title="区人力资源和社会保障局")
    bureau = Bureau()
    roles = {"scjg-admin": (scjg, "admin"), "scjg-editor": (scjg, "editor"),
             "scjg-member": (scjg, "member"), "rsj-admin": (rsj, "admin"),
             "bureau-admin": (bureau, "admin"), "citizen": (None, "member")}
    users = {name: Official(name=name, department=org, capacity=capacity)["name"]
             for name, (org, capacity) in roles.items()} | {"anonymous": ""}
    entry = CatalogEntry(owner_org=scjg, catalog_state="draft")
    return {"users": users, "entry": entry, "scjg": scjg}


def _may(auth: str, user: str, **data) -> bool:
    try:
        return helpers.call_auth(auth, {"user": user}, **data)
    except tk.NotAuthorized:
        return False


def _row(allowed: set[str]) -> dict[str, bool]:
    """One row of the matrix: who (of ``PEOPLE``) is allowed."""
    return {who: who in allowed for who in PEOPLE}


EDITORS_AND_BUREAU = _row({"scjg-admin", "scjg-editor", "bureau-admin"})

ON_THE_ENTRY = {
    "dongchang_catalog_submit": EDITORS_AND_BUREAU,
    "dongchang_catalog_withdraw": EDITORS_AND_BUREAU,
    "dongchang_duplicate_candidates": EDITORS_AND_BUREAU,
    "dongchang_catalog_review": _row({"bureau-admin"}),
    "dongchang_catalog_mark_duplicate": _row({"bureau-admin"}),
}

ON_THE_DEPARTMENT = {
    "dongchang_catalog_import": _row({"scjg-admin"}),
    "dongchang_catalog_export": EDITORS_AND_BUREAU,
    "dongchang_catalog_list": EDITORS_AND_BUREAU,
    "dongchang_catalog_change_list": EDITORS_AND_BUREAU,
}


@pytest.mark.parametrize(("auth", "row"), ON_THE_ENTRY.items(), ids=list(ON_THE_ENTRY))
def test_r7_who_may_act_on_a_departments_entry(world, auth, row):
    assert {who: _may(auth, world["users"][who], id=world["entry"]["id"])
            for who in PEOPLE} == row


@pytest.mark.parametrize(("auth", "row"), ON_THE_DEPARTMENT.items(),
                         ids=list(ON_THE_DEPARTMENT))
def test_r7_who_may_see_and_move_a_departments_catalog(world, auth, row):
    assert {who: _may(auth, world["users"][who], org=world["scjg"]["name"])
            for who in PEOPLE} == row


def test_r7_changes_are_recorded_by_the_entrys_department(world):
    assert {who: _may("dongchang_catalog_change_create", world["users"][who],
                      dataset_id=world["entry"]["id"]) for who in PEOPLE} == EDITORS_AND_BUREAU
