"""Re-review of published entries (issue 14 item 10; F-10, Art. 15): which fields wait for the
Bureau, how successive edits add up, what the Bureau sees and publishes."""

from __future__ import annotations

from pathlib import Path

import yaml

from ckanext.dongchang.catalog.rules import workflow

SCHEMA = Path(workflow.__file__).parents[2] / "schemas" / "catalog_entry.yaml"

PUBLISHED = {
    "title": "东昌府区市场主体登记信息", "name": "registrations", "notes": "登记信息",
    "tags": [{"name": "企业"}], "open_class": "unconditional", "share_class": "unconditional",
    "confidentiality_review_status": "passed", "update_cycle": "daily",
    "data_items": [{"name": "企业名称", "type": "string", "description": "", "source_org": ""}],
    "resources": [{"id": "r1", "name": "登记表", "url": "https://a.example/1.csv",
                   "format": "CSV", "description": "", "size": 10}],
}


def _with(**changes):
    return dict(PUBLISHED, **changes)


def test_f10_every_schema_field_is_either_reviewed_again_or_applied_at_once():
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    fields = {f["field_name"] for f in schema["dataset_fields"]}
    assert fields <= set(workflow.REREVIEW_FIELDS) | set(workflow.APPLIED_AT_ONCE)
    assert not set(workflow.REREVIEW_FIELDS) & set(workflow.APPLIED_AT_ONCE)
    resource_fields = {f["field_name"] for f in schema["resource_fields"]}
    assert resource_fields <= {*workflow.REVIEWED_RESOURCE_FIELDS,
                               *workflow.TAKEN_OUT_RESOURCE_FIELDS}


def test_f10_what_the_public_sees_is_reviewed_again_and_bookkeeping_is_not():
    assert workflow.rereview_changes(PUBLISHED, _with(title="新标题", notes="新摘要")) == [
        "title", "notes"]
    assert workflow.rereview_changes(PUBLISHED, _with(update_cycle="weekly")) == []
    assert workflow.rereview_changes(PUBLISHED, _with(tag_string="企业, 登记")) == ["tag_string"]
    assert workflow.rereview_changes(PUBLISHED, _with(tag_string="企业")) == []


def test_f10_a_resource_added_deleted_or_relinked_is_reviewed_but_its_size_is_not():
    new = {"name": "新文件", "url": "https://a.example/2.csv", "format": "CSV"}
    assert workflow.rereview_changes(PUBLISHED, _with(resources=[*PUBLISHED["resources"], new])) \
        == ["resources"]
    assert workflow.rereview_changes(PUBLISHED, _with(resources=[])) == ["resources"]
    relinked = [dict(PUBLISHED["resources"][0], url="https://evil.example/x")]
    assert workflow.rereview_changes(PUBLISHED, _with(resources=relinked)) == ["resources"]
    opened = [dict(PUBLISHED["resources"][0], audience="open")]  # who the file is for (F-16)
    assert workflow.rereview_changes(PUBLISHED, _with(resources=opened)) == ["resources"]
    resized = [dict(PUBLISHED["resources"][0], size=99)]
    assert workflow.rereview_changes(PUBLISHED, _with(resources=resized)) == []
    without = {k: v for k, v in PUBLISHED.items() if k != "resources"}
    assert workflow.rereview_changes(PUBLISHED, without) == []  # package_update keeps them


def test_art28_a_narrowing_class_change_acts_at_once_a_widening_one_waits():
    assert workflow.narrows_only(PUBLISHED, _with(open_class="not_open"))
    assert workflow.narrows_only(PUBLISHED, _with(confidentiality_review_status="pending"))
    narrowed = _with(open_class="not_open", share_class="conditional")
    assert not workflow.narrows_only(narrowed, PUBLISHED)
    assert not workflow.narrows_only(PUBLISHED, _with(open_conditions="新条件"))
    assert workflow.narrows_only(PUBLISHED, _with(open_class="conditional",
                                               confidentiality_review_status="pending"))
    assert not workflow.narrows_only(_with(open_class="not_open"),
                                  _with(share_class="conditional", open_class="conditional"))


def test_f16_narrowing_a_files_audience_acts_at_once_widening_it_waits():
    """A department that says a file is for fewer people is obeyed at once (the entry goes back
    to review), as a class going down is; giving a file to more people waits for the Bureau."""
    def files(*audiences):
        return [dict(PUBLISHED["resources"][0], audience=a) for a in audiences]
    assert workflow.narrows_only(_with(resources=files("open")), _with(resources=files("shared")))
    assert workflow.narrows_only(_with(resources=files("shared")), _with(resources=files("owner")))
    assert not workflow.narrows_only(_with(resources=files("shared")),
                                     _with(resources=files("open")))
    assert not workflow.narrows_only(_with(resources=files("open")), _with(resources=files("open")))
    # one file narrowed, the entry's class widened: not only narrowing, so it waits
    assert not workflow.narrows_only(_with(resources=files("open"), open_class="conditional"),
                                     _with(resources=files("shared")))
    # an unknown or undeclared audience decides nothing; an edit without files keeps them
    assert not workflow.narrows_only(_with(resources=files("open")), _with(resources=files("")))
    without = {k: v for k, v in PUBLISHED.items() if k != "resources"}
    assert not workflow.narrows_only(_with(resources=files("open")), without)


def test_f10_successive_edits_add_up_in_one_proposal():
    one = {"name": "文件一", "url": "https://a.example/one.csv", "format": "CSV"}
    two = {"name": "文件二", "url": "https://a.example/two.csv", "format": "CSV"}
    first = workflow.merge_revision(None, PUBLISHED, _with(
        resources=[*PUBLISHED["resources"], one], title="新标题"))
    second = workflow.merge_revision(first, PUBLISHED, _with(
        resources=[*PUBLISHED["resources"], two], notes="新摘要"))
    assert (second["title"], second["notes"]) == ("新标题", "新摘要")
    assert [r["name"] for r in second["resources"]] == ["登记表", "文件一", "文件二"]
    deleted = workflow.merge_revision(second, PUBLISHED, _with(resources=[]))
    assert [r["name"] for r in deleted["resources"]] == ["文件一", "文件二"]


def test_f10_publishing_keeps_what_changed_at_once_meanwhile():
    proposal = workflow.merge_revision(None, PUBLISHED, _with(
        title="新标题", resources=[dict(PUBLISHED["resources"][0], url="https://a.example/n")]))
    current = _with(update_cycle="weekly",
                    resources=[dict(PUBLISHED["resources"][0], size=42)])
    final = workflow.apply_revision(current, proposal)
    assert (final["title"], final["update_cycle"]) == ("新标题", "weekly")
    assert final["resources"][0]["url"] == "https://a.example/n"
    assert final["resources"][0]["size"] == 42


def test_f10_the_bureau_sees_a_field_by_field_diff_with_one_row_per_resource():
    new = {"name": "新文件", "url": "https://a.example/2.csv", "format": "CSV"}
    diff = workflow.revision_diff(PUBLISHED, _with(title="新标题", resources=[new]))
    assert {"field": "title", "before": PUBLISHED["title"], "after": "新标题"} in diff
    rows = [row for row in diff if row["field"] == "resources"]
    assert {(bool(row["before"]), bool(row["after"])) for row in rows} == {
        (False, True), (True, False)}
    assert "https://a.example/2.csv" in next(r["after"] for r in rows if r["after"])


def test_f10_a_decision_is_open_on_a_published_entry_only_while_a_change_is_pending():
    assert workflow.review_errors("published", "publish", "", revision_pending=True) == {}
    assert "catalog_state" in workflow.review_errors("published", "publish", "")
