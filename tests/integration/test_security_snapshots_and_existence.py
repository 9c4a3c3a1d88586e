"""Issue 14, items 1, 7 and 8: activity snapshots, product sources and hidden entries (F-3, F-13).

Item 1: every page and action that renders an old version of an entry strips resource URLs
exactly as ``package_show`` does for the viewer at hand. Item 7: a data product names no source
entry its reader may not see. Item 8: a hidden entry does not exist for those who may not see it
(404 like a missing one; no id, tag or relationship gives it away), and a deleted entry is gone
for everyone but its department and the Bureau.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.dongchang.model import AccessRequest
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

MARK_A = "snapmark-file-a-secret"
MARK_B = "snapmark-file-b-secret"
VIEWERS = ("anonymous", "grantee_of_a", "other_department")


def _grant(dataset_id: str, user_id: str, resource_ids: list[str] | None = None) -> None:
    model.Session.add(AccessRequest(
        dataset_id=dataset_id, requester_id=user_id, resource_ids=resource_ids or [],
        request_kind="open", applicant_kind="citizen", purpose="social_services",
        state="approved", valid_from=dt.date.today(),
        valid_until=dt.date.today() + dt.timedelta(days=30)))
    model.Session.commit()


class Viewer:
    """One audience: HTTP pages and API actions with its token (none: anonymous)."""

    def __init__(self, app, user=None):
        self.app = app
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = factories.APIToken(user=user["name"])["token"]

    def get(self, url, **params):
        response = self.app.get(url, headers=self.headers, query_string=params,
                                follow_redirects=False, expect_errors=True)
        return response.status_code, response.get_data(as_text=True)

    def api(self, action, **params):
        response = self.app.post(f"/api/3/action/{action}", json=params, headers=self.headers,
                                 expect_errors=True)
        return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def snapshots(app):
    """A conditionally open entry with two files, edited twice (three versions in history)."""
    owner_org = factories.Organization(name="snap-owner")
    other_org = factories.Organization(name="snap-other")
    editor = factories.User(name="snap-editor")
    helpers.call_action("organization_member_create", id=owner_org["id"],
                        username=editor["name"], role="editor")
    colleague = factories.User(name="snap-colleague")
    helpers.call_action("organization_member_create", id=other_org["id"],
                        username=colleague["name"], role="member")
    grantee = factories.User(name="snap-grantee")
    entry = create_entry(
        factories.Sysadmin(), owner_org["id"], name="snap-entry", title="快照条目",
        resources=[{"name": "文件甲", "url": f"https://files.example.gov.cn/{MARK_A}.csv",
                    "format": "CSV"},
                   {"name": "文件乙", "url": f"https://files.example.gov.cn/{MARK_B}.csv",
                    "format": "CSV"}],
        **conditional())
    for notes in ("第二版说明。", "第三版说明。"):
        helpers.call_action("package_patch", context={"user": editor["name"]}, id=entry["id"],
                            notes=notes)
    file_a, file_b = (r["id"] for r in entry["resources"])
    _grant(entry["id"], grantee["id"], [file_a])
    activities = helpers.call_action("package_activity_list", context={"ignore_auth": True},
                                     id=entry["id"])
    assert len(activities) == 3
    viewers = {"anonymous": Viewer(app), "grantee_of_a": Viewer(app, grantee),
               "other_department": Viewer(app, colleague)}
    return {"entry": entry, "files": (file_a, file_b), "activities": [a["id"] for a in activities],
            "viewers": viewers, "editor": editor, "owner_org": owner_org}


def _snapshot_surfaces(viewer: Viewer, world: dict) -> dict[str, tuple[int, str]]:
    """Every page and action that renders an old version of the entry, with its answer."""
    name, entry_id = world["entry"]["name"], world["entry"]["id"]
    newest, middle, oldest = world["activities"]
    file_a, file_b = world["files"]
    answers = {}
    for activity in (newest, oldest):
        answers[f"history page {activity[:8]}"] = viewer.get(f"/dataset/{name}/history/{activity}")
        for label, file_id in (("a", file_a), ("b", file_b)):
            answers[f"resource history {label} {activity[:8]}"] = viewer.get(
                f"/dataset/{name}/resources/{file_id}/history/{activity}")
        for include_data in (True, False):
            answers[f"activity_show data={include_data}"] = viewer.api(
                "activity_show", id=activity, include_data=include_data)
        answers["activity_data_show"] = viewer.api("activity_data_show", id=activity)
        answers["activity_data_show package"] = viewer.api(
            "activity_data_show", id=activity, object_type="package")
    answers["changes page"] = viewer.get(f"/dataset/changes/{newest}")
    answers["changes_multiple page"] = viewer.get(
        "/dataset/changes_multiple", new_id=newest, old_id=middle)
    for diff_type in ("unified", "html"):
        answers[f"activity_diff {diff_type}"] = viewer.api(
            "activity_diff", id=newest, object_type="package", diff_type=diff_type)
    answers["activity page"] = viewer.get(f"/dataset/activity/{name}")
    answers["organization activity page"] = viewer.get(
        f"/organization/activity/{world['owner_org']['name']}")
    answers["package_activity_list"] = viewer.api("package_activity_list", id=entry_id)
    answers["organization_activity_list"] = viewer.api(
        "organization_activity_list", id=world["owner_org"]["id"])
    answers["user_activity_list"] = viewer.api("user_activity_list", id=world["editor"]["name"])
    answers["recently_changed"] = viewer.api("recently_changed_packages_activity_list")
    answers["user activity page"] = viewer.get(f"/user/activity/{world['editor']['name']}")
    if viewer.headers:
        answers["dashboard_activity_list"] = viewer.api("dashboard_activity_list")
        answers["dashboard page"] = viewer.get("/dashboard/")
    return answers


@pytest.mark.parametrize("detail_public", [False, True], ids=["detail-restricted",
                                                              "detail-public"])
def test_item1_activity_snapshots_strip_gated_urls(snapshots, monkeypatch, detail_public):
    """Resource history, history, changes, diffs and streams: the URL of a file the viewer may
    not use is never shown, whether the site restricts activity detail (CKAN's default) or not."""
    monkeypatch.setitem(tk.config, "ckan.auth.public_activity_stream_detail", detail_public)
    leaks, errors = [], []
    for audience, viewer in snapshots["viewers"].items():
        forbidden = (MARK_B,) if audience == "grantee_of_a" else (MARK_A, MARK_B)
        for surface, (status, body) in _snapshot_surfaces(viewer, snapshots).items():
            if status >= 500:
                errors.append((audience, surface, status))
            leaks.extend((audience, surface, marker) for marker in forbidden if marker in body)
    assert errors == []
    assert leaks == []


def test_item1_resource_history_goes_through_activity_detail_rights(snapshots):
    """CKAN's resource history page read the snapshot straight from the table, skipping the
    activity-detail check its sibling pages make: now the public gets the same 403 as on
    ``/dataset/<id>/history/<activity>``, and the owner department still sees its old version."""
    name, (file_a, _) = snapshots["entry"]["name"], snapshots["files"]
    activity = snapshots["activities"][-1]
    url = f"/dataset/{name}/resources/{file_a}/history/{activity}"
    status, _ = snapshots["viewers"]["anonymous"].get(url)
    assert status == 403
    status, body = Viewer(snapshots["viewers"]["anonymous"].app, snapshots["editor"]).get(url)
    assert status == 200 and MARK_A in body


def test_item1_resource_history_of_another_entry_is_not_found(snapshots, app):
    """An activity of one entry cannot be shown under another entry's address."""
    other = create_entry(factories.Sysadmin(), snapshots["owner_org"]["id"], name="snap-other")
    editor = Viewer(app, snapshots["editor"])
    activity = snapshots["activities"][0]
    status, _ = editor.get(f"/dataset/{other['name']}/resources/{snapshots['files'][0]}"
                           f"/history/{activity}")
    assert status == 404


@pytest.mark.ckan_config("ckan.plugins", "activity " + PLUGINS.replace("activity ", ""))
def test_item1_resource_history_guard_holds_whatever_the_plugin_order(snapshots):
    """With ckanext-activity listed before dongchang its page would match first: the guard
    points that endpoint at the guarded page, so the order of ``ckan.plugins`` does not matter."""
    name, (file_a, _) = snapshots["entry"]["name"], snapshots["files"]
    url = f"/dataset/{name}/resources/{file_a}/history/{snapshots['activities'][-1]}"
    status, body = snapshots["viewers"]["anonymous"].get(url)
    assert status == 403 and MARK_A not in body
