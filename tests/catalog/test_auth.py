"""The catalog-management auth functions called directly (``call_auth``), on the real
database: departments submit, record and export their own entries, their admins import, the
Big Data Bureau reviews; duplicates are marked by the Bureau and merged or declined by the
departments compiling them (Art. 6, 15, 16; issue 15 rule 7)."""
from __future__ import annotations

import datetime as dt

import pytest
from ckan.tests import helpers

from tests.conftest import PLUGINS
from tests.factories import CatalogEntry, Department, cast, district, staff, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def world():
    orgs = district()
    users = staff(orgs, ("scjg-admin", "scjg", "admin"), ("scjg-editor", "scjg", "editor"),
                  ("scjg-member", "scjg", "member"), ("rsj-admin", "rsj", "admin"),
                  ("bureau-admin", "bureau", "admin"), ("citizen", None, "member"))
    entry = CatalogEntry(owner_org=orgs["scjg"], catalog_state="draft")
    return {"users": users, "entry": entry, "scjg": orgs["scjg"]}


EDITORS_AND_BUREAU = {"scjg-admin", "scjg-editor", "bureau-admin"}

ON_THE_ENTRY = {
    "dongchang_catalog_submit": EDITORS_AND_BUREAU,
    "dongchang_catalog_withdraw": EDITORS_AND_BUREAU,
    "dongchang_duplicate_candidates": EDITORS_AND_BUREAU,
    "dongchang_catalog_review": {"bureau-admin"},
    "dongchang_catalog_mark_duplicate": {"bureau-admin"},
}

ON_THE_DEPARTMENT = {
    "dongchang_catalog_import": {"scjg-admin"},
    "dongchang_catalog_export": EDITORS_AND_BUREAU,
    "dongchang_catalog_list": EDITORS_AND_BUREAU,
    "dongchang_catalog_revision_list": EDITORS_AND_BUREAU,
    "dongchang_catalog_change_list": EDITORS_AND_BUREAU,
}


@pytest.mark.parametrize(("auth", "row"), ON_THE_ENTRY.items(), ids=list(ON_THE_ENTRY))
def test_r7_who_may_act_on_a_departments_entry(world, auth, row):
    assert who_may(auth, world["users"], id=world["entry"]["id"]) == row


@pytest.mark.parametrize(("auth", "row"), ON_THE_DEPARTMENT.items(),
                         ids=list(ON_THE_DEPARTMENT))
def test_r7_who_may_see_and_move_a_departments_catalog(world, auth, row):
    assert who_may(auth, world["users"], org=world["scjg"]["name"]) == row


def test_r7_changes_are_recorded_by_the_entrys_department(world):
    assert who_may("dongchang_catalog_change_create", world["users"],
                   dataset_id=world["entry"]["id"]) == EDITORS_AND_BUREAU


def test_r7_a_change_is_reported_by_the_entrys_department(world):
    change = helpers.call_action(
        "dongchang_catalog_change_create", context={"user": world["users"]["scjg-editor"]["name"]},
        dataset_id=world["entry"]["id"], trigger="legal_basis",
        occurred_on=(dt.date.today() - dt.timedelta(days=1)).isoformat(), note="法规修订")
    assert who_may("dongchang_catalog_change_report", world["users"],
                   id=change["id"]) == EDITORS_AND_BUREAU


def test_r7_the_entry_picker_is_public_its_answers_are_filtered(world):
    assert who_may("dongchang_entry_autocomplete", world["users"], q="企业") == {
        *world["users"], "anonymous"}


# --- duplicate merge tasks (Art. 15) ------------------------------------------------------------

@pytest.fixture
def task():
    """A merge task the Bureau opened on a 区市场监督管理局 entry and a 区人社局 entry, the
    asked: the CAST, with 区教育和体育局's editor (a department the task does not concern)."""
    orgs = dict(district(), jyj=Department(name="dcf-jyj", title="区教育和体育局"))
    users = dict(cast(orgs), **staff(orgs, ("jyj-editor", "jyj", "editor")))
    kept = CatalogEntry(owner_org=orgs["scjg"], name="scjg-companies")
    other = CatalogEntry(owner_org=orgs["rsj"], name="rsj-companies")
    opened = helpers.call_action("dongchang_duplicate_mark",
                                 context={"user": users["bureau-admin"]["name"]},
                                 entry_id=kept["id"], duplicate_id=other["id"])
    return {"users": users, "id": opened["id"], "kept": kept, "scjg": orgs["scjg"]}


BUREAU = {"bureau-admin", "sysadmin"}
CONCERNED = {"scjg-admin", "scjg-editor", "rsj-admin", *BUREAU}


@pytest.mark.parametrize(("auth", "row"), [("dongchang_duplicate_merge", CONCERNED),
                                           ("dongchang_duplicate_decline", CONCERNED),
                                           ("dongchang_duplicate_task_show", CONCERNED)],
                         ids=["merge", "decline", "task_show"])
def test_r7_art15_the_departments_concerned_and_the_bureau_act_on_a_merge_task(task, auth, row):
    assert who_may(auth, task["users"], id=task["id"]) == row


def test_r7_art15_once_the_kept_entry_is_chosen_its_department_merges(task):
    assert who_may("dongchang_duplicate_merge", task["users"], id=task["id"],
                   keep_id=task["kept"]["id"]) == {"scjg-admin", "scjg-editor", *BUREAU}


def test_r7_art15_only_the_bureau_marks_duplicates(task):
    assert who_may("dongchang_duplicate_mark", task["users"]) == BUREAU


def test_r7_art15_merge_tasks_are_listed_for_department_editors_and_the_bureau(task):
    assert who_may("dongchang_duplicate_task_list", task["users"]) == {
        "jyj-editor", *CONCERNED}
    assert who_may("dongchang_duplicate_task_list", task["users"], org=task["scjg"]["name"]) \
        == {"scjg-admin", "scjg-editor", *BUREAU}
