"""The leak sweep of issue 14 (F-3, F-13): every audience × every class row × every surface.

Each catalog entry carries unique markers: its title, tag, resource format, name and id
(metadata and existence) and the URL of each of its two resources (data). Audiences read every
action (CKAN's action registry, enumerated at run time) and every page that returns entries,
resources, activities, tags or members; a marker that reaches an audience the policy
(``policy.visibility.may_see_metadata`` / ``may_see_data``, plus the rules below for deleted,
unpublished and pending changes and one-file grants) does not allow is a leak. A hidden entry
must also answer exactly like a missing one (status; for the API the error too). Every leak,
5xx and blind spot is collected and reported in one assertion; a read action or GET page the
sweep neither reads nor lists in ``NOT_SWEPT_ACTIONS`` / ``NOT_SWEPT_PAGES`` with a reason fails
it too, so a new surface cannot slip past.

Keeping it to a few minutes: the sweep is one test, so the world is built once. Audiences that
may see every marker (the owner department, the Bureau) cannot be leaked to: they read two
surfaces per row and no listing (the sysadmin reads every listing, and every surface on three
rows, to show each surface works). Resource B is asked apart only where a one-file grant rules
the two resources differently. An audience that is a variant of another (same rights but on its
own rows, reached another way: a revoked or expired grantee, a pending applicant, a one-file
grantee, a cookie session) reads every surface on its own rows and the core surfaces elsewhere,
and the listings a grant or request can change.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
import time
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

from ckanext.dongchang.access.rules import visibility as policy
from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Api, browser_session
from tests.conftest import PLUGINS
from tests.entries import class_fields, create_entry, entry_dict
from tests.grants import sign_agreement
from tests.servers import UpstreamServer

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    # Ordinary users may create organisations: membership of one must give them nothing.
    pytest.mark.ckan_config("ckan.auth.user_create_organizations", "true"),
    # The DCAT cache is on (it is off in the rest of the suite): it must hold nothing gated.
    pytest.mark.ckan_config("ckanext.dongchang.dcat_cache_seconds", "3600"),
]

PUBLIC, GOVERNMENT, OWNER, GRANTEE, BUREAU = (
    policy.PUBLIC, policy.GOVERNMENT, policy.OWNER, policy.GRANTEE, policy.BUREAU)
PASSWORD = "swp-Passw0rd-2026"


# --- the class rows ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One kind of entry: its classes and where it is in the catalog workflow."""

    share_class: str
    open_class: str
    state: str = "published"  # or draft, submitted, returned, deleted, revised (pending edit)

    @property
    def published(self) -> bool:
        return self.state in ("published", "revised")


ROWS = {
    # DESIGN §4, published
    "open": Row("unconditional", "unconditional"),
    "condopen": Row("unconditional", "conditional"),
    "condboth": Row("conditional", "conditional"),
    "govonly": Row("unconditional", "not_open"),
    "condshare": Row("conditional", "not_open"),
    "closed": Row("not_shared", "not_open"),
    # the workflow: open by class, so only the state keeps them from the public
    "draft": Row("unconditional", "unconditional", "draft"),
    "submitted": Row("unconditional", "unconditional", "submitted"),
    "returned": Row("unconditional", "unconditional", "returned"),
    "deleted": Row("unconditional", "unconditional", "deleted"),
    # a published open entry whose department changed its title and a URL since (item 10):
    # the change is the department's until the Bureau approves it
    "revised": Row("unconditional", "unconditional", "revised"),
}
PRODUCT = "product"  # a public data product citing the not-open source "condshare"


# --- the audiences -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Audience:
    """Who the viewer is to entries of the owning department, and which grants they hold.

    ``grants`` maps a row to the resources the grant covers ("all", or resource letters).
    """

    roles: frozenset[str]
    grants: dict[str, str] = field(default_factory=dict)
    kind: str = "open"  # its requests' kind: an open request's grant covers open files only
    cookie: bool = False  # a browser session instead of an API token
    # A variant of another audience (same rights on every row but its own rows, reached another
    # way): it reads every surface on its own rows and the core surfaces on the others.
    own_rows: tuple[str, ...] | None = None


_P, _G = frozenset({PUBLIC}), frozenset({PUBLIC, GOVERNMENT})
AUDIENCES = {
    "anonymous": Audience(_P),
    "citizen": Audience(_P),
    "company": Audience(_P, own_rows=("condboth",)),  # its request is still pending
    "selfmade": Audience(_P),  # admin of an organisation it created itself: not a department
    "othereditor": Audience(_G),
    "otheradmin": Audience(_G, own_rows=()),  # as othereditor, with member management
    "uniteditor": Audience(_G),  # affiliated unit of the owner: rights do not cascade
    "ownereditor": Audience(_G | {OWNER}),
    "owneradmin": Audience(_G | {OWNER}),
    "bureauadmin": Audience(_G | {BUREAU}),  # admin of the Bureau's organisation, no sysadmin
    "sysadmin": Audience(_G | {BUREAU}),
    "granteecitizen": Audience(_P, {"condopen": "all", "condboth": "all"}),
    "granteegov": Audience(_G, {"condboth": "all", "condshare": "all"}, kind="share"),
    "granteegovcookie": Audience(_G, {"condboth": "all", "condshare": "all"}, kind="share",
                                 cookie=True, own_rows=("condboth", "condshare")),
    "onefile": Audience(_P, {"condboth": "a"}, own_rows=("condboth",)),  # resource A only
    "revoked": Audience(_P, own_rows=("condboth",)),  # its grant on condboth was revoked
    "expired": Audience(_P, own_rows=("condboth",)),  # valid until yesterday
}
# The user behind a cookie audience (same account, other way in).
SAME_USER = {"granteegovcookie": "granteegov"}


def viewer(audience: str, key: str) -> frozenset[str]:
    spec = AUDIENCES[audience]
    return spec.roles | ({GRANTEE} if key in spec.grants else set())


def may_see_metadata(audience: str, key: str, pending: bool = False) -> bool:
    """The oracle: policy.visibility, with deleted and pending changes for insiders only."""
    row = ROWS[key]
    published = row.published and row.state != "deleted" and not pending
    return policy.may_see_metadata(viewer(audience, key), row.share_class, row.open_class,
                                   published)


def file_audience(key: str, resource: str) -> str:
    """Who each file is for (issue 16): A the entry's widest version, B the shared version
    where the open one is conditional (so open and share grants differ), C the department's
    own file."""
    row = ROWS[key]
    if resource == "c":
        return "owner"
    if resource == "b" and key in ("condopen", "condboth"):
        return "shared"
    return policy.file_audiences_allowed(row.share_class, row.open_class)[0]


def _file_rights(audience: str, key: str, resource: str, pending: bool) -> tuple[bool, bool]:
    """(may know of the file, may use its data), by policy.visibility's per-file rules."""
    if not may_see_metadata(audience, key, pending):
        return False, False
    row, seen_by, spec = ROWS[key], viewer(audience, key), AUDIENCES[audience]
    published = row.published and row.state != "deleted" and not pending
    declared = file_audience(key, resource)
    scope = spec.grants.get(key, "")
    covered = ((scope == "all" or resource in scope)
               and policy.GRANTABLE_FILES.get(spec.kind) == declared)
    args = (seen_by, row.share_class, row.open_class, published, declared, covered)
    return policy.file_listed(*args), policy.may_use_file(*args)


def may_see_data(audience: str, key: str, resource: str, pending: bool = False) -> bool:
    return _file_rights(audience, key, resource, pending)[1]


def is_upstream(key: str, resource: str) -> bool:
    """A gated file is a registered upstream (``tests.entries.portal_served``): its URL marker
    is the address only the portal calls, which no audience may ever read."""
    row = ROWS[key]
    return policy.file_is_gated(file_audience(key, resource), row.share_class, row.open_class)


def may_know_file(audience: str, key: str, resource: str) -> bool:
    return _file_rights(audience, key, resource, False)[0]


# --- markers -----------------------------------------------------------------------------------
MARKER = re.compile(r"swp[a-z0-9]+q", re.IGNORECASE)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def marker(kind: str, key: str) -> str:
    return f"swp{kind}{key}q"


@dataclass(frozen=True)
class Marker:
    row: str
    kind: str  # title, tag, format, name, id, url_a, url_b, new_title, new_url_a, request_id
    allowed: frozenset[str]  # audiences that may see it


def build_markers(world: World) -> dict[str, Marker]:
    """Every marker string (lower case) → what it belongs to and who may see it."""
    found: dict[str, Marker] = {}

    def add(text: str, key: str, kind: str, allowed: Callable[[str], bool]) -> None:
        found[text.lower()] = Marker(key, kind, frozenset(a for a in AUDIENCES if allowed(a)))

    for key in ROWS:
        entry = world.entries[key]
        for kind in ("title", "tag", "format", "name"):
            add(marker(kind, key), key, kind, lambda a, k=key: may_see_metadata(a, k))
        add(entry["id"], key, "id", lambda a, k=key: may_see_metadata(a, k))
        for letter in "abc":
            if is_upstream(key, letter):  # issue 16 item 3: the address reaches nobody at all
                add(marker(f"url{letter}", key), key, f"upstream_{letter}", lambda a: False)
            else:
                add(marker(f"url{letter}", key), key, f"url_{letter}",
                    lambda a, k=key, r=letter: may_see_data(a, k, r))
        # the department's own file: its name and id reach nobody else (issue 16)
        add(marker("filec", key), key, "file_c", lambda a, k=key: may_know_file(a, k, "c"))
        add(entry["resources"][2]["id"], key, "id_c",
            lambda a, k=key: may_know_file(a, k, "c"))
    add(marker("newtitle", "revised"), "revised", "new_title",
        lambda a: may_see_metadata(a, "revised", pending=True))
    add(marker("newurla", "revised"), "revised", "new_url_a",
        lambda a: may_see_data(a, "revised", "a", pending=True))
    for kind in ("title", "name"):
        add(marker(kind, PRODUCT), PRODUCT, kind, lambda a: True)
    add(world.product["id"], PRODUCT, "id", lambda a: True)
    # The grant a product rests on is named only to those who may see the source.
    add(world.product_grant_id, "condshare", "request_id",
        lambda a: may_see_metadata(a, "condshare"))
    return found


# --- the world ---------------------------------------------------------------------------------
@dataclass
class World:
    entries: dict[str, dict]
    users: dict[str, dict]
    tokens: dict[str, str]
    activities: dict[str, tuple[str, str]]  # row -> (first, latest) activity ids
    product: dict
    product_grant_id: str
    requests: dict[str, str]  # audience -> id of its access request
    org_activities: tuple[str, str]  # the owner department's first and latest activity
    tender_id: str
    merge_task_id: str = ""  # duplicates marked for merging (Art. 15)


@functools.cache
def _upstream() -> UpstreamServer:
    """The department's data server behind every gated file (issue 16 item 3): it answers,
    so a download the portal lets through is a 200 with bytes that carry no marker."""
    return UpstreamServer("镇街,数量\n古楼街道,1\n".encode())


def _resources(key: str) -> list[dict]:
    return [{"name": (f"资源{letter.upper()} {marker('title', key)}" if letter != "c"
                      else f"内部资源 {marker('filec', key)}"),
             ("upstream_url" if is_upstream(key, letter) else "url"): (
                 f"{_upstream().url if is_upstream(key, letter) else 'https://files.example.gov.cn'}"
                 f"/{marker('url' + letter, key)}.csv"),
             "format": marker("format", key) if letter == "a" else "CSV",
             "audience": file_audience(key, letter)}
            for letter in "abc"]


def _entry_fields(key: str) -> dict:
    row = ROWS[key]
    fields = dict(class_fields(row.share_class, row.open_class),
                  name=marker("name", key), title=f"全量巡检条目 {marker('title', key)}",
                  tag_string=marker("tag", key), resources=_resources(key),
                  issued=(dt.date.today() - dt.timedelta(days=30)).isoformat())
    if row.state in ("draft", "submitted", "returned"):
        fields.pop("catalog_state", None)
    return fields


def _build_world(app) -> World:
    owner = factories.Organization(name="swp-owner", title="巡检主管部门")
    factories.Organization(name="swp-other", title="巡检其他部门")
    factories.Organization(name="swp-unit", title="巡检归口单位", parent_department="swp-owner")
    factories.Organization(name="swp-bureau", title="巡检大数据局", is_bureau="true")
    sysadmin = factories.Sysadmin(name="swp-sysadmin")
    users = {"sysadmin": sysadmin}
    for name in AUDIENCES:
        if name not in ("anonymous", "sysadmin") and name not in SAME_USER:
            users[name] = factories.User(name=f"swp-{name}", email=f"{name}@example.com",
                                         password=PASSWORD)
    for name, org, role in [("othereditor", "swp-other", "editor"),
                            ("otheradmin", "swp-other", "admin"),
                            ("uniteditor", "swp-unit", "editor"),
                            ("ownereditor", "swp-owner", "editor"),
                            ("owneradmin", "swp-owner", "admin"),
                            ("bureauadmin", "swp-bureau", "admin"),
                            ("granteegov", "swp-other", "member")]:
        helpers.call_action("organization_member_create", id=org, username=users[name]["name"],
                            role=role)
    api = {name: Api(app, user) for name, user in users.items()}
    # A self-made organisation, created over the API by an ordinary user.
    api["selfmade"].ok("organization_create", name="swp-selfmade", title="自建组织")

    entries = {}
    for key, row in ROWS.items():
        creator = "ownereditor" if row.state in ("draft", "submitted", "returned") else None
        fields = _entry_fields(key)
        if creator:
            entries[key] = api[creator].ok("package_create", owner_org=owner["id"],
                                           **_complete(fields))
        else:
            entries[key] = create_entry(sysadmin, owner["id"], **fields)
    editor = api["ownereditor"]
    editor.ok("dongchang_catalog_submit", id=entries["submitted"]["id"])
    editor.ok("dongchang_catalog_submit", id=entries["returned"]["id"])
    api["sysadmin"].ok("dongchang_catalog_review", id=entries["returned"]["id"],
                       decision="return", reason="请补充数据项")
    revised = entries["revised"]
    # The department edits the published entry as its form does: the whole entry, changed.
    changed = editor.ok("package_show", id=revised["id"])
    changed["title"] = f"全量巡检条目 {marker('newtitle', 'revised')}"
    changed["resources"][0]["url"] = (
        f"https://files.example.gov.cn/{marker('newurla', 'revised')}.csv")
    response = editor.post("package_update", status=None, **changed)
    print(response)
    # A published entry leaves the catalog only by the Bureau (issue 17 item 5).
    editor.error("package_delete", status=403, id=entries["deleted"]["id"])
    api["sysadmin"].ok("package_delete", id=entries["deleted"]["id"])
    # Group membership, follows, a relationship, a change event, a tender: more surfaces.
    factories.Group(name="swp-group")
    for key, entry in entries.items():
        helpers.call_action("member_create", id="swp-group", object=entry["id"],
                            object_type="package", capacity="public")
        if key != "deleted":
            editor.ok("follow_dataset", id=entry["id"])
    helpers.call_action("package_relationship_create", subject=entries["open"]["id"],
                        object=entries["closed"]["id"], type="links_to")
    api["owneradmin"].ok("dongchang_catalog_change_create", dataset_id=entries["closed"]["id"],
                         trigger="other", occurred_on=dt.date.today().isoformat(), note="职能调整")
    tender = api["sysadmin"].ok(
        "dongchang_tender_create", title="巡检招标", dataset_ids=[entries["condboth"]["id"]],
        method="public_tender", notice="公告", scope="商业利用",
        bidding_start=(dt.date.today() - dt.timedelta(days=10)).isoformat(),
        bidding_end=(dt.date.today() + dt.timedelta(days=10)).isoformat())

    # Two hidden rows marked as duplicates: the merge task names them to their department and
    # the Bureau only (Art. 15).
    merge_task = api["bureauadmin"].ok("dongchang_duplicate_mark",
                                       entry_id=entries["closed"]["id"],
                                       duplicate_id=entries["condshare"]["id"], note="巡检")
    requests = _grants(api, entries)
    product = api["granteegov"].ok(
        "dongchang_product_register", title=f"巡检产品 {marker('title', PRODUCT)}",
        name=marker("name", PRODUCT), notes="巡检用数据产品。", product_kind="report",
        developer_name="巡检开发者",
        sources=[{"dataset_id": entries["condshare"]["id"],
                  "acquired_on": dt.date.today().isoformat()}])
    tokens = {name: a.headers["Authorization"] for name, a in api.items()}
    return World(entries=entries, users=users, tokens=tokens,
                 activities={key: _activity_ids(e["id"]) for key, e in entries.items()},
                 product=product, product_grant_id=requests["granteegov:condshare"],
                 requests=requests, org_activities=_activity_ids(owner["id"]),
                 tender_id=tender["id"], merge_task_id=merge_task["id"])


def _complete(fields: dict) -> dict:
    """The schema's required fields for an entry created by a department user."""
    data = entry_dict("", **fields)
    data.pop("owner_org")
    data.pop("catalog_state", None)
    return data


def _grants(api: dict[str, Api], entries: dict[str, dict]) -> dict[str, str]:
    """Access requests through the real actions: approved, narrowed, revoked, expired, pending."""
    admin = api["owneradmin"]
    done = {}

    def apply(who: str, key: str, **extra) -> str:
        data = {"dataset_id": entries[key]["id"], "purpose": "social_services",
                "applicant_kind": "citizen", "use_scenario": "巡检用途说明"}
        data.update(extra)
        request = api[who].ok("dongchang_access_request_create",
                              **{k: v for k, v in data.items() if v is not None})
        done[f"{who}:{key}"] = request["id"]
        return request["id"]

    def grant(who: str, request_id: str, **approval) -> None:
        """Approve, and both sign the agreement the grant rests on (Art. 25 ¶4)."""
        admin.ok("dongchang_access_request_approve", id=request_id, **approval)
        sign_agreement(api[who], admin, request_id)

    for key in ("condopen", "condboth"):
        grant("granteecitizen", apply("granteecitizen", key))
    for key in ("condboth", "condshare"):
        request_id = apply("granteegov", key, purpose="duties", applicant_kind=None)
        admin.ok("dongchang_access_request_approve", id=request_id)
    grant("onefile", apply("onefile", "condboth"),
          resource_ids=[entries["condboth"]["resources"][0]["id"]])
    revoked = apply("revoked", "condboth")
    admin.ok("dongchang_access_request_approve", id=revoked)
    admin.ok("dongchang_access_request_revoke", id=revoked, reason="超出约定用途")
    expired = apply("expired", "condboth")
    admin.ok("dongchang_access_request_approve", id=expired)
    model.Session.query(AccessRequest).filter_by(id=expired).update(
        {"valid_from": dt.date.today() - dt.timedelta(days=30),
         "valid_until": dt.date.today() - dt.timedelta(days=1)})
    model.Session.commit()
    apply("company", "condboth", applicant_kind="legal_person", purpose="innovation")
    return done


def _activity_ids(object_id: str) -> tuple[str, str]:
    """The first and the latest activity of an entry or a department."""
    from ckanext.activity.model import Activity

    rows = (model.Session.query(Activity.id).filter(Activity.object_id == object_id)
            .order_by(Activity.timestamp).all())
    return rows[0][0], rows[-1][0]



# --- surfaces ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Probe:
    """What a per-entry surface is asked about: one entry, or (for the baseline) nothing real."""

    id: str
    name: str
    res_a: str
    res_b: str
    first_activity: str
    latest_activity: str
    tag: str

    @classmethod
    def of(cls, world: World, key: str) -> Probe:
        entry = world.entries[key]
        first, latest = world.activities[key]
        return cls(entry["id"], entry["name"], entry["resources"][0]["id"],
                   entry["resources"][1]["id"], first, latest, marker("tag", key))

    @classmethod
    def missing(cls) -> Probe:
        ids = [str(uuid.uuid4()) for _ in range(5)]
        return cls(ids[0], "swpnamemissingq", ids[1], ids[2], ids[3], ids[4],
                   "swptagmissingq")

    def masked(self, text: str) -> str:
        """The answer with the probe's own ids and names blanked (for comparing answers)."""
        for index, value in enumerate((self.id, self.name, self.res_a, self.res_b,
                                       self.first_activity, self.latest_activity, self.tag)):
            text = text.replace(value, f"<{index}>")
        return text


@dataclass(frozen=True)
class Call:
    url: str
    params: dict = field(default_factory=dict)
    post: bool = False  # a JSON POST (actions that are not side-effect free)

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/3/action/")

    def unechoed(self, text: str) -> str:
        """The answer without what the caller put in the request (login redirects and
        language links repeat the URL): only what the site itself tells counts."""
        asked = [str(v) for v in self.params.values()] + re.split(r"[/.]", self.url)
        for value in sorted(asked, key=len, reverse=True):
            if MARKER.fullmatch(value) or UUID.fullmatch(value):
                text = text.replace(value, "<asked>")
        return text


def api(action: str, post: bool = False, **params) -> Call:
    return Call(f"/api/3/action/{action}", params, post)


def page(url: str, **params) -> Call:
    return Call(url, params)


# Per entry: what each surface asks about entry ``p``.
ENTRY_SURFACES: dict[str, Callable[[Probe], Call]] = {
    "package_show": lambda p: api("package_show", id=p.id),
    "resource_show a": lambda p: api("resource_show", id=p.res_a),
    "resource_show b": lambda p: api("resource_show", id=p.res_b),
    "resource_view_list": lambda p: api("resource_view_list", id=p.res_a),
    "package_activity_list": lambda p: api("package_activity_list", id=p.id),
    "activity_show": lambda p: api("activity_show", id=p.latest_activity, include_data="true"),
    "activity_data_show": lambda p: api("activity_data_show", id=p.latest_activity),
    "activity_diff": lambda p: api("activity_diff", id=p.latest_activity,
                                   object_type="package", diff_type="unified"),
    "package_relationships_list": lambda p: api("package_relationships_list", id=p.id),
    "package_collaborator_list": lambda p: api("package_collaborator_list", id=p.id),
    "dataset_follower_count": lambda p: api("dataset_follower_count", id=p.id),
    "dataset_follower_list": lambda p: api("dataset_follower_list", id=p.id),
    "am_following_dataset": lambda p: api("am_following_dataset", id=p.id),
    "dcat_dataset_show": lambda p: api("dcat_dataset_show", post=True, id=p.id, format="ttl"),
    "tag_show": lambda p: api("tag_show", id=p.tag, include_datasets="true"),
    "dongchang_product_list": lambda p: api("dongchang_product_list", dataset_id=p.id),
    "dongchang_product_proposed_source": lambda p: api("dongchang_product_proposed_source",
                                                       dataset_id=p.id),
    "dongchang_duplicate_candidates": lambda p: api("dongchang_duplicate_candidates", id=p.id),
    "dongchang_catalog_change_list": lambda p: api("dongchang_catalog_change_list",
                                                   dataset_id=p.id),
    "dongchang_access_request_list": lambda p: api("dongchang_access_request_list",
                                                   dataset_id=p.id),
    "dongchang_tender_list": lambda p: api("dongchang_tender_list", dataset_id=p.id),
    "page dataset": lambda p: page(f"/dataset/{p.name}"),
    "page resource a": lambda p: page(f"/dataset/{p.name}/resource/{p.res_a}"),
    "page resource b": lambda p: page(f"/dataset/{p.name}/resource/{p.res_b}"),
    "page download a": lambda p: page(f"/dataset/{p.id}/resource/{p.res_a}/download"),
    "page download b": lambda p: page(f"/dataset/{p.id}/resource/{p.res_b}/download/data.csv"),
    "page dataset.ttl": lambda p: page(f"/dataset/{p.name}.ttl"),
    "page dataset.jsonld": lambda p: page(f"/dataset/{p.name}.jsonld"),
    "page dataset.rdf": lambda p: page(f"/dataset/{p.name}.rdf"),
    "page activity": lambda p: page(f"/dataset/activity/{p.name}"),
    "page changes": lambda p: page(f"/dataset/changes/{p.latest_activity}"),
    "page changes_multiple": lambda p: page("/dataset/changes_multiple",
                                            new_id=p.latest_activity, old_id=p.first_activity),
    "page history": lambda p: page(f"/dataset/{p.name}/history/{p.latest_activity}"),
    "page history by id": lambda p: page(f"/dataset/{p.id}/history/{p.latest_activity}"),
    "page resource history a": lambda p: page(
        f"/dataset/{p.id}/resources/{p.res_a}/history/{p.latest_activity}"),
    "page resource history b": lambda p: page(
        f"/dataset/{p.id}/resources/{p.res_b}/history/{p.latest_activity}"),
    "page edit": lambda p: page(f"/dataset/edit/{p.name}"),
    "page resources": lambda p: page(f"/dataset/resources/{p.name}"),
    "page groups": lambda p: page(f"/dataset/groups/{p.name}"),
    "page followers": lambda p: page(f"/dataset/followers/{p.name}"),
    "page request": lambda p: page(f"/dataset/{p.name}/request"),
    "page resource views": lambda p: page(f"/dataset/{p.name}/resource/{p.res_a}/views"),
    "page resource view": lambda p: page(f"/dataset/{p.name}/resource/{p.res_a}/view"),
    "page data-product path": lambda p: page(f"/data-product/{p.name}"),
    "page delete": lambda p: page(f"/dataset/delete/{p.name}"),
    "page resource new": lambda p: page(f"/dataset/{p.name}/resource/new"),
    "page resource edit": lambda p: page(f"/dataset/{p.name}/resource/{p.res_a}/edit"),
    "page resource delete": lambda p: page(f"/dataset/{p.name}/resource/{p.res_a}/delete"),
    "dongchang_catalog_revision_list": lambda p: api("dongchang_catalog_revision_list",
                                                     dataset_id=p.id, include_diff="true"),
    "page tag feed": lambda p: page(f"/feeds/tag/{p.tag}.atom"),
    # the DataStore (issue 16 item 4): its reads by resource id, and its pages
    "datastore_search a": lambda p: api("datastore_search", resource_id=p.res_a),
    "datastore_info a": lambda p: api("datastore_info", id=p.res_a),
    "page datastore dump a": lambda p: page(f"/datastore/dump/{p.res_a}"),
    "page datastore dictionary a": lambda p: page(f"/dataset/{p.id}/dictionary/{p.res_a}"),
    "page datastore api_info a": lambda p: page(f"/datastore/api_info/{p.res_a}"),
}

# What every audience reads on every row; an audience that may see every marker (the owner
# department and the Bureau: nothing can leak to them) reads only ALL_SEEING_SURFACES, which
# show that the sweep sees what it looks for.
CORE_SURFACES = ("package_show", "resource_show a", "resource_show b", "package_activity_list",
                 "activity_show", "activity_data_show", "tag_show", "page dataset",
                 "page resource a", "page download a", "page download b", "page dataset.ttl",
                 "page activity", "page history", "page resource history a",
                 "page resource history b")
ALL_SEEING_SURFACES = ("package_show", "page dataset")
# ... except the sysadmin, who reads every surface on these rows, so each shows it works.
SYSADMIN_ROWS = ("condboth", "closed", "revised")
# Surfaces that show no marker to anyone, and why.
EXPECTED_BLIND = {
    "resource_view_list": "no resource views exist (no view plugin is enabled)",
    "package_collaborator_list": "collaborators are off: refused to everyone",
    "dataset_follower_count": "a number", "am_following_dataset": "a yes or no",
    "dataset_follower_list": "users (sysadmin only)",
    "dongchang_duplicate_candidates": "no candidate is similar enough",
    "page resource view": "no resource views exist",
    "page history by id": "redirects to the page by name (swept), or 404",
    "page data-product path": "entries are not products: 404",
    "dongchang_tender_list": "the tender names none of the sweep's markers",
    **{surface: "the sweep's files are links: no DataStore table exists, every audience gets"
                " 404 (a gated table's answers per audience: tests/delivery/test_datastore.py)"
       for surface in ("datastore_search a", "datastore_info a", "page datastore dump a",
                       "page datastore dictionary a", "page datastore api_info a")},
}


def surfaces_for(audience: str, key: str, all_seeing: bool) -> list[str]:
    if audience == "sysadmin" and key in SYSADMIN_ROWS:
        return list(ENTRY_SURFACES)
    if all_seeing:
        return list(ALL_SEEING_SURFACES)
    own = AUDIENCES[audience].own_rows
    chosen = ENTRY_SURFACES if own is None or key in own else CORE_SURFACES
    # Resource B is asked apart only where some audience may use one resource and not the other
    # (a one-file grant); elsewhere both resources are ruled alike, and A is asked.
    return [surface for surface in chosen
            if not surface.endswith(" b") or _resources_differ(key)]


def _resources_differ(key: str) -> bool:
    return any(may_see_data(a, key, "a") != may_see_data(a, key, "b") for a in AUDIENCES)


# Listings whose answer a grant or a request can change (URLs, the caller's own requests and
# activity, products): a variant audience reads these, the others it shares with its base.
GRANT_LISTINGS = ("package_search fl=* facets", "current_package_list_with_resources",
                  "resource_search name", "resource_search url",
                  "recently_changed_packages_activity_list", "dashboard_activity_list",
                  "user_activity_list me", "dcat_catalog_show", "page catalog.ttl",
                  "page dashboard", "page dashboard datasets", "page user me",
                  "dongchang_workbench", "page workbench",
                  "page my requests", "dongchang_access_request_list mine",
                  "page open-list conditional", "page open-list conditional.json",
                  "dongchang_product_list", "package_show product", "page data-product",
                  "page data-product register", "dongchang_product_citation")


def listings_for(world: World, audience: str) -> dict[str, Call]:
    calls = listing_surfaces(world, audience)
    assert set(GRANT_LISTINGS) <= set(calls), set(GRANT_LISTINGS) - set(calls)
    if AUDIENCES[audience].own_rows is None:
        return calls
    return {surface: call for surface, call in calls.items()
            if surface in GRANT_LISTINGS or surface.startswith(("dongchang_access_request_show",
                                                                "page request "))}


def listing_surfaces(world: World, audience: str) -> dict[str, Call]:
    """Surfaces that list across the catalog: asked once per audience, checked for every row."""
    me = world.users.get(SAME_USER.get(audience, audience), {}).get("name", "swp-nobody")
    editor = world.users["ownereditor"]["name"]
    product = world.product["name"]
    search = {"q": "全量巡检", "rows": 100, "include_private": "true", "include_drafts": "true",
              "include_deleted": "true"}
    calls = {
        "package_search q": api("package_search", **search),
        "package_search fl=* facets": api(
            "package_search", fl="*", **{"facet.field": json.dumps(
                ["tags", "res_format", "res_url", "name", "title", "res_name"])},
            **{k: v for k, v in search.items() if k != "q"}, q="*:*"),
        "package_search fq tags": api("package_search", fq="tags:swp*", rows=100,
                                      include_private="true", include_drafts="true"),
        "package_search sort": api("package_search", sort="title_string asc", rows=100,
                                   include_private="true"),
        "package_search products": api("package_search", fq="dataset_type:data-product",
                                       include_private="true"),
        "package_list": api("package_list"),
        "package_autocomplete": api("package_autocomplete", q="swp", limit=100),
        "current_package_list_with_resources": api("current_package_list_with_resources",
                                                   limit=100),
        "resource_search name": api("resource_search", query="name:swp"),
        "resource_search url": api("resource_search", query="url:swp"),
        "resource_search format": api("resource_search", query="format:swp"),
        "tag_list": api("tag_list", all_fields="true"),
        "tag_search": api("tag_search", query="swp", limit=100),
        "tag_autocomplete": api("tag_autocomplete", q="swp", limit=100),
        "format_autocomplete": api("format_autocomplete", q="swp", limit=100),
        "member_list org packages": api("member_list", id="swp-owner", object_type="package"),
        "member_list group packages": api("member_list", id="swp-group", object_type="package"),
        "organization_show include_datasets": api("organization_show", id="swp-owner",
                                                  include_datasets="true"),
        "group_show include_datasets": api("group_show", id="swp-group",
                                           include_datasets="true"),
        "group_package_show": api("group_package_show", id="swp-group", limit=100),
        "organization_activity_list": api("organization_activity_list", id="swp-owner",
                                          limit=100),
        "group_activity_list": api("group_activity_list", id="swp-group", limit=100),
        "recently_changed_packages_activity_list": api(
            "recently_changed_packages_activity_list", limit=100),
        "dashboard_activity_list": api("dashboard_activity_list", limit=100),
        "user_activity_list editor": api("user_activity_list", id=editor, limit=100),
        "user_activity_list me": api("user_activity_list", id=me, limit=100),
        "user_show editor include_datasets": api("user_show", id=editor,
                                                 include_datasets="true"),
        "dataset_followee_list editor": api("dataset_followee_list", id=editor),
        "followee_list editor": api("followee_list", id=editor),
        "dcat_catalog_show": api("dcat_catalog_show", format="ttl"),
        "dcat_catalog_search": api("dcat_catalog_search", format="ttl", q="*:*"),
        "dongchang_open_list unconditional": api("dongchang_open_list",
                                                 open_class="unconditional", limit=1000),
        "dongchang_open_list conditional": api("dongchang_open_list", open_class="conditional",
                                               limit=1000),
        "dongchang_catalog_list submitted": api("dongchang_catalog_list", state="submitted",
                                                include_checks="true"),
        "dongchang_catalog_list returned": api("dongchang_catalog_list", state="returned"),
        "dongchang_catalog_list draft": api("dongchang_catalog_list", state="draft"),
        "dongchang_catalog_list published": api("dongchang_catalog_list", state="published",
                                                limit=100),
        "dongchang_catalog_export": api("dongchang_catalog_export", org="swp-owner"),
        "dongchang_catalog_change_list": api("dongchang_catalog_change_list"),
        "dongchang_duplicate_task_list": api("dongchang_duplicate_task_list", limit=100),
        "dongchang_duplicate_task_show": api("dongchang_duplicate_task_show",
                                             id=world.merge_task_id),
        "dongchang_evaluation": api("dongchang_evaluation"),
        "dongchang_freshness_list": api("dongchang_freshness_list", limit=100),
        "dongchang_rectification_list": api("dongchang_rectification_list"),
        "dongchang_audit_list": api("dongchang_audit_list"),
        "dongchang_access_log_list": api("dongchang_access_log_list", limit=1000),
        "page access-log": page("/dongchang/access-log"),
        "page access-log.csv": page("/dongchang/access-log.csv"),
        "dongchang_utilisation": api("dongchang_utilisation"),
        "dongchang_access_request_list mine": api("dongchang_access_request_list"),
        "dongchang_workbench": api("dongchang_workbench"),
        "dongchang_portal_figures": api("dongchang_portal_figures"),
        "page workbench": page("/dongchang/workbench"),
        "dongchang_access_request_list inbox": api("dongchang_access_request_list",
                                                   org="swp-owner"),
        "dongchang_tender_list": api("dongchang_tender_list"),
        "dongchang_tender_show": api("dongchang_tender_show", id=world.tender_id),
        "dongchang_product_citation": api("dongchang_product_citation", id=product),
        "dongchang_product_list": api("dongchang_product_list",
                                      dataset_id=world.entries["condshare"]["id"]),
        "package_show product": api("package_show", id=product),
        "page home": page("/"),
        "page search": page("/dataset/", q="全量巡检"),
        "page search all": page("/dataset/"),
        "page search format facet": page("/dataset/", res_format=marker("format", "closed")),
        "page organization": page("/organization/swp-owner"),
        "page organization about": page("/organization/about/swp-owner"),
        "page organization activity": page("/organization/activity/swp-owner"),
        "page organization changes": page(f"/organization/changes/{world.org_activities[1]}"),
        "page organization list": page("/organization/"),
        "page organization requests": page("/organization/swp-owner/requests"),
        "page organization change events": page("/organization/swp-owner/changes"),
        "page organization export.csv": page("/organization/swp-owner/export.csv"),
        "page organization export.xlsx": page("/organization/swp-owner/export.xlsx"),
        "page organization bulk_process": page("/organization/bulk_process/swp-owner"),
        "page organization changes_multiple": page(
            "/organization/changes_multiple", new_id=world.org_activities[1],
            old_id=world.org_activities[0]),
        "dongchang_catalog_revision_list": api("dongchang_catalog_revision_list",
                                               include_diff="true"),
        "page tender edit": page(f"/tender/{world.tender_id}/edit"),
        "page group": page("/group/swp-group"),
        "page group activity": page("/group/activity/swp-group"),
        "page dashboard": page("/dashboard/"),
        "page dashboard datasets": page("/dashboard/datasets"),
        "page user me": page(f"/user/{me}"),
        "page user editor": page(f"/user/{editor}"),
        "page user editor activity": page(f"/user/activity/{editor}"),
        "page feed dataset": page("/feeds/dataset.atom"),
        "page feed organization": page("/feeds/organization/swp-owner.atom"),
        "page feed group": page("/feeds/group/swp-group.atom"),
        "page feed custom": page("/feeds/custom.atom", q="全量巡检"),
        "page catalog.ttl": page("/catalog.ttl"),
        "page catalog.jsonld": page("/catalog.jsonld"),
        "page catalog.rdf": page("/catalog.rdf"),
        "page share-catalog.ttl": page("/share-catalog.ttl"),
        "page open-list unconditional": page("/open-list/unconditional"),
        "page open-list conditional": page("/open-list/conditional"),
        "page open-list unconditional.csv": page("/open-list/unconditional.csv"),
        "page open-list conditional.csv": page("/open-list/conditional.csv"),
        "page open-list unconditional.json": page("/open-list/unconditional.json"),
        "page open-list conditional.json": page("/open-list/conditional.json"),
        "page util tag autocomplete": page("/api/2/util/tag/autocomplete", incomplete="swp"),
        "page util format autocomplete": page("/api/2/util/resource/format_autocomplete",
                                              incomplete="swp"),
        "page util dataset autocomplete": page("/api/2/util/dataset/autocomplete",
                                               incomplete="swp"),
        # issue 17 item 8: the pickers name entries and the caller's own requests
        "dongchang_entry_autocomplete": api("dongchang_entry_autocomplete", q="全量巡检"),
        "page entry picker": page("/dongchang/autocomplete/entries", q="全量巡检"),
        "dongchang_request_autocomplete": api("dongchang_request_autocomplete"),
        "page request picker": page("/dongchang/autocomplete/requests", q=""),
        "page data-product list": page("/data-product/"),
        "page data-product": page(f"/data-product/{product}"),
        "page data-product citation": page(f"/data-product/{product}/citation"),
        "page data-product register": page("/data-product/register",
                                           dataset_id=world.entries["condshare"]["id"]),
        "page my-catalog": page("/dongchang/my-catalog"),
        "page review": page("/dongchang/review"),
        "page changes all": page("/dongchang/changes"),
        "page merges": page("/dongchang/merges"),
        "page merge task": page(f"/dongchang/merges/{world.merge_task_id}"),
        "page evaluation": page("/dongchang/evaluation"),
        "page evaluation.csv": page("/dongchang/evaluation.csv"),
        "page evaluation.xlsx": page("/dongchang/evaluation.xlsx"),
        "page evaluation report": page("/dongchang/evaluation/report"),
        "page evaluation report.xlsx": page("/dongchang/evaluation/report.xlsx"),
        "page audit": page("/dongchang/audit"),
        "page utilisation": page("/dongchang/utilisation"),
        "page my requests": page("/dongchang/requests"),
        "page tenders": page("/tender"),
        "page tender": page(f"/tender/{world.tender_id}"),
        "page trash": page("/ckan-admin/trash"),
    }
    for holder, request_id in world.requests.items():
        calls[f"dongchang_access_request_show {holder}"] = api("dongchang_access_request_show",
                                                              id=request_id)
        calls[f"page request {holder}"] = page(f"/dongchang/request/{request_id}")
    return calls


# --- what the sweep does not read, and why that is safe --------------------------------------
# Read actions (side-effect free) that return no entry, resource, activity, tag or member of an
# entry. Actions that are not side-effect free change state (they are the writes the auth and
# fuzz tests cover); the one read among them, dcat_dataset_show, is swept.
NOT_SWEPT_ACTIONS = {
    "activity_delete_counts": "sysadmin only; counts of activities per type, no content",
    "am_following_group": "a yes/no about a group, not an entry",
    "am_following_user": "a yes/no about a user",
    "api_token_list": "the caller's own tokens",
    "config_option_list": "names of editable site options",
    "config_option_show": "a site option's value (sysadmin)",
    "dashboard_new_activities_count": "a number, counted over the stream the sweep reads",
    "dataset_followee_count": "a number of followed entries",
    "file_owner_scan": "CKAN 2.12 file storage: this catalog links data, it uploads no files",
    "file_show": "CKAN 2.12 file storage: no files exist (resources are links)",
    "followee_count": "a number",
    "get_site_user": "the site user, for internal calls (sysadmin)",
    "group_autocomplete": "group names",
    "group_followee_count": "a number", "group_followee_list": "groups a user follows",
    "group_follower_count": "a number", "group_follower_list": "users following a group",
    "group_list": "groups and their counts (counted by the same labelled search)",
    "group_list_authz": "groups the caller may edit",
    "help_show": "an action's docstring",
    "job_list": "background jobs (sysadmin)", "job_show": "a background job (sysadmin)",
    "license_list": "licences",
    "member_roles_list": "role names",
    "organization_autocomplete": "organisation names",
    "organization_followee_count": "a number",
    "organization_followee_list": "organisations a user follows",
    "organization_follower_count": "a number",
    "organization_follower_list": "users following an organisation",
    "organization_list": "departments and their counts (counted by the labelled search)",
    "organization_list_for_user": "the caller's organisations",
    "package_collaborator_list_for_user": "collaborators are off (ckan.auth.allow_dataset_"
                                          "collaborators false): always empty",
    "resource_view_show": "needs a view id; entries here have no views (resource_view_list "
                          "is swept)",
    "scheming_dataset_schema_list": "schema names", "scheming_dataset_schema_show": "a schema",
    "scheming_organization_schema_list": "schema names",
    "scheming_organization_schema_show": "a schema",
    "status_show": "site version and plugins",
    "task_status_show": "a background task's status (sysadmin)",
    "term_translation_show": "translated vocabulary terms",
    "user_autocomplete": "user names", "user_followee_count": "a number",
    "user_followee_list": "users a user follows", "user_follower_count": "a number",
    "user_follower_list": "users following a user",
    "user_list": "users with counts of their public entries",
    "vocabulary_list": "tag vocabularies: the catalog uses free tags (swept), none exist",
    "vocabulary_show": "a tag vocabulary: none exist",
}
# GET pages (Flask endpoints) that show no entry, resource, activity, tag or member.
NOT_SWEPT_PAGES = {
    "static": "static files", "webassets.index": "scripts and styles",
    "home.about": "site text", "home.robots_txt": "robots.txt",
    "home.redirect_locale": "redirects an old locale prefix to the same path",
    "api.get_api": "API version", "api.i18n_js_translations": "interface strings",
    "api.group_autocomplete": "group names", "api.organization_autocomplete": "department names",
    "api.user_autocomplete": "user names",
    "admin.index": "site settings (sysadmin)", "admin.config": "site settings (sysadmin)",
    "admin.reset_config": "a confirmation form (sysadmin)",
    "activity.admin_activities": "activity counts per type (sysadmin)",
    "activity.dashboard_testing": "CKAN's test route for the dashboard view (swept)",
    "activity.group_changes": "changes of a group's own fields, not of entries",
    "activity.group_changes_multiple": "changes of a group's own fields, not of entries",
    "dashboard.groups": "the caller's groups", "dashboard.organizations": "the caller's "
                                                                           "departments",
    "dataset.new": "an empty form", "data-product.new": "an empty form",
    "dcat.new": "an empty form (ckanext-dcat's /dataset/new under content negotiation)",
    "dataset.read": "shadowed by ckanext-dcat's content negotiation: /dataset/<id> is served by"
                    " dcat.read_dataset, which renders this page for HTML clients (swept as"
                    " 'page dataset') and for RDF clients calls dcat_dataset_show, as the swept"
                    " .ttl/.rdf/.jsonld pages do",
    "dataset_resource.edit_view": "a view form: entries here have no views",
    "resource.edit_view": "a view form: entries here have no views",
    "data-product_resource.edit_view": "a view form: products have no views",
    "data-product.follow": "POST", "data-product.unfollow": "POST",
    "dcat.read_dataset_series": "dataset series only: entries are not series (404, seen in"
                                " an earlier sweep)",
    "data-product_resource.read": "CKAN's resource view for the product type: entries are not"
                                  " products (404, seen in an earlier sweep; products have no"
                                  " resources)",
    "data-product.edit": "CKAN's dataset view for the product type (swept under /dataset/)",
    "data-product.delete": "CKAN's dataset view for the product type (swept under /dataset/)",
    "data-product.resources": "CKAN's dataset view for the product type (swept under /dataset/)",
    "data-product.groups": "CKAN's dataset view for the product type (swept under /dataset/)",
    "data-product.followers": "CKAN's dataset view for the product type (swept under "
                              "/dataset/)",
    "data-product_resource.new": "CKAN's resource view for the product type (swept under "
                                 "/dataset/)",
    "data-product_resource.edit": "CKAN's resource view for the product type (swept under "
                                  "/dataset/)",
    "data-product_resource.delete": "CKAN's resource view for the product type (swept under "
                                    "/dataset/)",
    "data-product_resource.download": "CKAN's resource view for the product type (swept under "
                                      "/dataset/)",
    "data-product_resource.views": "CKAN's resource view for the product type (swept under "
                                   "/dataset/)",
    "data-product_resource.view": "CKAN's resource view for the product type (swept under "
                                  "/dataset/)",
    "file.download": "CKAN 2.12 file storage: no files exist (resources are links)",
    "file.public_download": "CKAN 2.12 file storage: no files exist",
    "file.trusted_download": "CKAN 2.12 file storage: no files exist",
    "group.index": "groups", "group.about": "a group's own fields",
    "group.admins": "users", "group.bulk_process": "groups hold no private entries here; the "
                                                   "department's page is swept",
    "group.delete": "a confirmation form", "group.edit": "a group's own fields",
    "group.followers": "users", "group.manage_members": "users", "group.member_delete": "users",
    "group.member_dump": "users", "group.member_new": "users", "group.members": "users",
    "group.new": "an empty form",
    "organization.admins": "users", "organization.delete": "a confirmation form",
    "organization.edit": "the department's own fields", "organization.followers": "users",
    "organization.manage_members": "users", "organization.member_delete": "users",
    "organization.member_dump": "users (a CSV of members)", "organization.member_new": "users",
    "organization.members": "users", "organization.new": "an empty form",
    "user.index": "users with counts of their public entries", "user.read_groups": "groups",
    "user.read_organizations": "departments", "user.api_tokens": "the caller's tokens",
    "user.edit": "the caller's account", "user.delete": "a confirmation form",
    "user.followers": "users", "user.logged_out_page": "a message", "user.login": "a form",
    "user.logout": "logs out", "user.me": "redirects to the caller's page (swept)",
    "user.register": "a form", "user.request_reset": "a form", "user.perform_reset": "a form",
    "util.internal_redirect": "a redirect", "util.custom_form_fields": "CKAN's test form",
    "util.primer": "CKAN's style primer",
    "dongchang_dcat.ns_vocabulary": "the vocabulary of our DCAT terms",
    "dongchang_dcat.legal_basis_page": "the text of a legal basis of a public entry; any other"
                                       " answers 404 (tests/dcat/test_recommended.py)",
    "dongchang_catalog.import_catalog": "an upload form for the department",
    "dongchang_tenders.new": "the Bureau's form; it lists published conditional entries only"
                             " to the Bureau (auth)",
}

# --- the sweep ---------------------------------------------------------------------------------
def _text(response) -> str:
    """Everything a client receives: headers, and the body (spreadsheets unzipped)."""
    data = response.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            body = "\n".join(archive.read(name).decode("utf-8", "replace")
                             for name in archive.namelist() if name.endswith(".xml"))
    else:
        body = data.decode("utf-8", "replace")
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return f"{headers}\n{body}"


class Sweep:
    """Asks every surface as every audience; keeps every leak, and what each surface showed."""

    def __init__(self, app, world: World, markers: dict[str, Marker]):
        self.app, self.world, self.markers = app, world, markers
        self.leaks: set[tuple[str, str, str, str]] = set()  # surface, row, kind, audience
        self.found: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.baselines: dict[tuple[str, str], tuple] = {}
        self.visited: set[str] = set()
        self.sessions: dict[str, object] = {}
        self.cost: dict[str, float] = defaultdict(float)
        self.crashes: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.requests = 0
        self.missing = Probe.missing()

    def client(self, audience: str):
        if AUDIENCES[audience].cookie:
            if audience not in self.sessions:
                name = self.world.users[SAME_USER[audience]]["name"]
                self.sessions[audience] = browser_session(self.app, name, PASSWORD)
            return self.sessions[audience], {}
        token = self.world.tokens.get(audience)
        return self.app, ({"Authorization": token} if token else {})

    def ask(self, audience: str, surface: str, call: Call) -> tuple[int, str]:
        """The answer (status, text); an uncaught error is kept as a crash, and the sweep goes
        on (the test client raises what a server would answer with a 500)."""
        client, headers = self.client(audience)
        self.requests += 1
        self.visited.add(call.url)
        started = time.monotonic()
        try:
            if call.post:
                response = client.post(call.url, json=call.params, headers=headers,
                                       follow_redirects=False)
            else:
                response = client.get(call.url, query_string=call.params, headers=headers,
                                      follow_redirects=False)
        except Exception as error:  # noqa: BLE001 - every crash is reported, not the first
            model.Session.rollback()
            self.crashes[(surface, f"{type(error).__name__}: {str(error)[:120]}")].add(audience)
            return 500, ""
        self.cost[surface.split(" (")[0]] += time.monotonic() - started
        if response.status_code >= 500:
            self.crashes[(surface, f"HTTP {response.status_code}")].add(audience)
        return response.status_code, call.unechoed(_text(response))

    def scan(self, audience: str, surface: str, text: str) -> None:
        tokens = {t.lower() for t in MARKER.findall(text)} | {
            t.lower() for t in UUID.findall(text)}
        for token in tokens:
            found = self.markers.get(token)
            if found is None:
                continue
            self.found[(audience, surface, found.row)].add(found.kind)
            if audience not in found.allowed:
                self.leaks.add((surface, found.row, found.kind, audience))

    def listing(self, audience: str, surface: str, call: Call) -> None:
        _, text = self.ask(audience, surface, call)
        self.scan(audience, surface, text)

    def entry(self, audience: str, surface: str, key: str, build: Callable[[Probe], Call]) -> None:
        probe = Probe.of(self.world, key)
        status, text = self.ask(audience, surface, build(probe))
        answer = probe.masked(text)
        self.scan(audience, surface, answer)
        if not may_see_metadata(audience, key):
            is_api = build(probe).is_api
            if self._answer(status, answer, is_api) != self.baseline(audience, surface, build):
                self.leaks.add((surface, key, f"exists (answers {status}, unlike a missing "
                                              "one)", audience))

    def baseline(self, audience: str, surface: str, build: Callable[[Probe], Call]) -> tuple:
        if (audience, surface) not in self.baselines:
            call = build(self.missing)
            status, text = self.ask(audience, f"{surface} (missing)", call)
            self.baselines[(audience, surface)] = self._answer(
                status, self.missing.masked(text), call.is_api)
        return self.baselines[(audience, surface)]

    @staticmethod
    def _answer(status: int, masked: str, is_api: bool) -> tuple:
        """What must not differ between a hidden and a missing entry: the status, and for the
        API the error itself (pages differ in incidental markup, so only their status and
        redirect target count)."""
        if is_api:
            return status, _api_error(masked)
        return status, tuple(re.findall(r"^Location: (.*)$", masked, re.MULTILINE))

    def report(self) -> list[str]:
        grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for surface, row, kind, audience in sorted(self.leaks):
            grouped[(surface, row, kind)].append(audience)
        return [f"{surface}: {row} {kind} -> {', '.join(audiences)}"
                for (surface, row, kind), audiences in sorted(grouped.items())]

    def crash_report(self) -> list[str]:
        return [f"{surface}: 5xx {error} -> {', '.join(sorted(audiences))}"
                for (surface, error), audiences in sorted(self.crashes.items())]

    def blind_spots(self) -> list[str]:
        """The sweep must see what it looks for: package_show shows every allowed marker, and
        every per-entry surface shows some marker to someone (or says why it cannot)."""
        seen = {surface for (_, surface, _) in self.found}
        blind = [f"{surface}: showed no marker to anyone (add it to EXPECTED_BLIND with why)"
                 for surface in ENTRY_SURFACES
                 if surface not in seen and surface not in EXPECTED_BLIND]
        for audience in AUDIENCES:
            for key, row in ROWS.items():
                if row.state in ("deleted", "revised"):
                    continue
                seen = self.found.get((audience, "package_show", key), set())
                expected = {"title"} if may_see_metadata(audience, key) else set()
                expected |= {f"url_{r}" for r in "ab" if may_see_data(audience, key, r)
                             and not is_upstream(key, r)}
                if expected - seen:
                    blind.append(f"package_show: {key} {sorted(expected - seen)} not seen by "
                                 f"{audience}")
        return blind


def _api_error(masked: str) -> str:
    body = masked[masked.find("{"):] if "{" in masked else masked
    try:
        return json.dumps(json.loads(body).get("error"), sort_keys=True, ensure_ascii=False)
    except (ValueError, AttributeError):
        return body


def unclassified(app, visited: set[str]) -> list[str]:
    """Read actions and GET pages that the sweep neither asked nor lists as safe, with why."""
    from ckan.logic import _actions  # the registry itself: the only complete list of actions

    reads = {name for name, action in _actions.items()
             if getattr(action, "side_effect_free", False)}
    asked = {url.rsplit("/", 1)[-1] for url in visited if url.startswith("/api/3/action/")}
    problems = [f"action {name}: not swept and not listed in NOT_SWEPT_ACTIONS"
                for name in sorted(reads - asked - set(NOT_SWEPT_ACTIONS))]
    url_map = app.flask_app.url_map
    adapter = url_map.bind("test.ckan.net")
    swept_rules = set()
    for url in visited:
        try:
            rule, _ = adapter.match(url, method="GET", return_rule=True)
        except Exception:  # noqa: BLE001 - a URL no GET route serves is simply not a page
            continue
        swept_rules.add(rule.rule)
    # An endpoint is swept when a URL of one of its rules was asked (CKAN registers some rules
    # twice, and the extension overrides some of CKAN's with the same rule).
    rules = [rule for rule in url_map.iter_rules() if "GET" in rule.methods]
    pages = ({rule.endpoint for rule in rules}
             - {rule.endpoint for rule in rules if rule.rule in swept_rules})
    problems += [f"page {endpoint}: not swept and not listed in NOT_SWEPT_PAGES"
                 for endpoint in sorted(pages - set(NOT_SWEPT_PAGES))]
    return problems


def dcat_cache_leaks(markers: dict[str, Marker]) -> list[str]:
    """Every document in the DCAT cache, and every entry's kept Turtle, was answered to
    somebody anonymous: a marker only other audiences may see must not be in any of them
    (issue 20 item 1)."""
    client = connect_to_redis()
    prefix = f"{tk.config['ckan.site_id']}:dongchang:dcat"
    kept = {"cached document": [client.hget(key, "body")
                                for key in client.keys(f"{prefix}:doc:*")],
            "kept entry rendering": [client.get(key) for key in client.keys(f"{prefix}:entry:*")]}
    problems = []
    for kind, values in kept.items():
        documents = [(value or b"").decode("utf-8", "replace").lower() for value in values]
        problems += [f"DCAT cache: {found.row} {found.kind} in a {kind}"
                     for text, found in markers.items() if "anonymous" not in found.allowed
                     and any(text in document for document in documents)]
        if not documents:
            problems.append(f"DCAT cache: the sweep left no {kind} (is the cache on?)")
    return sorted(set(problems))


@pytest.mark.usefixtures("with_plugins", "dongchang_db")
def test_f3_leak_sweep_every_audience_class_row_and_surface(app):
    client = connect_to_redis()
    for key in client.keys(f"{tk.config['ckan.site_id']}:dongchang:dcat:*"):
        client.delete(key)
    started = time.monotonic()
    world = _build_world(app)
    built = time.monotonic() - started
    sweep = Sweep(app, world, build_markers(world))
    markers = sweep.markers.values()
    for audience in AUDIENCES:
        all_seeing = all(audience in found.allowed for found in markers)
        if audience == "sysadmin" or not all_seeing:
            for surface, call in listings_for(world, audience).items():
                sweep.listing(audience, surface, call)
        for key in ROWS:
            for surface in surfaces_for(audience, key, all_seeing):
                sweep.entry(audience, surface, key, ENTRY_SURFACES[surface])
    leaks = sweep.report()
    problems = leaks + sweep.crash_report() + sweep.blind_spots() + unclassified(app, sweep.visited)
    problems += dcat_cache_leaks(sweep.markers)
    summary = (f"{len(AUDIENCES)} audiences × {len(ROWS) + 1} rows; {sweep.requests} requests;"
               f" world {built:.0f}s, sweep {time.monotonic() - started - built:.0f}s;"
               f" {len(sweep.leaks)} leaks in {len(leaks)} groups")
    print(summary)
    for surface, cost in sorted(sweep.cost.items(), key=lambda x: -x[1])[:12]:
        print(f"  {cost:5.1f}s {surface}")
    assert not problems, summary + "\n" + "\n".join(problems)
