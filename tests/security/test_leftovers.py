"""Issue 14, the leftovers of the review: resource formats of hidden entries, collaborator
actions that crashed for anonymous users, entries with a relationship that could not be saved
or indexed, a patch of an entry without data items, and one paging schema for our lists."""
from __future__ import annotations

import json

import pytest
from ckan.lib import search
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry, entry_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

CLOSED = conditional(open_class="not_open", open_conditions="", share_class="not_shared",
                     share_conditions="")


def _api(app, action, user=None, **params):
    headers = {}
    if user is not None:
        headers["Authorization"] = factories.APIToken(user=user["name"])["token"]
    response = app.post(f"/api/3/action/{action}", json=params, headers=headers,
                        expect_errors=True)
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def formats(sysadmin):
    org = factories.Organization(name="fmt-owner")
    entries = {}
    for kind, fields in (("open", {}), ("closed", CLOSED), ("draft", {"catalog_state": "draft"})):
        entries[kind] = create_entry(
            sysadmin, org["id"], name=f"fmt-{kind}", **fields,
            resources=[{"name": "文件", "url": f"https://data.example.gov.cn/fmt-{kind}.csv",
                        "format": f"HIDFMT{kind.upper()}"}])
    return {"org": org, "entries": entries}


def test_item1_formats_of_hidden_entries_are_not_completed(app, formats, sysadmin):
    colleague = factories.User()
    for user, expected in ((None, {"HIDFMTOPEN"}), (colleague, {"HIDFMTOPEN"}),
                           (sysadmin, {"HIDFMTOPEN", "HIDFMTCLOSED", "HIDFMTDRAFT"})):
        status, body = _api(app, "format_autocomplete", user, q="hidfmt", limit=50)
        assert status == 200, body
        assert set(json.loads(body)["result"]) == expected, user
        headers = {}
        if user is not None:
            headers["Authorization"] = factories.APIToken(user=user["name"])["token"]
        response = app.get("/api/2/util/resource/format_autocomplete", headers=headers,
                           query_string={"incomplete": "hidfmt", "limit": 50})
        names = {row["Format"] for row in response.json["ResultSet"]["Result"]}
        assert names == expected, user
    limited = json.loads(_api(app, "format_autocomplete", sysadmin, q="hidfmt", limit=1)[1])
    assert len(limited["result"]) == 1
    status, body = _api(app, "format_autocomplete", None, q="hidfmt", limit="x")
    assert status == 409 and "limit" in json.loads(body)["error"], body
    status, body = _api(app, "format_autocomplete", None)
    assert status == 409 and "q" in json.loads(body)["error"], body


def test_item2_collaborator_actions_never_crash(app, sysadmin):
    org = factories.Organization(name="collab-owner")
    closed = create_entry(sysadmin, org["id"], name="collab-closed", **CLOSED)
    stranger = factories.User()
    calls = [
        ("package_collaborator_list", {"id": closed["id"]}),
        ("package_collaborator_list", {"id": "collab-no-such-entry"}),
        ("package_collaborator_list", {}),
        ("package_collaborator_list", {"id": closed["id"], "capacity": "nope"}),
        ("package_collaborator_create", {"id": closed["id"], "user_id": stranger["id"],
                                         "capacity": "editor"}),
        ("package_collaborator_create", {"id": closed["id"], "user_id": "no-such-user",
                                         "capacity": "editor"}),
        ("package_collaborator_delete", {"id": closed["id"], "user_id": stranger["id"]}),
        ("package_collaborator_delete", {"id": "collab-no-such-entry", "user_id": "x"}),
        ("package_collaborator_list_for_user", {"id": stranger["id"]}),
        ("package_collaborator_list_for_user", {}),
    ]
    for user in (None, stranger):
        for action, params in calls:
            status, body = _api(app, action, user, **params)
            assert 400 <= status < 500, (user and user["name"], action, params, status, body)
            assert closed["id"] not in body, (action, params)


def test_item3_an_entry_with_a_relationship_can_be_updated_and_reindexed(app, sysadmin):
    org = factories.Organization(name="rel-owner")
    first = create_entry(sysadmin, org["id"], name="rel-first")
    second = create_entry(sysadmin, org["id"], name="rel-second")
    helpers.call_action("package_relationship_create", context={"user": sysadmin["name"]},
                        subject=first["id"], object=second["id"], type="depends_on")
    for entry in (first, second):
        status, body = _api(app, "package_patch", sysadmin, id=entry["id"],
                            notes="关系条目的新说明。")
        assert status == 200, body
    search.rebuild()
    found = helpers.call_action("package_search", context={"user": sysadmin["name"]},
                                q="name:rel-first OR name:rel-second", include_private=True)
    assert {row["name"] for row in found["results"]} == {"rel-first", "rel-second"}


def test_item4_patching_the_title_of_an_entry_without_data_items(app, sysadmin):
    org = factories.Organization(name="patch-owner")
    made = [create_entry(sysadmin, org["id"], name="patch-entry")]
    fields = entry_dict(org["id"], name="patch-api-entry")
    fields.pop("data_items", None)
    status, body = _api(app, "package_create", sysadmin, **fields)
    assert status == 200, body
    made.append(json.loads(body)["result"])
    made.append(create_entry(sysadmin, org["id"], name="patch-none-entry", data_items=None))
    for entry in made:
        status, body = _api(app, "package_patch", sysadmin, id=entry["id"], title="只改标题")
        assert status == 200, (entry["name"], body)
        assert json.loads(body)["result"]["title"] == "只改标题"
    status, body = _api(app, "package_patch", sysadmin, id=made[0]["id"], resources=None)
    assert status == 409 and "resources" in json.loads(body)["error"], body


PAGED_ACTIONS = ("dongchang_access_request_list", "dongchang_tender_list",
                 "dongchang_catalog_list", "dongchang_catalog_revision_list",
                 "dongchang_audit_list", "dongchang_catalog_change_list")


@pytest.mark.parametrize("action", PAGED_ACTIONS)
@pytest.mark.parametrize("field,value", [
    ("page", 10 ** 30), ("page", "x"), ("page", 0), ("page", "\n"), ("page", 1e308),
    ("page", ["1"]), ("limit", 10 ** 30), ("limit", "x"), ("limit", 0), ("limit", 1000),
])
def test_item5_bad_paging_is_a_validation_error_naming_the_field(action, field, value,
                                                                  sysadmin):
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action(action, context={"user": sysadmin["name"]}, **{field: value})
    assert field in raised.value.error_dict


@pytest.mark.parametrize("value", [10 ** 30, "x", 0, 5000, 1.5, True])
def test_item5_open_list_and_duplicate_candidates_bound_their_limit(value, sysadmin):
    org = factories.Organization(name="paging-owner")
    entry = create_entry(sysadmin, org["id"], name="paging-entry")
    calls = (("dongchang_open_list", {"open_class": "unconditional"}),
             ("dongchang_duplicate_candidates", {"id": entry["id"]}))
    for action, params in calls:
        with pytest.raises(tk.ValidationError) as raised:
            helpers.call_action(action, context={"user": sysadmin["name"]}, limit=value,
                                **params)
        assert "limit" in raised.value.error_dict, action


@pytest.mark.parametrize("action", PAGED_ACTIONS)
def test_item5_good_paging_answers(action, sysadmin):
    result = helpers.call_action(action, context={"user": sysadmin["name"]}, page="2", limit=5)
    assert result["page"] == 2


def test_item5_catalog_import_content_must_be_text(sysadmin):
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action("dongchang_catalog_import", context={"user": sysadmin["name"]},
                            content=1.5)
    assert "content" in raised.value.error_dict


def test_item5_pages_answer_a_page_out_of_range_with_a_4xx(app, sysadmin):
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    for url in ("/open-list/unconditional", "/tender", "/dongchang/requests", "/dongchang/review",
                "/dongchang/audit"):
        for page in ("100001", "99999999999999999999"):
            response = app.get(url, headers=headers, query_string={"page": page},
                               expect_errors=True)
            assert 400 <= response.status_code < 500, (url, page, response.status_code)
