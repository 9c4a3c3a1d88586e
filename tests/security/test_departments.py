"""Departments are organisations the Bureau created or recognised (issue 14 item 2; F-1, F-13).

Membership of any other organisation — one a registered user made for themselves while
``ckan.auth.user_create_organizations`` is on — gives nothing: no government audience, no owner
audience, no department requests, no catalog entries. Only a sysadmin or a Bureau admin sets the
``is_department`` flag; it is on by default for what they create.
"""
from __future__ import annotations

import json
import pathlib
import subprocess

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import helpers

from ckanext.dongchang import demo
from ckanext.dongchang.access import audience
from ckanext.dongchang.products import service
from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry, entry_dict
from tests.factories import Bureau, CatalogEntry, Department, staff

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOV_TITLE = "DEPTMARKGOVONLY 区企业登记明细"
GOV_URL = "https://files.example.gov.cn/deptmark-gov-only-secret.csv"
COND_OPEN_URL = "https://files.example.gov.cn/deptmark-cond-open-secret.csv"
MIGRATION_BEFORE = "f6a8b0d2c006"  # the revision before the department flag's migration


@pytest.fixture
def world(app, sysadmin):
    department = Department(name="dcf-scjg", title="区市场监督管理局")
    orgs = {"department": department, "other": Department(name="dcf-rsj", title="区人社局"),
            "bureau": Bureau()}
    users = staff(orgs, ("rsj-official", "other", "member"),
                  ("scjg-admin", "department", "admin"), ("bureau-admin", "bureau", "admin"),
                  ("intruder", None, "member"))
    entries = {
        "gov_only": CatalogEntry(
            user=sysadmin, owner_org=department, name="gov-only", title=GOV_TITLE,
            resources=[{"name": "明细", "url": GOV_URL, "format": "CSV"}],
            **conditional(share_class="unconditional", share_reason="", share_legal_basis="",
                          share_conditions="", open_class="not_open", open_conditions="")),
        "cond_share": CatalogEntry(
            user=sysadmin, owner_org=department, name="cond-share",
            **conditional(open_class="not_open", open_conditions="")),
        "cond_open": CatalogEntry(
            user=sysadmin, owner_org=department, name="cond-open",
            resources=[{"name": "名录", "url": COND_OPEN_URL, "format": "CSV"}],
            **conditional(share_class="unconditional", share_reason="", share_legal_basis="",
                          share_conditions="")),
    }
    return {"orgs": orgs, "users": users, "entries": entries,
            "api": {name: Api(app, user) for name, user in users.items()}}


def _self_made_organisation(api: Api, name: str = "dcf-fake", **fields) -> dict:
    return api.ok("organization_create", name=name, title="自建机构", **fields)


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", True)
def test_f1_self_made_organisation_gives_no_government_audience(world):
    intruder, official = world["api"]["intruder"], world["api"]["rsj-official"]
    fake = _self_made_organisation(intruder)
    assert fake["is_department"] == "false"
    gov_only, cond_open = world["entries"]["gov_only"], world["entries"]["cond_open"]

    # A member of a recognised department sees the government-only entry (the control) ...
    # (the file is a registered upstream: its url is the portal's download route, issue 16)
    assert official.ok("package_show", id=gov_only["id"])["resources"][0]["url"].endswith(
        "/download")
    # ... the member of a self-made organisation sees it nowhere.
    assert intruder.post("package_show", status=None, id=gov_only["id"])["success"] is False
    found = intruder.ok("package_search", q="DEPTMARKGOVONLY", include_private=True)
    assert found["count"] == 0
    page = intruder.get(f"/dataset/{gov_only['name']}")
    assert page.status_code in (403, 404)
    assert "DEPTMARKGOVONLY" not in page.get_data(as_text=True)
    # Data shared unconditionally with departments stays closed to them.
    # (Issue 16: a file with no declared audience is the shared version, which a citizen may
    # not even know of, so it is left out rather than listed with a blank URL.)
    shown = intruder.ok("package_show", id=cond_open["id"])
    assert all(resource["url"] == "" for resource in shown["resources"])
    assert COND_OPEN_URL not in str(shown)
    # No share (department) request, whichever way it is asked for.
    for extra in ({"applicant_kind": "department"}, {"applicant_org_id": fake["id"]}):
        error = intruder.error(
            "dongchang_access_request_create", status=None,
            dataset_id=world["entries"]["cond_share"]["id"], purpose="performance_of_duties",
            use_scenario="核对企业信息", **extra)
        assert error["__type"] in ("Validation Error", "Not Found Error"), error
    # Nor department figures, nor a department's inbox, queue or export for their organisation.
    intruder.error("dongchang_evaluation", status=403)
    for action in ("dongchang_access_request_list", "dongchang_catalog_list",
                   "dongchang_catalog_export", "dongchang_catalog_change_list"):
        assert intruder.post(action, status=None, org=fake["id"])["success"] is False, action


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", True)
def test_f1_non_bureau_users_cannot_set_the_department_flag(world):
    intruder, scjg_admin = world["api"]["intruder"], world["api"]["scjg-admin"]
    error = intruder.error("organization_create", name="dcf-fake", title="自建机构",
                           is_department="true")
    assert "is_department" in error
    fake = _self_made_organisation(intruder)
    for action in ("organization_patch", "organization_update"):
        error = intruder.error(action, id=fake["id"], name="dcf-fake", is_department="true")
        assert "is_department" in error
    assert intruder.ok("organization_show", id=fake["id"])["is_department"] == "false"
    # A department's own admin cannot withdraw its recognition either, and keeps it on edits.
    department = world["orgs"]["department"]
    error = scjg_admin.error("organization_patch", id=department["id"], is_department="false")
    assert "is_department" in error
    scjg_admin.ok("organization_update", id=department["id"], name=department["name"],
                  title="区市场监督管理局（新）")
    assert scjg_admin.ok("organization_show", id=department["id"])["is_department"] == "true"


def test_f1_sysadmin_and_bureau_create_recognised_departments(world, sysadmin):
    assert world["orgs"]["department"]["is_department"] == "true"
    bureau = world["api"]["bureau-admin"]
    # user_create_organizations is off in test.ini as on the site: the Bureau still creates.
    created = bureau.ok("organization_create", name="dcf-new", title="区新设部门")
    assert created["is_department"] == "true"
    unit = bureau.ok("organization_create", name="dcf-unit", title="待认定单位",
                     is_department="false")
    assert unit["is_department"] == "false"
    bureau.ok("organization_patch", id=unit["id"], is_department="true")
    assert bureau.ok("organization_show", id=unit["id"])["is_department"] == "true"
    world["api"]["intruder"].error("organization_create", status=403, name="dcf-x", title="x")


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", True)
def test_f1_self_made_organisation_cannot_own_catalog_entries(world, sysadmin):
    intruder = world["api"]["intruder"]
    fake = _self_made_organisation(intruder)
    error = intruder.error("package_create", **entry_dict(fake["id"], catalog_state="draft"))
    assert "owner_org" in error
    with pytest.raises(Exception) as raised:
        create_entry(sysadmin, fake["id"])
    assert "owner_org" in str(raised.value.error_dict)


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", True)
@pytest.mark.ckan_config("ckanext.dongchang.bureau_org", "dcf-bureau-office")
def test_f1_self_made_organisation_named_as_the_bureau_is_not_the_bureau(world):
    intruder = world["api"]["intruder"]
    _self_made_organisation(intruder, name="dcf-bureau-office")
    intruder.error("dongchang_audit_list", status=403)
    assert audience.bureau_org_ids() == []


def _strip_department_flags() -> None:
    model.Session.execute(sa.text(
        "UPDATE \"group\" SET extras = extras - 'is_department' WHERE is_organization"))
    model.Session.commit()


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", True)
def test_f1_migration_recognises_what_the_sysadmin_made_or_the_bureau_published(
        world, sysadmin, migrate_db_for):
    made_by_user = _self_made_organisation(world["api"]["intruder"])
    published_org = helpers.call_action(
        "organization_create", context={"user": world["users"]["scjg-admin"]["name"]},
        name="dcf-self-registered", title="自行注册的部门")
    # The Bureau published this one's entries before the flag existed: it was recognised.
    helpers.call_action("organization_patch", context={"user": sysadmin["name"]},
                        id=published_org["id"], is_department="true")
    create_entry(sysadmin, published_org["id"])
    migrate_db_for("dongchang", version=MIGRATION_BEFORE, forward=False)
    _strip_department_flags()
    migrate_db_for("dongchang")
    model.Session.expire_all()
    flags = {name: (model.Group.get(name).extras or {}).get("is_department")
             for name in ("dcf-scjg", "dcf-dsjj", "dcf-fake", "dcf-self-registered")}
    assert flags == {"dcf-scjg": "true", "dcf-dsjj": "true", "dcf-fake": "false",
                     "dcf-self-registered": "true"}
    assert made_by_user["id"] not in audience.recognised_department_ids()


def test_f1_demo_loader_creates_recognised_departments():
    catalog = json.loads((ROOT / "demo" / "catalog.json").read_text(encoding="utf-8"))
    demo.load_catalog({"organizations": catalog["organizations"]})
    names = [org["name"] for org in catalog["organizations"]]
    shown = [helpers.call_action("organization_show", id=name) for name in names]
    assert {org["name"]: org["is_department"] for org in shown} == dict.fromkeys(names, "true")
    registry = model.Group.get(service.products_org_id())
    assert (registry.extras or {}).get("is_department") == "false"


def test_f1_site_config_turns_off_user_created_organisations(tmp_path):
    ini = tmp_path / "site.ini"
    subprocess.run([str(ROOT / "services" / "write-site-config.sh"), str(ini)], check=True,
                   capture_output=True, timeout=120)
    lines = [line.replace(" ", "") for line in ini.read_text().splitlines()]
    assert "ckan.auth.user_create_organizations=false" in lines
    assert "ckan.auth.user_create_groups=false" in lines  # a group's text is public unreviewed
    assert "ckan.gravatar_default=disabled" in lines  # no foreign service sees who looks


def test_f1_department_form_offers_the_flag_to_the_bureau_only(world):
    bureau, scjg_admin = world["api"]["bureau-admin"], world["api"]["scjg-admin"]
    assert bureau.page("/organization/new").select_one("select#field-is_department")
    editing = scjg_admin.page("/organization/edit/dcf-scjg")
    assert editing.select_one("#field-title") is not None
    assert editing.select_one("[name=is_department]") is None
