"""No stock CKAN control changes what the public sees outside the workflow (issue 17 item 5).

CKAN's 取消发布 (package state ``draft``), delete, 可见性 (``private``) and the organisation
page's bulk actions each pulled a published entry, or dropped a submitted one from the queue,
without the Bureau. A department now asks for a withdrawal; the Bureau decides it in its review
queue, and the audit log records both.
"""
from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import factories

from ckanext.dongchang.kernel.audit import AuditEvent
from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import class_fields
from tests.factories import Bureau, CatalogEntry, Department, staff

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

NOT_OPEN = class_fields("unconditional", "not_open")


@pytest.fixture
def world(app):
    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    users = staff({"scjg": scjg, "bureau": Bureau()}, ("scjg-admin", "scjg", "admin"),
                  ("scjg-editor", "scjg", "editor"), ("bureau-admin", "bureau", "admin"))
    sysadmin = factories.Sysadmin()
    published = CatalogEntry(user=sysadmin, owner_org=scjg, name="published-entry")
    hidden = CatalogEntry(user=sysadmin, owner_org=scjg, name="hidden-entry", **NOT_OPEN)
    submitted = CatalogEntry(user=sysadmin, owner_org=scjg, name="submitted-entry",
                             catalog_state="submitted")
    draft = CatalogEntry(user=sysadmin, owner_org=scjg, name="draft-entry",
                         catalog_state="draft")
    return {"org": scjg, "users": users, "sysadmin": sysadmin,
            "api": {name: Api(app, user) for name, user in users.items()},
            "anonymous": Api(app),
            "entries": {"published": published, "hidden": hidden, "submitted": submitted,
                        "draft": draft}}


def _history(dataset_id):
    return [e.action for e in model.Session.query(AuditEvent)
            .filter(AuditEvent.object_id == dataset_id).order_by(AuditEvent.id)]


def _public(world, name):
    return world["anonymous"].post("package_show", status=None, id=name)["success"]


def _stored(name):
    model.Session.expire_all()
    package = model.Package.get(name)
    return package.state, package.private, (package.extras or {}).get("catalog_state")


def test_i17_unpublish_state_and_private_cannot_change_public_visibility(world):
    editor, admin = world["api"]["scjg-editor"], world["api"]["scjg-admin"]
    for api in (editor, admin):
        for state in ("draft", "deleted"):
            error = api.error("package_patch", id="published-entry", state=state)
            assert "state" in error
            error = api.error("package_patch", id="submitted-entry", state=state)
            assert "state" in error
        error = api.error("package_patch", id="published-entry", catalog_state="draft")
        assert "catalog_state" in error
    # 可见性 saves nothing: visibility follows the classes, both ways.
    editor.post("package_patch", status=None, id="published-entry", private=True)
    editor.post("package_patch", status=None, id="hidden-entry", private=False)
    editor.post("package_update", status=None,
                **dict(editor.ok("package_show", id="hidden-entry"), private=False))
    assert _stored("published-entry") == ("active", False, "published")
    assert _stored("hidden-entry")[1:] == (True, "published")
    assert _stored("submitted-entry") == ("active", True, "submitted")
    assert _public(world, "published-entry") and not _public(world, "hidden-entry")
    queue = world["api"]["bureau-admin"].ok("dongchang_catalog_list", state="submitted")
    assert "submitted-entry" in [e["name"] for e in queue["results"]]
    # CKAN's own draft step of a new entry keeps working: it is the department's draft.
    assert editor.ok("package_patch", id="draft-entry", state="draft")["state"] == "draft"


def test_i17_an_editor_cannot_delete_a_published_or_submitted_entry(world):
    for name in ("editor", "admin"):
        api = world["api"][f"scjg-{name}"]
        for entry in ("published-entry", "submitted-entry"):
            api.error("package_delete", status=403, id=entry)
    assert _stored("published-entry") == ("active", False, "published")
    assert _stored("submitted-entry")[0] == "active"
    world["api"]["scjg-editor"].ok("package_delete", id="draft-entry")
    assert _stored("draft-entry")[0] == "deleted"


def test_i17_bulk_actions_of_the_organization_page_cannot_change_visibility(world):
    admin, org = world["api"]["scjg-admin"], world["org"]
    ids = [world["entries"][kind]["id"] for kind in ("published", "hidden", "submitted")]
    admin.error("bulk_update_public", status=403, org_id=org["id"], datasets=ids)
    admin.error("bulk_update_private", status=403, org_id=org["id"], datasets=ids)
    admin.error("bulk_update_delete", status=403, org_id=org["id"], datasets=ids)
    # Not even the Bureau (a sysadmin) sets visibility by hand.
    sysadmin = Api(world["anonymous"].app, world["sysadmin"])
    sysadmin.error("bulk_update_public", status=403, org_id=org["id"], datasets=ids)
    assert _stored("published-entry") == ("active", False, "published")
    assert _stored("hidden-entry")[:2] == ("active", True)
    assert _public(world, "published-entry") and not _public(world, "hidden-entry")
    # A draft is the department's own: deleting it in bulk stays possible.
    admin.ok("bulk_update_delete", org_id=org["id"], datasets=[world["entries"]["draft"]["id"]])
    assert _stored("draft-entry")[0] == "deleted"
    page = admin.page(f"/organization/bulk_process/{org['name']}")
    assert not page.select('button[name="bulk_action.public"]')
    assert not page.select('button[name="bulk_action.private"]')


def test_i17_stock_forms_offer_no_visibility_unpublish_or_delete_control(world):
    editor = world["api"]["scjg-editor"]
    form = editor.page("/dataset/edit/published-entry")
    assert not form.select('select[name="private"]')
    assert not form.select('button[value="go-metadata-unpublish"]')
    assert not form.select('a[href*="/dataset/delete/"]')
    new = editor.page(f"/dataset/new?owner_org={world['org']['id']}")
    assert not new.select('select[name="private"]')
    # A draft may still be deleted from its form.
    draft = editor.page("/dataset/edit/draft-entry")
    assert draft.select('a[href*="/dataset/delete/"]')


def test_i17_an_editor_withdraws_a_published_entry_through_the_bureau(world):
    editor, bureau = world["api"]["scjg-editor"], world["api"]["bureau-admin"]
    entry = world["entries"]["published"]
    page = editor.page("/dataset/published-entry")
    form = page.select_one("form.dongchang-withdraw")
    assert form is not None and form.select_one('textarea[name="reason"]') is not None
    error = editor.error("dongchang_catalog_withdraw", id=entry["id"], reason="")
    assert "reason" in error
    editor.ok("dongchang_catalog_withdraw", id=entry["id"], reason="该数据已停止采集")
    # Still public until the Bureau decides; the entry page says a request is pending.
    assert _public(world, "published-entry")
    assert editor.page("/dataset/published-entry").select_one(".dongchang-withdrawal-pending")
    error = editor.error("dongchang_catalog_withdraw", id=entry["id"], reason="再次申请")
    assert "id" in error
    queue = bureau.ok("dongchang_catalog_list", state="submitted", include_checks=True)
    [item] = [e for e in queue["results"] if e["name"] == "published-entry"]
    assert item["revision"]["fields"] == ["withdrawal"]
    assert any("该数据已停止采集" in change["after"] for change in item["changes"])
    review = bureau.page("/dongchang/review")
    section = review.select_one('section[data-entry="published-entry"]')
    assert "该数据已停止采集" in section.get_text()
    decided = bureau.ok("dongchang_catalog_review", id=entry["id"], decision="publish")
    assert decided["catalog_state"] == "draft" and decided["private"] is True
    assert not _public(world, "published-entry")
    assert _history(entry["id"])[-2:] == ["catalog_withdrawal_request",
                                         "catalog_withdrawal_approve"]


def test_i17_the_bureau_may_refuse_a_withdrawal(world):
    editor, bureau = world["api"]["scjg-editor"], world["api"]["bureau-admin"]
    entry = world["entries"]["published"]
    editor.ok("dongchang_catalog_withdraw", id=entry["id"], reason="不再更新")
    error = bureau.error("dongchang_catalog_review", id=entry["id"], decision="return")
    assert "reason" in error
    bureau.ok("dongchang_catalog_review", id=entry["id"], decision="return",
              reason="该数据仍被多个部门使用，请继续更新")
    assert _stored("published-entry") == ("active", False, "published")
    assert _history(entry["id"])[-2:] == ["catalog_withdrawal_request",
                                         "catalog_withdrawal_return"]
    # Only a published entry is withdrawn; a draft is not in the catalog.
    error = editor.error("dongchang_catalog_withdraw", id=world["entries"]["draft"]["id"],
                         reason="x")
    assert "catalog_state" in error
    # Another department's user may not ask.
    outsider = factories.User()
    Api(world["anonymous"].app, outsider).error(
        "dongchang_catalog_withdraw", status=403, id=entry["id"], reason="x")
