"""What a page costs in SQL (issue 10, F-3): who a user is is read once per web request.

CKAN asks the permission-labels plugin for the user's labels once per resource on a dataset
page; ``logic.audience`` keeps the answer for the rest of that request only, and forgets it as
soon as the session writes, so a decision still takes effect on the very next check.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories, helpers

from ckanext.dongchang.access import audience, enforcement
from ckanext.dongchang.delivery import upstream
from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry, entry_dict
from tests.sql import compiled_every_time, statements

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

MEMBERSHIP_QUERY = 'FROM member JOIN "group"'


def _membership_queries(seen: list[str]) -> int:
    return sum(MEMBERSHIP_QUERY in statement and "member.table_id" in statement
               for statement in seen)


@pytest.fixture
def department_with_entry(sysadmin):
    org = factories.Organization()
    editor = factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=editor["name"],
                        role="editor")
    resources = [{"name": f"表{n}", "url": f"https://files.example.gov.cn/{n}.csv",
                  "format": "CSV"} for n in range(4)]
    entry = create_entry(sysadmin, org["id"], resources=resources,
                         **conditional(share_class="unconditional"))
    return org, editor, entry


def test_f3_a_dataset_page_reads_the_members_memberships_once(app, department_with_entry):
    _org, editor, entry = department_with_entry
    token = factories.APIToken(user=editor["name"])["token"]
    with statements() as seen:
        page = app.get(f"/dataset/{entry['name']}", headers={"Authorization": token})
    assert all(resource["url"] in page.body for resource in entry["resources"])
    assert _membership_queries(seen) == 1, "one membership read for the whole page"


@pytest.mark.usefixtures("with_request_context")
def test_f3_the_request_cache_is_forgotten_when_the_session_writes(department_with_entry):
    org, editor, _entry = department_with_entry
    newcomer = factories.User()
    user = model.User.get(newcomer["id"])
    assert audience.memberships_for(user).org_ids == frozenset()
    with statements() as seen:
        assert audience.memberships_for(user).org_ids == frozenset()
    assert _membership_queries(seen) == 0, "kept for the rest of the request"
    helpers.call_action("organization_member_create", id=org["id"],
                        username=newcomer["name"], role="member")
    assert audience.memberships_for(user).org_ids == {org["id"]}


@pytest.mark.usefixtures("with_request_context")
def test_i20_a_write_that_touches_no_membership_or_grant_keeps_the_answer(
        department_with_entry, sysadmin):
    """Saving an entry (or anything else that is not a member, department, user or request)
    cannot change who the user is: within the action (before its commit, which always
    forgets) the answer is kept (issue 20: package_create read it again after its flush, for
    the search index's read of the new entry)."""
    org, editor, _entry = department_with_entry
    user = model.User.get(editor["name"])
    assert audience.memberships_for(user).org_ids == {org["id"]}
    helpers.call_action("package_create", context={"user": sysadmin["name"],
                                                   "defer_commit": True},
                        **entry_dict(org["id"], name="another-entry"))
    with statements() as seen:
        assert audience.memberships_for(user).org_ids == {org["id"]}
    assert _membership_queries(seen) == 0, "kept across a write to entries only"


@pytest.mark.usefixtures("with_request_context")
def test_i20_a_grant_flushed_in_the_request_is_seen_by_the_next_check(department_with_entry):
    """A request row flushed (not yet committed) in the same request, as an approval does, is a
    write the answer depends on: the next check reads again."""
    import datetime as dt

    from ckanext.dongchang.requests.model import AccessRequest

    _org, _editor, entry = department_with_entry
    citizen = factories.User()
    user = model.User.get(citizen["id"])
    assert audience.memberships_for(user).grants_on(entry["id"]) == ()
    model.Session.add(AccessRequest(
        dataset_id=entry["id"], requester_id=citizen["id"], request_kind="open",
        resource_ids=[entry["resources"][0]["id"]], state="approved", applicant_kind="citizen",
        purpose="social_services", valid_from=dt.date.today(),
        valid_until=dt.date.today() + dt.timedelta(days=30)))
    model.Session.flush()
    assert audience.memberships_for(user).grants_on(entry["id"]) != ()


def test_i20_package_create_asks_whether_to_read_fresh_only_for_cached_reads(sysadmin):
    """The search index reads a new entry uncached already: asking whether it must be read
    from the database is a wasted statement there (issue 20: package_create ≤ 1.05× stock).
    Only the activity snapshot's read, which may use the index, asks."""
    org = factories.Organization()
    with statements() as seen:
        create_entry(sysadmin, org["id"], name="fresh-or-not")
    asked = [s for s in seen if "package_relationship" in s and "EXISTS" in s]
    assert len(asked) <= 1, asked
    assert not [s for s in seen if "dongchang_upstream" in s and "INSERT" in s]


def test_i20_whether_to_read_an_entry_fresh_is_one_statement(sysadmin):
    """Before a cached read of an entry, one statement asks whether the index's copy is whole
    (the entry's classes, its relationships, its files' audiences): it runs before every
    anonymous ``package_show`` (issue 20: 7 statements against stock's 5, now 6)."""
    org = factories.Organization()
    create_entry(sysadmin, org["id"], name="i20-all-open")
    create_entry(sysadmin, org["id"], name="i20-department-file", resources=[
        {"name": "公开表", "url": "https://files.example.gov.cn/i20-a.csv", "format": "CSV"},
        {"name": "部门表", "url": "https://files.example.gov.cn/i20-b.csv", "format": "CSV",
         "audience": "owner"}])
    with statements() as seen:
        assert not enforcement.needs_fresh_read("i20-all-open")
        assert enforcement.needs_fresh_read("i20-department-file")
        assert not enforcement.needs_fresh_read("no-such-entry")
    assert len(seen) == 3, seen
    with compiled_every_time() as uncached:
        enforcement.needs_fresh_read("i20-department-file")
        enforcement.current_file_audiences(model.Package.get("i20-department-file").id)
    assert uncached == [], "kept compiled: no column of a type SQLAlchemy may not cache"


@pytest.mark.usefixtures("with_request_context")
def test_i20_a_department_named_again_in_a_request_is_looked_up_once(sysadmin):
    """An entry names the same departments again and again (its data items' sources, an
    import's rows, a page's titles): one lookup per name and request, read again after a
    write to a department or a membership."""
    from ckanext.dongchang.departments import lookup

    org = factories.Organization(name="i20-scjg", title="区市场监督管理局（i20）")
    with statements() as seen:
        for _ in range(3):
            assert [g.id for g in lookup.departments_called("i20-scjg")] == [org["id"]]
            assert lookup.department_title("i20-scjg") == "区市场监督管理局（i20）"
    assert len(seen) == 1, seen
    helpers.call_action("organization_patch", context={"user": sysadmin["name"]}, id=org["id"],
                        title="区市场监管局（i20）")
    assert lookup.department_title("i20-scjg") == "区市场监管局（i20）"


@pytest.mark.usefixtures("with_request_context")
def test_i20_a_sysadmin_acts_for_the_bureau_without_a_membership_read(sysadmin,
                                                                      department_with_entry):
    """Every entry a sysadmin saves asks whether the saver is the Bureau: a sysadmin always is,
    and no membership or grant need be read for it; an editor's answer still comes from the
    memberships."""
    _org, editor, _entry = department_with_entry
    with statements() as seen:
        assert audience.is_bureau({"user": sysadmin["name"]})
    assert _membership_queries(seen) == 0 and not [s for s in seen if "access_request" in s]
    assert not audience.is_bureau({"user": editor["name"]})


@pytest.mark.parametrize("asked_by", ["id", "name"])
def test_i20_an_anonymous_read_loads_the_entry_once(app, sysadmin, asked_by):
    """The freshness statement loads the entry itself, and CKAN is then asked for it by its
    id, so its ``Package.get`` finds the entry in the session instead of reading the row again
    (a name it looked up twice: as an id, then as a name). Issue 20: anonymous
    ``package_show`` ran 6 statements against stock's 5."""
    org = factories.Organization()
    entry = create_entry(sysadmin, org["id"], name="i20-read-once")
    model.Session.remove()
    with statements() as seen:
        shown = app.get("/api/3/action/package_show", query_string={"id": entry[asked_by]})
    assert shown.json["result"]["name"] == "i20-read-once"
    entry_reads = [s for s in seen if s.startswith("SELECT package.")]
    assert len(entry_reads) == 1, entry_reads


def test_i20_a_reference_that_is_one_entrys_id_and_anothers_name_means_the_id(sysadmin):
    """CKAN looks an entry up by id first, then by name; the freshness statement, which
    answers for the entry CKAN then shows, prefers the id the same way."""
    org = factories.Organization()
    first = create_entry(sysadmin, org["id"], name="i20-first")
    second = create_entry(sysadmin, org["id"], name="i20-second")
    model.Session.query(model.Package).filter_by(id=second["id"]).update(
        {"name": first["id"]})
    model.Session.commit()
    shown = helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                                id=first["id"])
    assert shown["id"] == first["id"]


def test_i20_saving_a_gated_entry_reads_it_from_the_database_once(app, sysadmin):
    """The search index reads a new entry from the database (CKAN); the activity snapshot
    then takes that version instead of reading and validating the entry a second time
    (issue 20: ``package_create`` ≤ 1.05× stock). Each read of an entry from the database
    reads its relationships both ways: two statements."""
    org = factories.Organization()
    payload = entry_dict(org["id"], name="i20-read-once-saved", **conditional(), resources=[
        {"name": "部门表", "url": "https://files.example.gov.cn/i20-c.csv", "format": "CSV",
         "audience": "owner"}])
    api = Api(app, sysadmin)
    with statements() as seen:
        api.ok("package_create", **payload)
    relationship_reads = [s for s in seen if s.startswith("SELECT package_relationship.id")]
    assert len(relationship_reads) == 2, relationship_reads


def test_i20_registering_the_upstreams_of_new_files_looks_nothing_up(sysadmin):
    """A new file's upstream address is kept under an id given in the same action: there is
    no earlier registration to replace, so none is looked up (issue 20: one statement per
    gated file of every ``package_create``)."""
    org = factories.Organization()
    files = [{"name": f"上游表{n}", "upstream_url": f"https://data.scjg.example.gov.cn/{n}.csv",
              "format": "CSV"} for n in range(3)]
    with statements() as seen:
        created = create_entry(sysadmin, org["id"], name="i20-upstreams", **conditional(),
                               resources=files)
    assert [s for s in seen if s.startswith("INSERT INTO dongchang_upstream")]
    assert not [s for s in seen if "FROM dongchang_upstream" in s]
    assert all(upstream.address_of(r["id"]) for r in created["resources"])


def test_i20_a_context_used_again_asks_for_the_entry_it_names(sysadmin):
    """CKAN's views reuse one context for several actions: the entry loaded for one
    ``package_show`` must never stand in for the entry (or the missing one) the next asks for."""
    org = factories.Organization()
    first = create_entry(sysadmin, org["id"], name="i20-context-first", **conditional())
    second = create_entry(sysadmin, org["id"], name="i20-context-second")
    context = {"user": sysadmin["name"], "ignore_auth": False}
    assert helpers.call_action("package_show", context=context, id=first["name"])["id"] \
        == first["id"]
    assert helpers.call_action("package_show", context=context, id=second["name"])["id"] \
        == second["id"]
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", context=context, id="i20-no-such-entry")
