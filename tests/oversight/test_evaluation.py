"""Evaluation figures, their exports and who may read them (F-12, Art. 6, 29)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from ckan import model
from ckan.tests import factories, helpers
from openpyxl import load_workbook

from ckanext.dongchang.requests.model import AccessRequest
from tests.conftest import PLUGINS
from tests.entries import LEGAL_BASIS, conditional, create_entry

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

# department -> list of (share, open) entries; counted independently below
CATALOG = {
    "dcf-a": [("unconditional", "unconditional")] * 3 + [("conditional", "conditional")] * 2,
    "dcf-b": [("unconditional", "not_open"), ("not_shared", "not_open")],
}
# A Monday of a week with no statutory holiday or adjusted working day, so the expected response
# times do not depend on the day the suite runs.
ORDINARY_MONDAY = dt.date(2026, 3, 2)


def _fields(share, open_):
    if (share, open_) == ("conditional", "conditional"):
        return conditional()
    fields = {"share_class": share, "open_class": open_}
    if share != "unconditional":
        fields.update(share_reason="依法", share_legal_basis=LEGAL_BASIS)
    if open_ != "unconditional":
        fields.update(open_reason="依法", open_legal_basis=LEGAL_BASIS)
    return fields


@pytest.fixture
def seeded(sysadmin):
    orgs = {name: factories.Organization(name=name, title=name.upper()) for name in CATALOG}
    entries = {name: [create_entry(sysadmin, orgs[name]["id"], **_fields(*pair))
                      for pair in pairs] for name, pairs in CATALOG.items()}
    member_a, citizen = factories.User(), factories.User()
    helpers.call_action("organization_member_create", id=orgs["dcf-a"]["id"],
                        username=member_a["name"], role="member")
    today = dt.date.today()
    # dcf-a: one approved after 2 days, one refused, one still waiting past its due date.
    target = entries["dcf-a"][3]["id"]
    monday = ORDINARY_MONDAY
    for state, decided, due in (("approved", monday + dt.timedelta(days=2), monday),
                                ("refused", monday + dt.timedelta(days=1), monday),
                                ("submitted", None, today - dt.timedelta(days=1))):
        model.Session.add(AccessRequest(
            dataset_id=target, requester_id=citizen["id"], request_kind="open",
            applicant_kind="citizen", purpose="innovation", state=state,
            created=dt.datetime.combine(monday, dt.time(9)),
            decided_at=dt.datetime.combine(decided, dt.time(10)) if decided else None,
            due_on=due + dt.timedelta(days=10) if decided else due,
            valid_from=today if state == "approved" else None,
            valid_until=today + dt.timedelta(days=30) if state == "approved" else None))
    model.Session.commit()
    return {"orgs": orgs, "member_a": member_a}


def _by_name(figures):
    return {row["org_name"]: row for row in figures["departments"]}


def test_f12_figures_match_independent_counts(seeded, sysadmin):
    figures = helpers.call_action("dongchang_evaluation", context={"user": sysadmin["name"]})
    rows = _by_name(figures)
    for name, pairs in CATALOG.items():
        row = rows[name]
        assert row["entries"] == len(pairs)
        for share in ("unconditional", "conditional", "not_shared"):
            assert row[f"share_{share}"] == sum(1 for s, _ in pairs if s == share)
        for open_ in ("unconditional", "conditional", "not_open"):
            assert row[f"open_{open_}"] == sum(1 for _, o in pairs if o == open_)
    a = rows["dcf-a"]
    assert a["share_unconditional_ratio"] == pytest.approx(3 / 5, abs=1e-4)
    assert (a["requests_received"], a["requests_approved"], a["requests_refused"]) == (3, 1, 1)
    assert a["approval_rate"] == 0.5
    assert a["median_response_working_days"] == 1.5  # 2 and 1 working days after a Monday
    assert a["overdue_responses"] == 1
    assert a["active_grants"] == 1
    assert figures["district"]["entries"] == sum(len(p) for p in CATALOG.values())


def test_f12_exports_hold_the_same_numbers(app, seeded, sysadmin):
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    figures = helpers.call_action("dongchang_evaluation", context={"user": sysadmin["name"]})
    expected = {row["department"]: row["entries"] for row in figures["departments"]}
    response = app.get("/dongchang/evaluation.csv", headers=headers)
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r[0]: int(r[1]) for r in rows[1:] if r[0] in expected} == expected
    response = app.get("/dongchang/evaluation.xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert {r[0]: r[1] for r in values[1:] if r[0] in expected} == expected


def test_f12_a_department_reads_only_its_own_figures(app, seeded):
    member = seeded["member_a"]
    figures = helpers.call_action("dongchang_evaluation", context={"user": member["name"]})
    assert [row["org_name"] for row in figures["departments"]] == ["dcf-a"]
    assert figures["district"] is None
    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_action("dongchang_evaluation", context={"user": member["name"]},
                            org_id="dcf-b")
    citizen = factories.User()
    headers = {"Authorization": factories.APIToken(user=citizen["name"])["token"]}
    app.get("/dongchang/evaluation", headers=headers, status=403)


def test_f12_dashboard_shows_charts_with_tables(app, seeded, sysadmin):
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    page = app.get("/en/dongchang/evaluation", headers=headers).get_data(as_text=True)
    assert 'id="chart-class-mix"' in page and "dongchang-evaluation-mix" in page
    assert "DCF-A" in page and "Median response (working days)" in page


def test_f13_audit_log_viewer_is_for_the_bureau(app, seeded, sysadmin):
    member = seeded["member_a"]
    headers = {"Authorization": factories.APIToken(user=member["name"])["token"]}
    app.get("/dongchang/audit", headers=headers, status=403)
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    assert app.get("/dongchang/audit?format=csv", headers=headers).status_code == 200
