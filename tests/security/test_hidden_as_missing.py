"""Issue 14, item 8 (F-3): an entry the viewer may not see answers exactly like a missing one.

``package_show`` and ``resource_show`` did; the leak sweep found the siblings that still told
an entry exists: actions answering 403 (or, for followers, 200) and pages answering 403 where
a missing entry gets 404. One guard (``security.hidden_as_missing``) covers them all; a 403 on
an entry the viewer may see stays 403.
"""
from __future__ import annotations

import json
import uuid

import pytest
from ckan import model
from ckan.tests import helpers

from tests.api import Viewer
from tests.conftest import PLUGINS
from tests.entries import conditional
from tests.factories import CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def _activity_ids(object_id: str) -> tuple[str, str]:
    from ckanext.activity.model import Activity

    rows = (model.Session.query(Activity.id).filter(Activity.object_id == object_id)
            .order_by(Activity.timestamp).all())
    return rows[0][0], rows[-1][0]


class Probe:
    """What a surface asks about: an entry (id, name, resource, first and latest activity)."""

    def __init__(self, entry_id, name, resource_id, first_activity, latest_activity):
        self.id, self.name, self.res = entry_id, name, resource_id
        self.first, self.latest = first_activity, latest_activity

    @classmethod
    def of(cls, entry: dict) -> Probe:
        return cls(entry["id"], entry["name"], entry["resources"][0]["id"],
                   *_activity_ids(entry["id"]))

    @classmethod
    def missing(cls) -> Probe:
        ids = [str(uuid.uuid4()) for _ in range(4)]
        return cls(ids[0], "ham-no-such-entry", *ids[1:])

    def masked(self, text: str) -> str:
        for index, value in enumerate((self.id, self.name, self.res, self.first, self.latest)):
            text = text.replace(value, f"<{index}>")
        return text


ACTIONS = {
    "package_activity_list": lambda p: ("package_activity_list", {"id": p.id}),
    "activity_show": lambda p: ("activity_show", {"id": p.latest, "include_data": True}),
    "activity_data_show": lambda p: ("activity_data_show", {"id": p.latest}),
    "activity_diff": lambda p: ("activity_diff", {"id": p.latest, "object_type": "package",
                                                  "diff_type": "unified"}),
    "resource_view_list": lambda p: ("resource_view_list", {"id": p.res}),
    "package_collaborator_list": lambda p: ("package_collaborator_list", {"id": p.id}),
    "dataset_follower_count": lambda p: ("dataset_follower_count", {"id": p.id}),
    "am_following_dataset": lambda p: ("am_following_dataset", {"id": p.id}),
}

PAGES = {
    "changes": lambda p: (f"/dataset/changes/{p.latest}", {}),
    "changes_multiple": lambda p: ("/dataset/changes_multiple",
                                   {"new_id": p.latest, "old_id": p.first}),
    "resources": lambda p: (f"/dataset/resources/{p.name}", {}),
    "resource views": lambda p: (f"/dataset/{p.name}/resource/{p.res}/views", {}),
    "resource new": lambda p: (f"/dataset/{p.name}/resource/new", {}),
    "resource edit": lambda p: (f"/dataset/{p.name}/resource/{p.res}/edit", {}),
    "resource delete": lambda p: (f"/dataset/{p.name}/resource/{p.res}/delete", {}),
}


@pytest.fixture
def world(app, sysadmin):
    """A department's closed, government-only and deleted entries, each edited once."""
    owner_org = Department(name="ham-owner")
    other_org = Department(name="ham-other")
    colleague = Official(name="ham-colleague", department=other_org, capacity="member")
    government_only = conditional(open_class="not_open", open_conditions="",
                                  share_class="unconditional", share_conditions="",
                                  share_reason="", share_legal_basis="")
    closed = conditional(open_class="not_open", open_conditions="", share_class="not_shared",
                         share_conditions="")
    kinds = {"closed": closed, "gov": government_only, "deleted": {}}
    entries = {}
    for kind, fields in kinds.items():
        entry = CatalogEntry(user=sysadmin, owner_org=owner_org, name=f"ham-{kind}", **fields)
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id=entry["id"], notes="修订后的说明。")
        entries[kind] = entry
    helpers.call_action("package_delete", context={"user": sysadmin["name"]},
                        id=entries["deleted"]["id"])
    viewers = {"anonymous": Viewer(app), "other_department": Viewer(app, colleague)}
    return {"entries": entries, "viewers": viewers}


# Who may not see which entry's metadata.
HIDDEN = (("anonymous", "closed"), ("anonymous", "gov"), ("anonymous", "deleted"),
          ("other_department", "closed"), ("other_department", "deleted"))


def _api_answer(probe: Probe, answer: tuple[int, str]) -> tuple:
    status, body = answer
    return status, json.loads(probe.masked(body)).get("error")


@pytest.mark.parametrize("surface", list(ACTIONS))
def test_f3_actions_answer_a_hidden_entry_exactly_like_a_missing_one(world, surface):
    build = ACTIONS[surface]
    missing = Probe.missing()
    for audience, kind in HIDDEN:
        viewer = world["viewers"][audience]
        hidden = Probe.of(world["entries"][kind])
        action, params = build(hidden)
        hidden_answer = _api_answer(hidden, viewer.api(action, **params))
        action, params = build(missing)
        missing_answer = _api_answer(missing, viewer.api(action, **params))
        assert hidden_answer == missing_answer, (audience, kind, hidden_answer, missing_answer)
        assert hidden_answer[0] != 200, (audience, kind)


@pytest.mark.parametrize("surface", list(PAGES))
def test_f3_pages_answer_a_hidden_entry_exactly_like_a_missing_one(world, surface):
    build = PAGES[surface]
    missing = Probe.missing()
    for audience, kind in HIDDEN:
        viewer = world["viewers"][audience]
        url, params = build(Probe.of(world["entries"][kind]))
        status, body = viewer.get(url, **params)
        url, params = build(missing)
        missing_status, _ = viewer.get(url, **params)
        assert status == missing_status, (audience, kind, status, missing_status)
        assert world["entries"][kind]["id"] not in body, (audience, kind)


def test_f3_a_refusal_on_an_entry_the_viewer_may_see_stays_403(world):
    viewer = world["viewers"]["other_department"]
    government_only = Probe.of(world["entries"]["gov"])
    for surface in ("resource new", "resource edit", "resource delete"):
        url, params = PAGES[surface](government_only)
        status, _ = viewer.get(url, **params)
        assert status == 403, (surface, status)
    status, body = viewer.api("package_patch", id=government_only.id, notes="改")
    assert status == 403, body
    status, body = world["viewers"]["anonymous"].api("package_patch",
                                                     id=world["entries"]["closed"]["id"])
    assert status == 404, body


def test_f3_nobody_follows_an_entry_they_may_not_see(world):
    """Following is a write: it must be refused before it happens, or the follower count and
    the caller's dashboard would confirm the entry exists."""
    from ckan.model import UserFollowingDataset

    viewer = world["viewers"]["other_department"]
    for kind in ("closed", "deleted"):
        status, body = viewer.api("follow_dataset", id=world["entries"][kind]["id"])
        assert status in (403, 404, 409), (kind, status, body)
        assert world["entries"][kind]["id"] not in body
    assert model.Session.query(UserFollowingDataset).count() == 0
    status, _ = viewer.api("follow_dataset", id=world["entries"]["gov"]["id"])
    assert status == 200  # an entry the department may see can be followed
