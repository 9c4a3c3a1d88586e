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
from ckanext.activity.views import bp as activity_pages
from flask import Flask

from ckanext.dongchang.access.activity import activity_blueprint
from ckanext.dongchang.access.activity import resource_history as guarded_resource_history
from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Viewer
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
    bureau = factories.Sysadmin()
    entry = create_entry(
        bureau, owner_org["id"], name="snap-entry", title="快照条目",
        resources=[{"name": "文件甲", "url": f"https://files.example.gov.cn/{MARK_A}.csv",
                    "format": "CSV"},
                   {"name": "文件乙", "url": f"https://files.example.gov.cn/{MARK_B}.csv",
                    "format": "CSV"}],
        **conditional())
    for notes in ("第二版说明。", "第三版说明。"):
        helpers.call_action("package_patch", context={"user": bureau["name"]}, id=entry["id"],
                            notes=notes)
    file_a, file_b = (r["id"] for r in entry["resources"])
    _grant(entry["id"], grantee["id"], [file_a])
    activities = helpers.call_action("package_activity_list", context={"ignore_auth": True},
                                     id=entry["id"])
    assert len(activities) == 3
    viewers = {"anonymous": Viewer(app), "grantee_of_a": Viewer(app, grantee),
               "other_department": Viewer(app, colleague)}
    return {"entry": entry, "files": (file_a, file_b), "activities": [a["id"] for a in activities],
            "viewers": viewers, "editor": editor, "bureau": bureau, "owner_org": owner_org}


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
    answers["user_activity_list"] = viewer.api("user_activity_list", id=world["bureau"]["name"])
    answers["recently_changed"] = viewer.api("recently_changed_packages_activity_list")
    answers["user activity page"] = viewer.get(f"/user/activity/{world['bureau']['name']}")
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
    # the old version is there; the file is a registered upstream (issue 16 item 3), whose
    # address not even the department sees again
    assert status == 200 and "文件甲" in body and MARK_A not in body


def test_item1_resource_history_of_another_entry_is_not_found(snapshots, app):
    """An activity of one entry cannot be shown under another entry's address."""
    other = create_entry(factories.Sysadmin(), snapshots["owner_org"]["id"], name="snap-other")
    editor = Viewer(app, snapshots["editor"])
    activity = snapshots["activities"][0]
    status, _ = editor.get(f"/dataset/{other['name']}/resources/{snapshots['files'][0]}"
                           f"/history/{activity}")
    assert status == 404


def test_item1_resource_history_guard_holds_whatever_the_plugin_order():
    """Flask matches the first rule registered for an address: whichever of ckanext-activity
    and dongchang registers its blueprint first, the resource history address is served by the
    guarded page."""
    url = "/dataset/entry/resources/file/history/activity"
    for order in ((activity_pages, activity_blueprint), (activity_blueprint, activity_pages)):
        site = Flask("order")
        for blueprint in order:
            site.register_blueprint(blueprint)
        endpoint, _ = site.url_map.bind("localhost").match(url)
        assert site.view_functions[endpoint] is guarded_resource_history, order[0].name


# --- item 8: a hidden entry does not exist for those who may not see it -----------------------
@pytest.fixture
def hidden(app, sysadmin):
    """One department's entries, one per kind of hiding, each with its own tag."""
    owner_org = factories.Organization(name="exi-owner")
    other_org = factories.Organization(name="exi-other")
    users = {name: factories.User(name=name) for name in ("exi-editor", "exi-colleague")}
    helpers.call_action("organization_member_create", id=owner_org["id"],
                        username="exi-editor", role="editor")
    helpers.call_action("organization_member_create", id=other_org["id"],
                        username="exi-colleague", role="member")
    not_open = conditional(open_class="not_open", open_conditions="",
                           share_class="unconditional", share_conditions="", share_reason="",
                           share_legal_basis="")
    closed = conditional(open_class="not_open", open_conditions="", share_class="not_shared",
                         share_conditions="")
    kinds = {"open": {}, "gov": not_open, "closed": closed, "draft": {"catalog_state": "draft"},
             "deleted": {}}
    entries = {kind: create_entry(sysadmin, owner_org["id"], name=f"exi-{kind}",
                                  title=f"存在性条目 EXIMARK{kind.upper()}",
                                  tag_string=f"exitag-{kind}", **fields)
               for kind, fields in kinds.items()}
    helpers.call_action("package_delete", context={"user": sysadmin["name"]},
                        id=entries["deleted"]["id"])
    viewers = {"anonymous": Viewer(app), "other_department": Viewer(app, users["exi-colleague"]),
               "owner_department": Viewer(app, users["exi-editor"]),
               "bureau": Viewer(app, sysadmin)}
    return {"entries": entries, "viewers": viewers, "owner_org": owner_org}


# What each audience may see of the department's entries (deleted: the department and the
# Bureau keep it, so a mistaken deletion can be seen and undone; nobody else sees it).
SEES = {
    "anonymous": {"open"},
    "other_department": {"open", "gov"},
    "owner_department": {"open", "gov", "closed", "draft", "deleted"},
    "bureau": {"open", "gov", "closed", "draft", "deleted"},
}


def _result(answer: tuple[int, str]):
    status, body = answer
    assert status == 200, body
    return json.loads(body)["result"]


def test_item8_member_list_names_only_entries_the_viewer_may_see(hidden):
    ids = {entry["id"]: kind for kind, entry in hidden["entries"].items()}
    for audience, viewer in hidden["viewers"].items():
        members = _result(viewer.api("member_list", id=hidden["owner_org"]["id"],
                                     object_type="package"))
        listed = {ids[member[0]] for member in members if member[0] in ids}
        assert listed <= SEES[audience], (audience, listed)
        assert "open" in listed, audience


def test_item8_tags_of_hidden_entries_are_not_listed(hidden):
    for audience, viewer in hidden["viewers"].items():
        searchable = SEES[audience] - {"deleted"}  # a deleted entry leaves the index
        expected = {f"exitag-{kind}" for kind in searchable}
        answers = {
            "tag_list": set(_result(viewer.api("tag_list"))),
            "tag_list query": set(_result(viewer.api("tag_list", query="exitag"))),
            "tag_list all_fields": {t["name"] for t in _result(
                viewer.api("tag_list", all_fields=True))},
            "tag_search": {t["name"] for t in _result(
                viewer.api("tag_search", query="exitag", limit=50))["results"]},
            "tag_autocomplete": set(_result(viewer.api("tag_autocomplete", q="exitag",
                                                       limit=50))),
        }
        status, body = viewer.get("/api/2/util/tag/autocomplete", incomplete="exitag", limit=50)
        answers["util autocomplete"] = {t["Name"] for t in json.loads(body)["ResultSet"]["Result"]}
        for surface, names in answers.items():
            assert {n for n in names if n.startswith("exitag-")} == expected, (audience, surface)
        search = _result(viewer.api("tag_search", query="exitag", limit=1))
        assert search["count"] == len(expected) and len(search["results"]) == 1, audience
        status, _ = viewer.api("tag_show", id="exitag-closed")
        assert status == (200 if "closed" in searchable else 404), audience


def test_item8_a_hidden_entry_answers_exactly_like_a_missing_one(hidden):
    closed = hidden["entries"]["closed"]
    for audience in ("anonymous", "other_department"):
        viewer = hidden["viewers"][audience]
        for name in (closed["name"], closed["id"]):
            hidden_answer = viewer.api("package_show", id=name)
            missing_answer = viewer.api("package_show", id="exi-no-such-entry")
            assert hidden_answer[0] == missing_answer[0] == 404, audience
            assert json.loads(hidden_answer[1])["error"] == json.loads(missing_answer[1])["error"]
            assert closed["id"] not in hidden_answer[1]
        resource = viewer.api("resource_show", id=closed["resources"][0]["id"])
        missing = viewer.api("resource_show", id="00000000-0000-0000-0000-000000000000")
        assert resource[0] == missing[0] == 404, audience
        assert json.loads(resource[1])["error"] == json.loads(missing[1])["error"]
        for suffix in ("", ".ttl", ".rdf", ".jsonld"):
            status, body = viewer.get(f"/dataset/{closed['name']}{suffix}")
            missing_status, _ = viewer.get(f"/dataset/exi-no-such-entry{suffix}")
            assert status == missing_status == 404, (audience, suffix, status)
            assert closed["id"] not in body


def test_item8_relationships_to_hidden_entries_are_not_revealed(hidden, sysadmin):
    public, closed = hidden["entries"]["open"], hidden["entries"]["closed"]
    helpers.call_action("package_relationship_create", context={"user": sysadmin["name"]},
                        subject=public["id"], object=closed["id"], type="depends_on")
    helpers.call_action("package_relationship_create", context={"user": sysadmin["name"]},
                        subject=closed["id"], object=public["id"], type="links_to")
    for audience, viewer in hidden["viewers"].items():
        answers = {
            "relationships_list": viewer.api("package_relationships_list", id=public["id"]),
            "package_show": viewer.api("package_show", id=public["id"]),
            "package_search": viewer.api("package_search", q="name:exi-open"),
            "package_search fl": viewer.api("package_search", q="name:exi-open", fl="*"),
            "dataset page": viewer.get(f"/dataset/{public['name']}"),
            "dataset ttl": viewer.get(f"/dataset/{public['name']}.ttl"),
        }
        for surface, (status, body) in answers.items():
            assert status == 200, (audience, surface, status)
            shows = closed["id"] in body or closed["name"] in body
            if "closed" not in SEES[audience]:
                assert not shows, (audience, surface)
    owner = hidden["viewers"]["owner_department"]
    related = _result(owner.api("package_relationships_list", id=public["id"]))
    assert {r["object"] for r in related} == {closed["name"]}


def test_item8_a_deleted_entry_is_gone_for_all_but_its_department_and_the_bureau(hidden):
    deleted = hidden["entries"]["deleted"]
    for audience, viewer in hidden["viewers"].items():
        visible = "deleted" in SEES[audience]
        status, _ = viewer.api("package_show", id=deleted["id"])
        assert status == (200 if visible else 404), (audience, "package_show", status)
        for suffix in ("", ".ttl", ".jsonld"):
            status, body = viewer.get(f"/dataset/{deleted['name']}{suffix}")
            assert status == (200 if visible else 404), (audience, suffix, status)
        if not visible:
            _, body = viewer.api("recently_changed_packages_activity_list")
            assert "EXIMARKDELETED" not in body, audience
            _, body = viewer.api("organization_activity_list", id=hidden["owner_org"]["id"])
            assert "EXIMARKDELETED" not in body, audience


# --- item 7: a data product names no source its reader may not see ----------------------------
@pytest.fixture
def product(app, sysadmin):
    """A department member's product built on a shared-not-open entry (through a grant) and on
    an open one; the public may see the open source only."""
    owner_org = factories.Organization(name="prd-owner")
    other_org = factories.Organization(name="prd-other")
    official = factories.User(name="prd-official")
    helpers.call_action("organization_member_create", id=other_org["id"],
                        username=official["name"], role="member")
    past = (dt.date.today() - dt.timedelta(days=200)).isoformat()
    shared = create_entry(sysadmin, owner_org["id"], name="prd-shared", issued=past,
                          **conditional(open_class="not_open", open_conditions=""))
    public = create_entry(sysadmin, owner_org["id"], name="prd-public", issued=past)
    grant = AccessRequest(
        dataset_id=shared["id"], requester_id=official["id"], request_kind="share",
        applicant_kind="department", applicant_org_id=other_org["id"], purpose="duties",
        state="approved", valid_from=dt.date.today() - dt.timedelta(days=5),
        valid_until=dt.date.today() + dt.timedelta(days=30))
    model.Session.add(grant)
    model.Session.commit()
    registrant = Viewer(app, official)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    registered = _result(registrant.api(
        "dongchang_product_register", title="部门数据产品", notes="部门内部分析报告。",
        product_kind="report",
        developer_name="区人社局", sources=[
            {"dataset_id": shared["id"], "acquired_on": yesterday},
            {"dataset_id": public["id"], "acquired_on": yesterday}]))
    assert {s.get("access_request_id") for s in registered["sources"]} >= {grant.id}
    activities = [a["id"] for a in helpers.call_action(
        "package_activity_list", context={"user": sysadmin["name"]}, id=registered["id"],
        include_hidden_activity=True)]
    assert activities
    return {"product": registered, "hidden": (shared["id"], grant.id), "public": public,
            "activities": activities,
            "viewers": {"anonymous": Viewer(app), "citizen": Viewer(app, factories.User()),
                        "registrant": registrant}}


def test_item7_product_sources_name_no_entry_the_reader_may_not_see(product):
    record = product["product"]
    name = record["name"]
    for audience in ("anonymous", "citizen"):
        viewer = product["viewers"][audience]
        answers = {
            "package_show": viewer.api("package_show", id=record["id"]),
            "package_show default schema": viewer.api("package_show", id=record["id"],
                                                      use_default_schema=True),
            "package_search": viewer.api("package_search", q=f"name:{name}"),
            "package_search fl": viewer.api("package_search", q=f"name:{name}", fl="*"),
            "package_search by source": viewer.api(
                "package_search", q=f'"{product["hidden"][0]}"'),
            "product list": viewer.api("dongchang_product_list"),
            "activity list": viewer.api("package_activity_list", id=record["id"]),
            "dataset page": viewer.get(f"/dataset/{name}"),
            "product page": viewer.get(f"/data-product/{name}"),
            "dataset ttl": viewer.get(f"/dataset/{name}.ttl"),
            "dataset jsonld": viewer.get(f"/dataset/{name}.jsonld"),
            "catalog ttl": viewer.get("/catalog.ttl"),
        }
        for activity in product["activities"]:  # the site user's, hidden from streams
            answers[f"activity_show {activity[:8]}"] = viewer.api(
                "activity_show", id=activity, include_data=False)
        leaks = [(surface, secret) for surface, (_, body) in answers.items()
                 for secret in product["hidden"] if secret in body]
        assert leaks == [], (audience, leaks)
        shown = _result(answers["package_show"])["sources"]
        assert [s.get("dataset_id") for s in shown] == [None, product["public"]["id"]]
        assert all(s.get("acquired_on") for s in shown)  # the dates stay (Art. 25 citation)
    own = _result(product["viewers"]["registrant"].api("package_show", id=record["id"]))
    assert own["sources"][0]["dataset_id"] == product["hidden"][0]
    assert own["sources"][0]["access_request_id"] == product["hidden"][1]
