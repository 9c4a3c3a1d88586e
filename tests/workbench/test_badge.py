"""The header badge (工作台 / 待办, issue 17 item 1) is computed on every page a signed-in
person views: one SQL statement, however much waits, with the counts of the pages it leads to."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.dongchang.workbench import service
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry, entry_dict
from tests.factories import Bureau, Department, staff
from tests.sql import statements

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

PEOPLE = ("mzj-admin", "bureau-admin", "citizen-li")


@pytest.fixture
def district(sysadmin):
    mzj = Department(name="dcf-mzj", title="区民政局")
    staff({"mzj": mzj, "bureau": Bureau()}, ("mzj-admin", "mzj", "admin"),
          ("bureau-admin", "bureau", "admin"), ("citizen-li", None, "member"),
          ("citizen-wang", None, "member"))
    return {"mzj": mzj, "sysadmin": sysadmin, "made": 0}


def _more_work(district, how_many: int) -> None:
    """``how_many`` more requests for the department to decide, entries for the Bureau's
    queue, catalog changes due and requests returned to the citizen."""
    for _ in range(how_many):
        district["made"] += 1
        n = district["made"]
        entry = create_entry(district["sysadmin"], district["mzj"]["id"], name=f"entry-{n}",
                             title=f"条目{n}", resources=[],
                             **conditional(share_class="unconditional"))
        request = helpers.call_action(
            "dongchang_access_request_create", context={"user": "citizen-li"},
            dataset_id=entry["id"],
            applicant_kind="citizen", purpose="social_services", use_scenario="为老年人提供服务")
        helpers.call_action("dongchang_access_request_return", context={"user": "mzj-admin"},
                            id=request["id"], reason="请补充用途")
        helpers.call_action("dongchang_access_request_create", context={"user": "citizen-wang"},
                            dataset_id=entry["id"], applicant_kind="citizen",
                            purpose="social_services", use_scenario="为老年人提供服务")
        helpers.call_action("dongchang_catalog_change_create", context={"user": "mzj-admin"},
                            dataset_id=entry["id"], trigger="other",
                            occurred_on="2026-01-05", note="新增机构")
        draft = entry_dict(district["mzj"]["id"], name=f"draft-{n}", title=f"草稿{n}")
        draft.pop("catalog_state")
        draft.pop("resources")
        helpers.call_action("package_create", context={"user": "mzj-admin"}, **draft)
        helpers.call_action("dongchang_catalog_submit", context={"user": "mzj-admin"},
                            id=f"draft-{n}")


def _badge(app, user: str) -> tuple[dict, int]:
    """The badge's answer, as the header asks for it, and how many SQL statements it cost
    once the request has read the person's memberships (every page's permission checks read
    them first, once per request)."""
    with app.flask_app.test_request_context():
        context = {"user": user, "auth_user_obj": model.User.get(user)}
        service.editable_departments(dict(context))
        with statements() as seen:
            counts = helpers.call_action("dongchang_workbench", context=dict(context),
                                         counts_only=True)
    return counts, len(seen)


def _page_counts(user: str) -> dict:
    return helpers.call_action("dongchang_workbench", context={"user": user})


def _same_counts(counts: dict, pages: dict) -> None:
    """Every count of the badge is the count of the workbench page (the lists' actions)."""
    assert counts["todo"] == pages["todo"] and counts["role"] == pages["role"]
    for mine, page in zip(counts["departments"], pages["departments"], strict=True):
        for key in ("requests", "returned", "changes", "returned_changes", "merges"):
            assert mine[key]["count"] == page[key]["count"], key
    if pages["bureau"]:
        for key in ("review", "changes_overdue"):
            assert counts["bureau"][key]["count"] == pages["bureau"][key]["count"], key
    for key in ("returned", "granted"):
        assert counts["mine"][key]["count"] == pages["mine"][key]["count"], key


def test_i17_the_badge_costs_one_statement_however_much_waits(app, district):
    cost = {}
    for how_many in (0, 1, 3):
        _more_work(district, how_many - district["made"])
        for user in PEOPLE:
            counts, cost[user, how_many] = _badge(app, user)
            _same_counts(counts, _page_counts(user))
    assert set(cost.values()) == {1}, cost
    counts, _ = _badge(app, "mzj-admin")
    # three requests to decide (the others returned), three catalog changes due
    assert counts["todo"] == 6 and counts["departments"][0]["requests"]["count"] == 3
    assert _badge(app, "bureau-admin")[0]["bureau"]["review"]["count"] == 3
    # the citizen's requests returned to them for more information
    assert _badge(app, "citizen-li")[0]["todo"] == 3
