"""An anonymous visitor's entry comes from the search index's copy (issue 20).

The index holds what the least-privileged finder may know of an entry's files (``indexing``):
for an entry the public finds, that is exactly an anonymous visitor's view, so a conditionally
open entry need not be read from the database for them (12 statements against stock's 5).
These tests hold the index's answer to the database's, entry kind by entry kind, so the
shortcut can never show an anonymous visitor more, or less, than the database read would.
"""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from ckanext.dongchang.access import enforcement
from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import (
    activity_snapshot,
    class_fields,
    conditional,
    create_entry,
    entry_dict,
    trusted_database_read,
)

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def _files(*audiences: str) -> list[dict[str, str]]:
    return [{"name": f"文件{n}", "url": f"https://files.example.gov.cn/i20-{n}.csv",
             "format": "CSV", "audience": audience} for n, audience in enumerate(audiences)]


# entry name -> (its fields, whether the public finds it)
KINDS = {
    "i20-open": ({}, True),
    "i20-open-with-department-files": ({"resources": _files("open", "shared", "owner")}, True),
    "i20-conditional": ({**conditional(), "resources": _files("open", "shared", "owner")}, True),
    "i20-conditionally-open-shared-freely": (
        {**conditional(share_class="unconditional"), "resources": _files("open", "shared")},
        True),
    "i20-shared-not-open": ({**class_fields("unconditional", "not_open"),
                             "resources": _files("shared", "owner")}, False),
}


def _anonymous_show(name: str, **context: object) -> dict | str:
    try:
        return helpers.call_action("package_show", context={
            "user": "", "ignore_auth": False, **context}, id=name)
    except Exception as error:  # noqa: BLE001 — the refusal itself is compared
        return type(error).__name__


@pytest.mark.parametrize("name", list(KINDS))
def test_i20_an_anonymous_visitor_gets_from_the_index_what_the_database_gives(app, sysadmin,
                                                                             name):
    fields, found_by_the_public = KINDS[name]
    create_entry(sysadmin, factories.Organization()["id"], name=name, **fields)
    if found_by_the_public:
        assert not enforcement.needs_fresh_read(name, for_the_public=True), \
            "the index's copy is used for the public"
        assert enforcement.needs_fresh_read(name) == (name != "i20-open"), \
            "anyone else still reads a gated entry from the database"
    from_index = _anonymous_show(name)
    from_database = _anonymous_show(name, use_cache=False)
    assert from_index == from_database
    if found_by_the_public:
        assert Api(app).ok("package_show", id=name) == from_database
    else:
        assert from_database == "NotFound", "an entry hidden from the public does not exist"
        Api(app).error("package_show", status=404, id=name)


def test_i20_an_entry_that_names_another_is_read_from_the_database_for_everyone(sysadmin):
    """References (relationships, a product's sources) stay out of the index, so even an
    anonymous visitor's read of such an entry goes to the database."""
    org = factories.Organization()["id"]
    create_entry(sysadmin, org, name="i20-named", **conditional())
    create_entry(sysadmin, org, name="i20-naming", **conditional())
    helpers.call_action("package_relationship_create", subject="i20-naming",
                        object="i20-named", type="links_to")
    assert enforcement.needs_fresh_read("i20-naming", for_the_public=True)


@pytest.mark.parametrize("name", list(KINDS))
def test_i20_the_activity_snapshot_is_the_version_the_index_just_read(app, sysadmin, name):
    """The activity stream's snapshot of a saved entry is CKAN's trusted ``package_show``;
    for a gated entry it used to be a second database read and validation of the version
    the search index had read and validated a moment before. It is now that version: it must
    equal a database read, field for field, after a create and after an update, through the
    API as a publisher saves."""
    fields, _found_by_the_public = KINDS[name]
    org = factories.Organization()
    api = Api(app, sysadmin)
    created = api.ok("package_create", **entry_dict(org["id"], name=name, **fields))
    assert activity_snapshot(created["id"]) == trusted_database_read(created["id"])
    api.ok("package_patch", id=created["id"], notes="更新后的说明")
    assert activity_snapshot(created["id"]) == trusted_database_read(created["id"])
    assert activity_snapshot(created["id"])["notes"] == "更新后的说明"


def test_i20_a_snapshot_with_references_still_comes_from_the_database(app, sysadmin):
    """The index's read drops relationships (``chained._without_relationships``): an entry
    that has one is snapshotted from the database, relationship included."""
    org = factories.Organization()["id"]
    api = Api(app, sysadmin)
    api.ok("package_create", **entry_dict(org, name="i20-snap-named", **conditional()))
    naming = api.ok("package_create", **entry_dict(org, name="i20-snap-naming", **conditional()))
    api.ok("package_relationship_create", subject="i20-snap-naming", object="i20-snap-named",
           type="links_to")
    api.ok("package_patch", id=naming["id"], notes="有关联的条目")
    snapshot = activity_snapshot(naming["id"])
    assert snapshot == trusted_database_read(naming["id"])
    assert snapshot["relationships_as_subject"], "the relationship is in the snapshot"


def test_i20_only_the_last_indexed_version_is_kept(app, sysadmin):
    """A rebuild reads every entry for the index in one context without writing: the kept
    version is the last one read, never one per entry (memory stays bounded)."""
    from ckan.lib import search

    from ckanext.dongchang.access import indexed_version
    from ckanext.dongchang.kernel import request_memo
    org = factories.Organization()["id"]
    ids = [create_entry(sysadmin, org, name=f"i20-kept-{n}")["id"] for n in range(3)]
    with app.flask_app.test_request_context():
        search.rebuild(package_ids=ids, defer_commit=True, quiet=True)
        assert list(request_memo.kept(indexed_version._KEPT)) == [ids[-1]]
