"""Catalog review, duplicates, one data one source, update deadlines (Art. 15–17; F-10, F-11)."""

from __future__ import annotations

from datetime import date, datetime

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.dongchang.calendar.working_days import WorkingDayCalendar
from ckanext.dongchang.catalog.rules import workflow
from ckanext.dongchang.catalog.rules.classes import CATALOG_STATES

STATES_OR_NONE = st.sampled_from((None, *CATALOG_STATES))


# --- who may set which state (Art. 15) --------------------------------------------------------

@given(old=STATES_OR_NONE, requested=STATES_OR_NONE, changed=st.booleans())
def test_art15_a_publisher_never_publishes_or_returns(old, requested, changed):
    outcome = workflow.resulting_state(old, requested, reviewer=False, workflow=False,
                                    classes_changed=changed)
    if outcome.error:
        assert outcome.state is None
        return
    assert outcome.state in ("draft", old, "submitted")
    if outcome.state == "published":
        assert old == "published" and not changed  # kept, never set
    if outcome.state == "submitted":
        assert old in ("submitted", "published")


@pytest.mark.parametrize(("old", "requested", "expected"), [
    (None, None, "draft"),
    (None, "draft", "draft"),
    ("published", None, "published"),
    ("returned", None, "returned"),
    ("returned", "draft", "draft"),
    ("submitted", "draft", "draft"),  # not public: the department may take it back
    ("submitted", "submitted", "submitted"),
])
def test_art15_publishers_keep_the_state_or_go_back_to_draft(old, requested, expected):
    outcome = workflow.resulting_state(old, requested, reviewer=False, workflow=False,
                                    classes_changed=False)
    assert (outcome.state, outcome.error) == (expected, None)


@pytest.mark.parametrize(("old", "requested"), [
    (None, "published"), (None, "submitted"), ("draft", "published"), ("draft", "submitted"),
    ("submitted", "published"), ("submitted", "returned"), ("returned", "submitted"),
])
def test_art15_a_publisher_setting_another_state_is_refused(old, requested):
    outcome = workflow.resulting_state(old, requested, reviewer=False, workflow=False,
                                    classes_changed=False)
    assert outcome.error == workflow.PUBLISHER_ONLY_DRAFT


@pytest.mark.parametrize("who", [{"reviewer": True, "workflow": False},
                                 {"reviewer": False, "workflow": True}])
@pytest.mark.parametrize("requested", CATALOG_STATES)
def test_art15_the_bureau_and_the_workflow_set_any_state(who, requested):
    outcome = workflow.resulting_state("draft", requested, classes_changed=True, **who)
    assert (outcome.state, outcome.error, outcome.resubmitted) == (requested, None, False)


def test_art15_a_class_change_sends_a_published_entry_back_to_review():
    outcome = workflow.resulting_state("published", None, reviewer=False, workflow=False,
                                    classes_changed=True)
    assert (outcome.state, outcome.resubmitted) == ("submitted", True)
    draft = workflow.resulting_state("draft", None, reviewer=False, workflow=False,
                                  classes_changed=True)
    assert (draft.state, draft.resubmitted) == ("draft", False)


def test_art15_unknown_states_are_left_to_the_schemas_choice_check():
    outcome = workflow.resulting_state(None, "hacked", reviewer=False, workflow=False,
                                    classes_changed=False)
    assert (outcome.state, outcome.error) == ("hacked", None)


def test_f10_only_real_changes_count():
    stored = {"share_class": "unconditional", "confidentiality_reviewed_on": "2026-11-02",
              "share_reason": None}
    same = {"share_class": " unconditional ", "confidentiality_reviewed_on":
            datetime(2026, 11, 2), "share_reason": ""}
    assert workflow.changed_fields(stored, same) == []
    assert workflow.changed_fields(stored, dict(same, share_class="conditional")) == [
        "share_class"]
    assert workflow.normalize("2026-11-02T00:00:00") == "2026-11-02"
    assert workflow.normalize("2026-11-02T08:30:00") == "2026-11-02T08:30:00"


@pytest.mark.parametrize(("state", "decision", "reason", "fields"), [
    ("submitted", "publish", "", set()),
    ("submitted", "return", "请补充法律依据", set()),
    ("submitted", "return", "  ", {"reason"}),
    ("submitted", "approve", "", {"decision"}),
    ("draft", "publish", "", {"catalog_state"}),
    ("published", "return", "x", {"catalog_state"}),
])
def test_art15_review_decisions(state, decision, reason, fields):
    assert set(workflow.review_errors(state, decision, reason)) == fields


@pytest.mark.parametrize(("state", "ok"), [("draft", True), ("returned", True),
                                          ("submitted", False), ("published", False)])
def test_art15_what_can_be_submitted(state, ok):
    assert (workflow.submit_errors(state) == {}) is ok


def test_f10_review_diff_shows_class_and_item_changes_only():
    before = {"title": "登记信息", "share_class": "unconditional", "notes": "旧摘要",
              "data_items": [{"name": "企业名称", "source_org": "dcf-scjg"}]}
    after = dict(before, share_class="conditional", notes="新摘要",
                 data_items=[{"name": "企业名称", "source_org": "dcf-rsj"}])
    diff = workflow.review_diff(before, after)
    assert [d["field"] for d in diff] == ["share_class", "data_items"]
    assert diff[1] == {"field": "data_items", "before": "企业名称 (dcf-scjg)",
                       "after": "企业名称 (dcf-rsj)"}
    assert workflow.review_diff(None, after) == []


# --- duplicates (Art. 15) ---------------------------------------------------------------------

def _candidate(id_, same=False, **scores):
    return workflow.Candidate(id=id_, scores=scores, same_department=same)


def test_art15_candidates_are_ranked_by_their_best_matching_field():
    ranked = workflow.rank_candidates([
        _candidate("weak", title=0.3, notes=0.4, data_items=0.2),
        _candidate("notes", title=0.2, notes=0.8, data_items=0.0),
        _candidate("title", title=0.7, notes=0.6, data_items=0.9),
    ])
    assert [c.id for c in ranked] == ["title", "notes"]
    assert ranked[0].matched == ["data_items", "title", "notes"]
    assert ranked[0].score == pytest.approx(0.9)


def test_art15_another_department_comes_first_at_equal_score():
    ranked = workflow.rank_candidates([_candidate("own", same=True, title=0.7),
                                    _candidate("other", title=0.7)])
    assert [c.id for c in ranked] == ["other", "own"]


def test_f10_item_names_are_normalised_like_the_index():
    items = [{"name": " 统一社会信用代码 "}, {"name": "Name"}, {"name": "name"}, {"name": ""},
             "garbage"]
    assert workflow.item_names(items) == ["name", "统一社会信用代码"]
    assert workflow.items_text(items) == "name 统一社会信用代码"


# --- one data, one source (Art. 17) -----------------------------------------------------------

def test_art17_items_sourced_elsewhere_and_items_published_elsewhere_are_warned():
    items = [{"name": "机构名称", "source_org": "dcf-rsj"},
             {"name": "统一社会信用代码", "source_org": "dcf-rsj"},
             {"name": "法定代表人", "source_org": "dcf-scjg"}]
    publications = [
        workflow.Publication("统一社会信用代码", "dcf-scjg", "区市场监督管理局",
                          {"id": "1", "name": "registrations", "title": "登记信息"}),
        workflow.Publication("机构名称", "dcf-rsj", "区人社局"),  # its own department: fine
    ]
    warnings = workflow.recollection_warnings(items, "dcf-rsj", {"dcf-scjg": "区市场监督管理局"},
                                           publications)
    assert [(w["kind"], w["item"], w["org"]) for w in warnings] == [
        ("source_elsewhere", "法定代表人", "dcf-scjg"),
        ("published_elsewhere", "统一社会信用代码", "dcf-scjg"),
    ]
    assert warnings[0]["message"].params["org"] == "区市场监督管理局"


def test_art17_one_warning_per_item_naming_every_publishing_department():
    publications = [workflow.Publication("联系电话", org, title)
                    for org, title in [("dcf-mzj", "区民政局"), ("dcf-dsjj", "区大数据局"),
                                       ("dcf-mzj", "区民政局")]]
    warnings = workflow.recollection_warnings([{"name": "联系电话", "source_org": "dcf-scjg"}],
                                           "dcf-scjg", {}, publications)
    assert len(warnings) == 1
    assert warnings[0]["orgs"] == ["dcf-mzj", "dcf-dsjj"]
    assert warnings[0]["message"].params["orgs"] == "区民政局, 区大数据局"


def test_art17_no_warning_when_the_department_is_the_source():
    items = [{"name": "企业名称", "source_org": "dcf-scjg"}]
    assert workflow.recollection_warnings(items, "dcf-scjg", {}, []) == []


# --- update deadlines (Art. 16) ---------------------------------------------------------------

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(("trigger", "occurred_on", "fields"), [
    ("legal_basis", "2026-11-27", set()),
    ("functions", date(2026, 1, 5), set()),
    ("system_update", "2026-11-28", {"occurred_on"}),
    ("whim", "2026-11-01", {"trigger"}),
    ("other", "2026-02-30", {"occurred_on"}),
    ("other", "", {"occurred_on"}),
])
def test_art16_change_events_name_a_trigger_and_a_past_day(trigger, occurred_on, fields):
    assert set(workflow.change_errors(trigger, occurred_on, TODAY)) == fields


def test_art16_a_change_closes_after_the_entry_is_updated():
    occurred = date(2026, 11, 2)
    assert set(workflow.report_errors(occurred, None, date(2026, 11, 1))) == {"dataset_id"}
    assert workflow.report_errors(occurred, None, occurred) == {}
    assert set(workflow.report_errors(occurred, date(2026, 11, 3), date(2026, 11, 3))) == {"id"}


@pytest.mark.parametrize(("due_on", "reported_on", "status"), [
    (date(2026, 11, 26), None, "overdue"),
    (date(2026, 11, 27), None, "due_soon"),
    (date(2026, 12, 2), None, "due_soon"),
    (date(2026, 12, 3), None, "open"),
    (date(2026, 11, 1), date(2026, 11, 20), "closed"),
])
def test_art16_status_of_a_change(due_on, reported_on, status):
    assert workflow.change_status(due_on, reported_on, TODAY, date(2026, 12, 2)) == status


@pytest.mark.parametrize(("occurred_on", "due_on"), [
    (date(2026, 9, 30), date(2026, 10, 27)),   # National Day, make-up Saturday 10-10
    (date(2026, 2, 13), date(2026, 3, 12)),    # Spring Festival, make-up 02-14 and 02-28
])
def test_art16_fifteen_working_days_across_the_long_holidays(occurred_on, due_on):
    calendar = holidays.China(years=occurred_on.year)
    assert WorkingDayCalendar().add_working_days(occurred_on, 15) == due_on
    counted = [d for d in (date.fromordinal(n) for n in range(occurred_on.toordinal() + 1,
                                                                 due_on.toordinal() + 1))
               if calendar.is_working_day(d)]
    assert len(counted) == 15 and counted[-1] == due_on


# --- CKAN's stock controls and withdrawal (issue 17 item 5) -----------------------------------

def test_i17_a_publisher_keeps_the_package_state_of_an_entry_in_the_workflow():
    from ckanext.dongchang.catalog.rules import workflow as wf
    for catalog_state in ("published", "submitted"):
        for requested in ("draft", "deleted"):
            assert "state" in wf.package_state_errors(catalog_state, "active", requested,
                                                      reviewer=False)
            assert wf.package_state_errors(catalog_state, "active", requested,
                                           reviewer=True) == {}
        assert wf.package_state_errors(catalog_state, "active", "active", reviewer=False) == {}
        assert wf.package_state_errors(catalog_state, "active", None, reviewer=False) == {}
    assert wf.package_state_errors("draft", "active", "draft", reviewer=False) == {}
    assert wf.stock_control_refusal("returned", reviewer=False) is None


def test_i17_a_publisher_cannot_set_a_published_entry_back_to_draft():
    from ckanext.dongchang.catalog.rules import workflow as wf
    outcome = wf.resulting_state("published", "draft", reviewer=False, workflow=False,
                                 classes_changed=False)
    assert outcome.state is None and outcome.error == wf.ASK_FOR_WITHDRAWAL
    assert wf.resulting_state("published", "draft", reviewer=True, workflow=False,
                              classes_changed=False).state == "draft"
    assert wf.resulting_state("returned", "draft", reviewer=False, workflow=False,
                              classes_changed=False).state == "draft"


def test_i17_withdrawal_needs_a_published_entry_a_reason_and_no_pending_withdrawal():
    from ckanext.dongchang.catalog.rules import workflow as wf
    assert wf.withdrawal_errors("published", "停止采集", None) == {}
    assert wf.withdrawal_errors("published", "停止采集", ["title"]) == {}  # replaces a change
    assert set(wf.withdrawal_errors("draft", " ", ["withdrawal"])) == {
        "catalog_state", "reason", "id"}
    assert wf.revision_diff({}, {"withdrawal": "停止采集"}) == [
        {"field": "withdrawal", "before": "", "after": "停止采集"}]
