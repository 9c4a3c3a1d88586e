"""The permission matrix of DESIGN §4, as data, crawled over every surface (F-1, F-3, F-13).

Each catalog entry carries two unique markers: one in its title (metadata) and one in its
resource URL (data). Every audience crawls every surface; a marker must appear exactly where
the table allows it, and never anywhere else.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from ckan.logic import ValidationError
from ckan.tests import factories, helpers

from ckanext.dongchang.access.rules import visibility
from tests.conftest import PLUGINS
from tests.entries import LEGAL_BASIS, class_fields, portal_served
from tests.factories import Bureau, CatalogEntry, Department, Official, grant

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

AUDIENCES = ("anonymous", "citizen", "government", "owner", "bureau",
             "grantee_citizen", "grantee_government")
EVERYONE = frozenset(AUDIENCES)
INSIDERS = frozenset({"owner", "bureau"})
GOVERNMENT = frozenset({"government", "owner", "bureau", "grantee_government"})


@dataclass(frozen=True)
class Row:
    """One row of DESIGN §4: the classes, who may see the metadata, and per file (issue 16:
    each resource says who it is for) who may know of it and who may use its data."""

    share_class: str
    open_class: str
    published: bool
    metadata: frozenset[str]
    files: dict[str, tuple[frozenset[str], frozenset[str]]]  # audience -> (names, data)

    @property
    def data(self) -> frozenset[str]:
        """Who may use at least one of the entry's files."""
        return frozenset().union(*(data for _names, data in self.files.values()))


def _files(open_=None, shared=None, owner=(INSIDERS, INSIDERS)):
    return {audience: seen for audience, seen in
            (("open", open_), ("shared", shared), ("owner", owner)) if seen is not None}


# An open request's grant covers the open file, a share request's grant the shared file; the
# owner file reaches nobody but the department and the Bureau, on every row.
MATRIX = {
    "open": Row("unconditional", "unconditional", True, EVERYONE, _files(
        open_=(EVERYONE, EVERYONE), shared=(GOVERNMENT, GOVERNMENT))),
    "cond_open": Row("unconditional", "conditional", True, EVERYONE, _files(
        open_=(EVERYONE, GOVERNMENT | {"grantee_citizen"}), shared=(GOVERNMENT, GOVERNMENT))),
    "cond_both": Row("conditional", "conditional", True, EVERYONE, _files(
        open_=(EVERYONE, INSIDERS | {"grantee_citizen"}),
        shared=(GOVERNMENT, INSIDERS | {"grantee_government"}))),
    "gov_only": Row("unconditional", "not_open", True, GOVERNMENT, _files(
        shared=(GOVERNMENT, GOVERNMENT))),
    "cond_share": Row("conditional", "not_open", True, GOVERNMENT, _files(
        shared=(GOVERNMENT, INSIDERS | {"grantee_government"}))),
    "closed": Row("not_shared", "not_open", True, INSIDERS, _files()),
    "draft": Row("unconditional", "unconditional", False, INSIDERS, _files(
        open_=(INSIDERS, INSIDERS), shared=(INSIDERS, INSIDERS))),
}
# Grants held: who has an approved, current access request of which kind for which entry.
GRANTS = {
    "grantee_citizen": ("open", ("cond_open", "cond_both")),
    "grantee_government": ("share", ("cond_both", "cond_share")),
}


def _classes(row: Row) -> dict:
    fields = class_fields(row.share_class, row.open_class)
    if not row.published:
        fields["catalog_state"] = "draft"
    return fields


def title_marker(key: str) -> str:
    return f"TITLEMARK{key.upper().replace('_', '')}"


def url_marker(key: str) -> str:
    return f"urlmark-{key.replace('_', '-')}-secret"


def file_url_marker(key: str, audience: str) -> str:
    return f"urlmark-{key.replace('_', '-')}-{audience}-secret"


def file_name_marker(key: str, audience: str) -> str:
    return f"FILEMARK{key.upper().replace('_', '')}X{audience.upper()}"


def row_marker(key: str, audience: str) -> str:
    return f"rowmark-{key.replace('_', '-')}-{audience}"


def tag_marker(key: str) -> str:
    return f"matrixtag-{key.replace('_', '-')}"


@pytest.fixture
def world():
    owner_org, other_org = Department(name="dcf-owner"), Department(name="dcf-other")
    bureau_org = Bureau(name="dcf-bureau")
    places = {"citizen": (None, "member"), "government": (other_org, "member"),
              "owner": (owner_org, "editor"), "bureau": (bureau_org, "admin"),
              "grantee_citizen": (None, "member"), "grantee_government": (other_org, "member")}
    users = {name: Official(name=name.replace("_", "-"), department=org, capacity=capacity)
             for name, (org, capacity) in places.items()}
    creator = factories.Sysadmin()
    entries = {}
    for key, row in MATRIX.items():
        entries[key] = CatalogEntry(
            user=creator, owner_org=owner_org, name=f"matrix-{key.replace('_', '-')}",
            title=f"矩阵条目 {title_marker(key)}",
            resources=[{"name": f"数据 {file_name_marker(key, audience)}", "format": "CSV",
                        "audience": audience,
                        "url": f"https://files.example.gov.cn/{url_marker(key)}/"
                               f"{file_url_marker(key, audience)}.csv"}
                       for audience in row.files],
            tag_string=tag_marker(key), **_classes(row))
    for holder, (kind, keys) in GRANTS.items():
        wanted = {"open": "open", "share": "shared"}[kind]
        for key in keys:
            files = [r["id"] for r in entries[key]["resources"] if r["audience"] == wanted]
            grant(entries[key], users[holder], files, kind)
    for key, entry in entries.items():  # each file's rows in the DataStore (issue 16 item 4)
        for resource in entry["resources"]:
            helpers.call_action("datastore_create", {"user": creator["name"]},
                                resource_id=resource["id"], force=True,
                                fields=[{"id": "marker", "type": "text"}],
                                records=[{"marker": row_marker(key, resource["audience"])}])
    tokens = {name: factories.APIToken(user=user["name"])["token"] for name, user in users.items()}
    return entries, tokens


class Crawler:
    def __init__(self, app, token):
        self.app = app
        self.headers = {"Authorization": token} if token else {}

    def get(self, url, **params):
        response = self.app.get(url, headers=self.headers, query_string=params,
                                follow_redirects=False, expect_errors=True)
        return response.status_code, response.get_data(as_text=True), response.headers

    def api(self, action, **params):
        status, body, _ = self.get(f"/api/3/action/{action}", **params)
        return status, body


def _found(text: str, marker: str) -> bool:
    return marker in text


@dataclass
class Expectations:
    """Collects every place a marker appears where the table does not allow it (or is missing
    where an exact surface must show it), so one run reports them all."""

    problems: list = field(default_factory=list)

    def expect(self, audience, surface, key, text, metadata=None, data=None, exact=True):
        """A marker must appear where allowed (exact surfaces) and never where not allowed."""
        if data is not None:  # an upstream's address (issue 16 item 3) is shown to nobody
            data = data and any(url_shown(key, file_audience, audience)
                                for file_audience in MATRIX[key].files)
        for kind, allowed, marker in (("metadata", metadata, title_marker(key)),
                                      ("data", data, url_marker(key))):
            if allowed is not None and _misplaced(_found(text, marker), allowed, exact):
                self.problems.append((audience, surface, key, kind, allowed))

    def expect_files(self, audience, surface, key, text, exact=True, only=None, names=True):
        """Per file (issue 16): its name where it may be known of, its URL where it may be
        used; never elsewhere. ``only``: the one file a per-file surface is about."""
        for file_audience, (known_by, _used_by) in MATRIX[key].files.items():
            if only is not None and file_audience != only:
                continue
            checks = [("file data", url_shown(key, file_audience, audience),
                       file_url_marker(key, file_audience))]
            if names:
                checks.insert(0, ("file name", audience in known_by,
                                  file_name_marker(key, file_audience)))
            for kind, allowed, marker in checks:
                if _misplaced(_found(text, marker), allowed, exact):
                    self.problems.append((audience, surface, key, file_audience, kind, allowed))

    def expect_both(self, audience, surface, key, text, exact=True):
        """The entry's markers and its files' markers, as the row allows for this audience."""
        row = MATRIX[key]
        self.expect(audience, surface, key, text, audience in row.metadata,
                    audience in row.data, exact=exact)
        self.expect_files(audience, surface, key, text, exact=exact)


def url_shown(key: str, file_audience: str, audience: str) -> bool:
    """Whether the file's URL marker may reach ``audience``: a file the audience may use whose
    URL is a link. A gated file is a registered upstream (``tests.entries.portal_served``): its
    marker is in the address only the portal calls, and reaches nobody (issue 16 item 3)."""
    row = MATRIX[key]
    return audience in row.files[file_audience][1] and not visibility.file_is_gated(
        file_audience, row.share_class, row.open_class)


def _misplaced(found: bool, allowed: bool, exact: bool) -> bool:
    """Found where not allowed, or (on an exact surface) missing where allowed."""
    return (found and not allowed) or (exact and found != allowed)


def _link_from_open_entry(entries, sysadmin):
    """The open entry leads to every other one (relationships are a surface too)."""
    for key, entry in entries.items():
        if key != "open":
            helpers.call_action("package_relationship_create", context={"user": sysadmin["name"]},
                                subject=entries["open"]["id"], object=entry["id"],
                                type="links_to")


def _check_entry_pages(check, crawler, audience, key, entry):
    """Per entry: the API and the dataset page."""
    _, body = crawler.api("package_show", id=entry["id"])
    check.expect_both(audience, "package_show", key, body)
    _, body, _ = crawler.get(f"/dataset/{entry['name']}")
    check.expect_both(audience, "dataset page", key, body)


def _check_entry_documents(check, crawler, audience, key, entry):
    """Per entry: the RDF documents and the activity stream."""
    for fmt in ("ttl", "jsonld", "xml"):
        _, body, _ = crawler.get(f"/dataset/{entry['name']}.{fmt}")
        check.expect_both(audience, f"dataset.{fmt}", key, body)
    _, body = crawler.api("package_activity_list", id=entry["id"])
    check.expect_both(audience, "activity", key, body)
    _, body, _ = crawler.get(f"/dataset/activity/{entry['name']}")
    check.expect_both(audience, "activity page", key, body, exact=False)


def _check_resource(check, crawler, audience, key, entry, resource):
    """One file: resource_show answers exactly who may know of it; its page and its download
    never show more than the file's row allows."""
    resource_id, file_audience = resource["id"], resource["audience"]
    names, file_data = MATRIX[key].files[file_audience]
    known, usable = audience in names, audience in file_data
    status, body = crawler.api("resource_show", id=resource_id)
    assert (status == 200) == known, (audience, "resource_show", key, file_audience, status)
    check.expect_files(audience, "resource_show", key, body, only=file_audience)
    _, body, _ = crawler.get(f"/dataset/{entry['name']}/resource/{resource_id}")
    check.expect_files(audience, "resource page", key, body, only=file_audience)
    status, _, headers = crawler.get(f"/dataset/{entry['id']}/resource/{resource_id}/download")
    check.expect_files(audience, "download", key, headers.get("Location", ""),
                       only=file_audience, names=False)
    if not usable:
        assert status in (403, 404), (audience, key, file_audience, status)
        assert (status == 404) == (not known), (audience, key, file_audience, status)
    # the DataStore answers the file's rows exactly to who may use it (issue 16 item 4)
    status, body = crawler.api("datastore_search", resource_id=resource_id)
    assert (row_marker(key, file_audience) in body) == usable, (audience, key, file_audience)
    assert status == (200 if usable else 403 if known else 404), (audience, key, status)
    # ... and so does its dump (the whole table), which answers 404 to anyone else
    status, body, _ = crawler.get(f"/datastore/dump/{resource_id}")
    assert (row_marker(key, file_audience) in body) == usable, (audience, key, "dump")
    assert status == (200 if usable else 404), (audience, key, "dump", status)


def _check_history(check, crawler, audience, key, entry, sysadmin):
    """Old versions (issue 14 item 1): detail is for editors, never beyond the table."""
    activity_id = helpers.call_action("package_activity_list", context={
        "user": sysadmin["name"]}, id=entry["id"])[-1]["id"]
    for resource in entry["resources"]:
        for surface, url in (
                ("history page", f"/dataset/{entry['name']}/history/{activity_id}"),
                ("resource history page", f"/dataset/{entry['name']}/resources/"
                                          f"{resource['id']}/history/{activity_id}")):
            _, body, _ = crawler.get(url)
            check.expect_both(audience, surface, key, body, exact=False)
    _, body = crawler.api("activity_show", id=activity_id, include_data=False)
    check.expect_both(audience, "activity_show", key, body, exact=False)


def _check_searches(check, crawler, audience):
    """Listings and searches: metadata exactly as allowed; URLs at most of data open to all
    (results come from the index, which holds no gated URL)."""
    searches = {
        "package_search q": crawler.api("package_search", q="矩阵条目", rows=50,
                                        include_private="true")[1],
        "package_search fq": crawler.api("package_search", fq="title:*", rows=50,
                                         include_private="true")[1],
        "package_search fl=*": crawler.api("package_search", q="*:*", fl="*", rows=50,
                                           include_private="true")[1],
        "search page": crawler.get("/dataset/", q="矩阵条目")[1],
        "catalog.ttl": crawler.get("/catalog.ttl")[1],
    }
    for surface, body in searches.items():
        public_feed = surface == "catalog.ttl"
        for key, row in MATRIX.items():
            meta = ("anonymous" in row.metadata) if public_feed else audience in row.metadata
            check.expect(audience, surface, key, body, meta, data=key == "open",
                         exact=surface != "search page")
            check.expect_files(audience, surface, key, body, exact=False)
        if surface != "search page":  # the index holds the open file of the open entry
            assert file_url_marker("open", "open") in body, (audience, surface)
            assert file_url_marker("open", "shared") not in body, (audience, surface)


def _check_listings(check, crawler, audience, entries):
    """package_list and friends name exactly the public entries, and no gated data."""
    listings = {
        "package_list": crawler.api("package_list")[1],
        "current_package_list_with_resources":
            crawler.api("current_package_list_with_resources", limit=100)[1],
    }
    for surface, body in listings.items():
        for key, row in MATRIX.items():
            public = "anonymous" in row.metadata
            if (entries[key]["name"] in body) != public:
                check.problems.append((audience, surface, key, "metadata", public))
            check.expect(audience, surface, key, body, data=public and audience in row.data,
                         exact=False)
            check.expect_files(audience, surface, key, body, exact=False)


def _check_namings(check, crawler, audience, entries):
    """What names an entry without showing it (issue 14 item 8): exactly where its metadata
    may be seen. The open entry's relationships lead to every other entry."""
    namings = {
        "member_list": (crawler.api("member_list", id="dcf-owner", object_type="package")[1],
                        lambda key: entries[key]["id"]),
        "tag_list": (crawler.api("tag_list")[1], tag_marker),
        "tag_autocomplete": (crawler.api("tag_autocomplete", q="matrixtag", limit=50)[1],
                             tag_marker),
        # issue 17 item 8: the entry picker names a published entry exactly where it may be
        # seen (it offers no draft, even to its department: tests/catalog/test_i17_pickers.py)
        "dongchang_entry_autocomplete": (
            crawler.api("dongchang_entry_autocomplete", q="矩阵条目")[1],
            lambda key: entries[key]["name"]
            if entries[key]["catalog_state"] == "published" else None),
        "relationships": (crawler.api("package_relationships_list",
                                      id=entries["open"]["id"])[1],
                          lambda key: entries[key]["name"] if key != "open" else None),
    }
    for surface, (body, name_of) in namings.items():
        for key, row in MATRIX.items():
            name = name_of(key)
            if name is not None and (f'"{name}"' in body) != (audience in row.metadata):
                check.problems.append((audience, surface, key, "metadata",
                                       audience in row.metadata))


def _check_resource_search(check, crawler, audience):
    """resource_search by URL or by name finds no file the audience may not use."""
    for key in MATRIX:
        _, body = crawler.api("resource_search", query=f"url:{url_marker(key)}")
        check.expect(audience, "resource_search url", key, body,
                     data=audience in MATRIX[key].data, exact=False)
        check.expect_files(audience, "resource_search url", key, body, exact=False)
        _, body = crawler.api("resource_search", query="name:数据")
        assert not any(_found(body, url_marker(k)) and audience not in MATRIX[k].data
                       for k in MATRIX), (audience, "resource_search name")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_f3_f16_permission_matrix_per_file_over_every_surface(app, world, sysadmin, audience):
    """One audience's row of the matrix over every surface; each audience is its own test, so
    a failure names who saw what."""
    entries, tokens = world
    _link_from_open_entry(entries, sysadmin)
    check = Expectations()
    crawler = Crawler(app, tokens.get(audience))
    for key, entry in entries.items():
        _check_entry_pages(check, crawler, audience, key, entry)
        for resource in entry["resources"]:
            _check_resource(check, crawler, audience, key, entry, resource)
        _check_entry_documents(check, crawler, audience, key, entry)
        _check_history(check, crawler, audience, key, entry, sysadmin)
    _check_searches(check, crawler, audience)
    _check_listings(check, crawler, audience, entries)
    _check_namings(check, crawler, audience, entries)
    _check_resource_search(check, crawler, audience)
    assert check.problems == [], "\n".join(map(str, check.problems))


def test_f3_class_change_takes_effect_in_search_and_feeds_at_once(app, world, sysadmin):
    entries, tokens = world
    entry = entries["cond_both"]
    crawler = Crawler(app, None)

    def public_sees() -> tuple[bool, bool]:
        search = crawler.api("package_search", q="矩阵条目", rows=50)[1]
        feed = crawler.get("/catalog.ttl")[1]
        marker = title_marker("cond_both")
        return marker in search, marker in feed

    assert public_sees() == (True, True)
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=entry["id"],
                        open_class="not_open", open_conditions="",
                        resources=_without_open_files(entry))
    assert public_sees() == (False, False)
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=entry["id"],
                        open_class="conditional", open_conditions="须申请")
    assert public_sees() == (True, True)


def test_f3_old_activities_follow_a_class_change(app, world, sysadmin):
    entries, tokens = world
    entry = entries["open"]
    crawler = Crawler(app, tokens["citizen"])
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=entry["id"],
                        open_class="not_open", open_reason="调整", open_legal_basis=LEGAL_BASIS,
                        resources=_without_open_files(entry))
    body = crawler.api("organization_activity_list", id="dcf-owner")[1]
    assert title_marker("open") not in body
    body = crawler.api("recently_changed_packages_activity_list")[1]
    assert title_marker("open") not in json.dumps(body)


def _without_open_files(entry: dict) -> list[dict]:
    """The entry's files with the open version relabelled: a not-open entry has none; the
    file, now gated, becomes an upstream (a link would be refused, issue 16 item 3)."""
    return portal_served([dict(r, audience="shared" if r["audience"] == "open"
                               else r["audience"]) for r in entry["resources"]],
                         "unconditional", "not_open")


def test_f16_closing_an_entry_must_relabel_its_open_files(world, sysadmin):
    entries, _tokens = world
    entry = entries["open"]
    with pytest.raises(ValidationError) as raised:
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id=entry["id"], open_class="not_open", open_reason="调整",
                            open_legal_basis=LEGAL_BASIS)
    assert sorted(raised.value.error_dict) == ["audience", "resources"]
    assert "File 1 is for the public" in raised.value.error_dict["audience"][0]
    # the open file is a link, which a closed entry may not have either (issue 16 item 3)
    assert "it is a link" in str(raised.value.error_dict["resources"])


def test_f16_an_unknown_audience_is_a_field_error(world, sysadmin):
    entries, _tokens = world
    entry = entries["open"]
    with pytest.raises(ValidationError) as raised:
        helpers.call_action("resource_patch", context={"user": sysadmin["name"]},
                            id=entry["resources"][0]["id"], audience="everyone")
    assert "audience" in str(raised.value.error_dict)


def test_f16_an_open_file_on_a_not_open_entry_is_refused(world, sysadmin):
    entries, _tokens = world
    entry = entries["gov_only"]
    for action, data in (
            ("resource_create", {"package_id": entry["id"], "name": "开放版", "audience": "open",
                                 "url": "https://files.example.gov.cn/x.csv"}),
            ("resource_patch", {"id": entry["resources"][0]["id"], "audience": "open"}),
            ("package_patch", {"id": entry["id"], "resources": [
                dict(r, audience="open") for r in entry["resources"]]})):
        with pytest.raises(ValidationError) as raised:
            helpers.call_action(action, context={"user": sysadmin["name"]}, **data)
        assert "audience" in str(raised.value.error_dict), action
        assert "for the public" in str(raised.value.error_dict), action
