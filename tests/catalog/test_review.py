"""Catalog review, duplicates and one data one source over HTTP (F-10; Art. 15, 17)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from ckanext.dongchang.kernel.audit import AuditEvent
from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import create_entry, entry_dict
from tests.factories import district, staff

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

ITEMS = [
    {"name": "企业名称", "type": "string", "description": "登记名称", "source_org": "dcf-scjg"},
    {"name": "统一社会信用代码", "type": "string", "description": "18位",
     "source_org": "dcf-scjg"},
    {"name": "法定代表人", "type": "string", "description": "", "source_org": "dcf-scjg"},
    {"name": "登记机关", "type": "string", "description": "", "source_org": "dcf-scjg"},
]
REGISTRATIONS = {
    "title": "东昌府区市场主体登记信息",
    "notes": "东昌府区市场监督管理局登记的企业、个体工商户和农民专业合作社的基本登记信息，"
             "包括名称、统一社会信用代码、法定代表人、住所和登记状态，按日更新。",
}


@pytest.fixture
def world(app):
    orgs = district()
    users = staff(orgs, ("scjg-admin", "scjg", "admin"), ("scjg-editor", "scjg", "editor"),
                  ("rsj-admin", "rsj", "admin"), ("bureau-admin", "bureau", "admin"),
                  ("citizen", None, "member"))
    return {"orgs": orgs, "users": users,
            "api": {name: Api(app, user) for name, user in users.items()},
            "anonymous": Api(app)}


def _draft(api, org, **overrides):
    """A complete entry saved as a draft by a department (the only state it may choose)."""
    data = entry_dict(org["id"], **overrides)
    data.pop("catalog_state")
    data.pop("resources")
    return api.ok("package_create", **data)


def _published(org, **overrides):
    """An entry the Bureau (a sysadmin) publishes directly, as the demo loader does."""
    data = entry_dict(org["id"], **overrides)
    data.pop("resources")
    sysadmin = factories.Sysadmin()
    return helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)


def _history(dataset_id):
    return [e.action for e in model.Session.query(AuditEvent)
            .filter(AuditEvent.object_id == dataset_id).order_by(AuditEvent.id)]


def test_art15_submit_return_with_reason_resubmit_publish(world):
    editor, bureau = world["api"]["scjg-editor"], world["api"]["bureau-admin"]
    entry = _draft(editor, world["orgs"]["scjg"], **REGISTRATIONS)
    assert entry["catalog_state"] == "draft"
    assert entry["private"] is True

    submitted = editor.ok("dongchang_catalog_submit", id=entry["id"])
    assert submitted["catalog_state"] == "submitted"
    queue = bureau.ok("dongchang_catalog_list", state="submitted")
    assert [e["name"] for e in queue["results"]] == [entry["name"]]
    assert queue["results"][0]["org_title"] == "区市场监督管理局"
    assert queue["results"][0]["submitted_at"]

    error = bureau.error("dongchang_catalog_review", id=entry["id"], decision="return",
                         reason="  ")
    assert "reason" in error
    returned = bureau.ok("dongchang_catalog_review", id=entry["id"], decision="return",
                         reason="请补充数据的覆盖年份")
    assert returned["catalog_state"] == "returned"
    mine = editor.ok("dongchang_catalog_list", state="returned")
    assert mine["results"][0]["last_event"]["reason"] == "请补充数据的覆盖年份"

    editor.ok("package_patch", id=entry["id"], notes=REGISTRATIONS["notes"] + "覆盖2020年以来。")
    assert editor.ok("dongchang_catalog_submit", id=entry["id"])["catalog_state"] == "submitted"
    published = bureau.ok("dongchang_catalog_review", id=entry["id"], decision="publish")
    assert (published["catalog_state"], published["private"]) == ("published", False)
    assert world["anonymous"].ok("package_show", id=entry["id"])["title"] == REGISTRATIONS[
        "title"]
    assert _history(entry["id"]) == [
        "catalog_submit", "catalog_review_return", "catalog_submit", "catalog_review_publish"]
    reasons = [e.detail.get("reason") for e in model.Session.query(AuditEvent)
               .filter(AuditEvent.action == "catalog_review_return")]
    assert reasons == ["请补充数据的覆盖年份"]


def test_art15_only_the_bureau_reviews(world):
    api = world["api"]
    entry = _draft(api["scjg-editor"], world["orgs"]["scjg"])
    api["scjg-editor"].ok("dongchang_catalog_submit", id=entry["id"])
    # The department sees its submitted entry and is refused; for everyone else an unpublished
    # entry does not exist (issue 14 item 8: hidden answers like missing).
    for name, status in (("scjg-editor", 403), ("scjg-admin", 403), ("rsj-admin", 404),
                         ("citizen", 404)):
        api[name].error("dongchang_catalog_review", status=status, id=entry["id"],
                        decision="publish")
        api[name].error("dongchang_catalog_mark_duplicate", status=status, id=entry["id"],
                        survivor_id=entry["id"])
    world["anonymous"].error("dongchang_catalog_review", status=404, id=entry["id"],
                             decision="publish")
    assert api["bureau-admin"].ok("dongchang_catalog_review", id=entry["id"],
                                  decision="publish")["catalog_state"] == "published"


def test_art15_another_department_cannot_submit_an_entry(world):
    entry = _draft(world["api"]["scjg-editor"], world["orgs"]["scjg"])
    # Another department cannot see the draft at all: it answers as a missing entry (item 8).
    world["api"]["rsj-admin"].error("dongchang_catalog_submit", status=404, id=entry["id"])


def test_art15_a_publisher_cannot_set_published_directly(world):
    editor, admin = world["api"]["scjg-editor"], world["api"]["scjg-admin"]
    data = entry_dict(world["orgs"]["scjg"]["id"])
    data.pop("resources")
    error = admin.error("package_create", **data)
    assert "catalog_state" in error
    assert model.Session.query(model.Package).count() == 0
    entry = _draft(editor, world["orgs"]["scjg"])
    for state in ("published", "submitted", "returned"):
        error = editor.error("package_patch", id=entry["id"], catalog_state=state)
        assert "catalog_state" in error
    assert editor.ok("package_show", id=entry["id"])["catalog_state"] == "draft"


def test_art15_the_bureau_sets_any_state_directly_as_the_reviewer(world):
    # A sysadmin (the demo loader's site user) creates published entries.
    assert _published(world["orgs"]["scjg"])["catalog_state"] == "published"
    entry = _draft(world["api"]["scjg-editor"], world["orgs"]["scjg"])
    patched = helpers.call_action("package_patch", context={"user": "bureau-admin",
                                                            "ignore_auth": True},
                                  id=entry["id"], catalog_state="published")
    assert patched["catalog_state"] == "published"


def test_art15_a_class_change_sends_a_published_entry_back_to_review(world):
    editor, bureau = world["api"]["scjg-editor"], world["api"]["bureau-admin"]
    entry = _draft(editor, world["orgs"]["scjg"], **REGISTRATIONS)
    editor.ok("dongchang_catalog_submit", id=entry["id"])
    bureau.ok("dongchang_catalog_review", id=entry["id"], decision="publish")

    kept = editor.ok("package_patch", id=entry["id"], notes=REGISTRATIONS["notes"] + "按日更新。")
    assert kept["catalog_state"] == "published"
    changed = editor.ok("package_patch", id=entry["id"], share_class="conditional",
                        share_conditions="仅限承担市场监管职能的部门", share_reason="含经营信息",
                        share_legal_basis="《企业信息公示暂行条例》第十条",
                        open_class="not_open", open_reason="含经营信息",
                        open_legal_basis="《企业信息公示暂行条例》第十条")
    assert changed["catalog_state"] == "submitted"
    assert changed["private"] is True
    world["anonymous"].error("package_show", status=404, id=entry["id"])  # hidden = missing
    event = model.Session.query(AuditEvent).filter(
        AuditEvent.action == "catalog_resubmit_on_change").one()
    assert {"share_class", "open_class"} <= set(event.detail["changed_fields"])

    queued = bureau.ok("dongchang_catalog_list", include_checks=True)["results"][0]
    assert queued["first_review"] is False
    diff = {c["field"]: (c["before"], c["after"]) for c in queued["changes"]}
    assert diff["share_class"] == ("unconditional", "conditional")
    assert diff["open_class"] == ("unconditional", "not_open")
    assert "title" not in diff


def test_art15_duplicate_candidates_find_a_near_copy_in_another_department(world):
    original = _published(world["orgs"]["scjg"], data_items=ITEMS, **REGISTRATIONS)
    unrelated = _published(world["orgs"]["scjg"], title="东昌府区公交线路及站点信息",
                           notes="区交通运输局管理的公交线路走向、站点名称和位置、首末班时间。",
                           data_items=[{"name": "线路名称", "source_org": "dcf-scjg"},
                                       {"name": "站点序列", "source_org": "dcf-scjg"}])
    copy = _draft(world["api"]["rsj-admin"], world["orgs"]["rsj"],
                  title="东昌府区市场主体登记数据",
                  notes="东昌府区市场监督管理局登记的企业和个体工商户基本登记信息，包括名称、"
                        "统一社会信用代码、法定代表人和住所，按日更新。",
                  data_items=[dict(i, source_org="dcf-scjg") for i in ITEMS])
    found = world["api"]["bureau-admin"].ok("dongchang_duplicate_candidates", id=copy["id"])
    assert [c["id"] for c in found] == [original["id"]]
    best = found[0]
    assert best["org_name"] == "dcf-scjg" and best["same_department"] is False
    assert set(best["matched"]) >= {"title", "notes", "data_items"}
    assert best["score"] >= 0.5
    assert "统一社会信用代码" in best["shared_items"]
    assert world["api"]["bureau-admin"].ok("dongchang_duplicate_candidates",
                                           id=unrelated["id"]) == []


def test_art15_duplicates_never_show_a_department_what_it_may_not_see(world):
    hidden = _published(world["orgs"]["scjg"], share_class="not_shared", open_class="not_open",
                        share_reason="内部", share_legal_basis="《保密法》",
                        open_reason="内部", open_legal_basis="《保密法》", **REGISTRATIONS)
    copy = _draft(world["api"]["rsj-admin"], world["orgs"]["rsj"], **REGISTRATIONS)
    assert world["api"]["rsj-admin"].ok("dongchang_duplicate_candidates", id=copy["id"]) == []
    bureau_view = world["api"]["bureau-admin"].ok("dongchang_duplicate_candidates",
                                                  id=copy["id"])
    assert [c["id"] for c in bureau_view] == [hidden["id"]]


RECOLLECTION_REASON = "共享数据按月更新，无法满足许可办理时的实时核验"


def test_art17_recollection_is_refused_at_submission_without_a_reason(world):
    """Art. 17: what can be had by sharing may not be collected again — a warning is not
    enough; the entry must say why the shared data cannot serve (issue 18 item 7)."""
    _published(world["orgs"]["scjg"], data_items=ITEMS[:2], **REGISTRATIONS)
    rsj_admin = world["api"]["rsj-admin"]
    entry = _draft(rsj_admin, world["orgs"]["rsj"], title="东昌府区人力资源服务机构名录",
                   notes="区人社局许可的人力资源服务机构名称、许可证编号和服务范围。",
                   data_items=[{"name": "法定代表人", "source_org": "dcf-scjg"}])
    error = rsj_admin.error("dongchang_catalog_submit", id=entry["id"])
    assert set(error) == {"recollection_reason", "__type"}
    assert "法定代表人" in error["recollection_reason"][0]
    assert rsj_admin.ok("package_show", id=entry["id"])["catalog_state"] == "draft"
    rsj_admin.ok("package_patch", id=entry["id"], recollection_reason=RECOLLECTION_REASON)
    assert rsj_admin.ok("dongchang_catalog_submit",
                        id=entry["id"])["catalog_state"] == "submitted"


def test_art17_recollecting_another_departments_data_is_warned(world):
    _published(world["orgs"]["scjg"], data_items=ITEMS[:2], **REGISTRATIONS)
    rsj_admin = world["api"]["rsj-admin"]
    entry = _draft(rsj_admin, world["orgs"]["rsj"], title="东昌府区人力资源服务机构名录",
                   notes="区人社局许可的人力资源服务机构名称、许可证编号和服务范围。",
                   data_items=[
                       {"name": "机构名称", "source_org": "dcf-rsj"},
                       {"name": "统一社会信用代码", "source_org": "dcf-rsj"},
                       {"name": "法定代表人", "source_org": "dcf-scjg"},
                   ], recollection_reason=RECOLLECTION_REASON)
    result = rsj_admin.ok("dongchang_catalog_submit", id=entry["id"])
    warnings = {(w["kind"], w["item"]): w for w in result["warnings"]}
    assert set(warnings) == {("published_elsewhere", "统一社会信用代码"),
                             ("source_elsewhere", "法定代表人")}
    assert warnings[("published_elsewhere", "统一社会信用代码")]["org"] == "dcf-scjg"
    assert "区市场监督管理局" in warnings[("source_elsewhere", "法定代表人")]["message"]
    queued = world["api"]["bureau-admin"].ok("dongchang_catalog_list",
                                             include_checks=True)["results"][0]
    assert {w["kind"] for w in queued["warnings"]} == {"published_elsewhere",
                                                        "source_elsewhere"}
    assert queued["recollection_reason"] == RECOLLECTION_REASON  # the Bureau reads why


def test_art15_mark_duplicate_withdraws_the_entry_and_names_the_survivor(world):
    original = _published(world["orgs"]["scjg"], **REGISTRATIONS)
    rsj_admin = world["api"]["rsj-admin"]
    copy = _draft(rsj_admin, world["orgs"]["rsj"], **REGISTRATIONS)
    rsj_admin.ok("dongchang_catalog_submit", id=copy["id"])
    bureau = world["api"]["bureau-admin"]
    assert "survivor_id" in bureau.error("dongchang_catalog_mark_duplicate", id=copy["id"],
                                         survivor_id=copy["id"])
    marked = bureau.ok("dongchang_catalog_mark_duplicate", id=copy["id"],
                       survivor_id=original["name"], reason="与市场监管局条目重复")
    assert marked["catalog_state"] == "draft" and marked["private"] is True
    assert marked["duplicate_of"]["id"] == original["id"]
    drafts = rsj_admin.ok("dongchang_catalog_list", state="draft")["results"]
    assert drafts[0]["last_event"]["survivor"]["id"] == original["id"]
    again = rsj_admin.ok("dongchang_catalog_submit", id=copy["id"])
    assert again["warnings"][0]["kind"] == "marked_duplicate"


def test_art15_the_department_is_mailed_the_reason_for_a_return(world, mail_sink, run_jobs):
    editor, bureau = world["api"]["scjg-editor"], world["api"]["bureau-admin"]
    entry = _draft(editor, world["orgs"]["scjg"], **REGISTRATIONS)
    editor.ok("dongchang_catalog_submit", id=entry["id"])
    bureau.ok("dongchang_catalog_review", id=entry["id"], decision="return",
              reason="请补充数据的覆盖年份")
    run_jobs()
    for address in ("scjg-editor@example.gov.cn", "scjg-admin@example.gov.cn"):
        mails = mail_sink.to(address)
        assert len(mails) == 1 and "请补充数据的覆盖年份" in mails[0]["body"]
    assert mail_sink.to("rsj-admin@example.gov.cn") == []


def test_art15_submission_needs_what_publication_needs(world):
    editor = world["api"]["scjg-editor"]
    entry = _draft(editor, world["orgs"]["scjg"], confidentiality_review_status="pending",
                   confidentiality_reviewer="", confidentiality_reviewed_on="")
    error = editor.error("dongchang_catalog_submit", id=entry["id"])
    assert "confidentiality_review_status" in error
    assert editor.ok("package_show", id=entry["id"])["catalog_state"] == "draft"


# --- pages ------------------------------------------------------------------------------------

def _csrf(soup):
    return soup.find("input", attrs={"name": re.compile("csrf")})


def test_f10_review_page_shows_the_queue_and_publishes_with_csrf(app, world):
    editor, bureau = world["api"]["scjg-editor"], world["api"]["bureau-admin"]
    _published(world["orgs"]["rsj"], **REGISTRATIONS)
    entry = _draft(editor, world["orgs"]["scjg"], **REGISTRATIONS)
    editor.ok("dongchang_catalog_submit", id=entry["id"])

    world["api"]["scjg-editor"].page("/dongchang/review", status=403)
    soup = bureau.page("/dongchang/review")
    card = soup.select_one(f"[data-entry='{entry['name']}']")
    assert card is not None
    assert "区市场监督管理局" in card.get_text()
    assert card.select(".dongchang-duplicates li"), "the near-copy in dcf-rsj is listed"
    forms = card.find_all("form", attrs={"method": "post"})
    assert forms and all(_csrf(form) for form in forms)
    publish = next(f for f in forms if f["action"].endswith("/publish"))
    token = _csrf(publish)
    response = app.post(publish["action"], data={token["name"]: token["value"]},
                        headers=bureau.headers, follow_redirects=False)
    assert response.status_code == 302
    assert bureau.ok("package_show", id=entry["id"])["catalog_state"] == "published"


def test_f10_review_page_withdraws_a_duplicate(app, world):
    original = _published(world["orgs"]["scjg"], **REGISTRATIONS)
    rsj_admin, bureau = world["api"]["rsj-admin"], world["api"]["bureau-admin"]
    copy = _draft(rsj_admin, world["orgs"]["rsj"], **REGISTRATIONS)
    rsj_admin.ok("dongchang_catalog_submit", id=copy["id"])
    card = bureau.page("/dongchang/review").select_one(f"[data-entry='{copy['name']}']")
    form = next(f for f in card.find_all("form") if f["action"].endswith("/duplicate"))
    assert form.find("input", attrs={"name": "survivor_id"})["value"] == original["id"]
    token = _csrf(form)
    response = app.post(form["action"], headers=bureau.headers, follow_redirects=False, data={
        token["name"]: token["value"], "survivor_id": original["id"], "reason": "重复"})
    assert response.status_code == 302
    assert bureau.ok("package_show", id=copy["id"])["catalog_state"] == "draft"


def test_f10_departments_see_their_returned_entries_with_the_reason(world):
    editor, bureau = world["api"]["scjg-editor"], world["api"]["bureau-admin"]
    entry = _draft(editor, world["orgs"]["scjg"], **REGISTRATIONS)
    editor.ok("dongchang_catalog_submit", id=entry["id"])
    bureau.ok("dongchang_catalog_review", id=entry["id"], decision="return",
              reason="请补充法律依据")
    soup = editor.page("/dongchang/my-catalog")
    returned = soup.select_one(f"[data-entry='{entry['name']}']")
    assert "请补充法律依据" in returned.get_text()
    assert returned.find("form") and _csrf(returned.find("form"))
    other = world["api"]["rsj-admin"].page("/dongchang/my-catalog")
    assert other.select_one(f"[data-entry='{entry['name']}']") is None



def test_f10_the_package_table_can_be_analyzed_with_an_empty_search_path(sysadmin):
    """ANALYZE evaluates the trigram indexes' functions; autovacuum does so with an empty
    search_path. Without statistics the duplicate query's plan goes blind."""
    org = factories.Organization()
    create_entry(sysadmin, org["id"], data_items=[
        {"name": "统一社会信用代码", "type": "string", "source_org": org["name"]}])
    with model.meta.engine.connect() as connection:
        connection.execute(sa.text("set search_path = ''"))
        connection.execute(sa.text("analyze public.package"))
        names = connection.execute(sa.text(
            "select public.dongchang_data_item_text(extras) from public.package")).scalars()
        assert "统一社会信用代码" in list(names)


def _item_text(dataset_id: str) -> str | None:
    return model.Session.execute(sa.text(
        "select items_text from dongchang_entry_item_text where package_id = :id"),
        {"id": dataset_id}).scalar()


def test_f10_item_names_for_duplicate_detection_follow_every_write(sysadmin):
    """The duplicate query reads data item names from ``dongchang_entry_item_text`` (issue 20
    item 4: no JSON parsed per candidate). A trigger keeps it: create, update, a write that
    bypasses the actions (SQL, as bulk loads do) and purge."""
    org = factories.Organization()
    entry = create_entry(sysadmin, org["id"], data_items=[
        {"name": "统一社会信用代码", "type": "string", "source_org": org["name"]}])
    assert _item_text(entry["id"]) == "统一社会信用代码"

    helpers.call_action("package_patch", {"user": sysadmin["name"]}, id=entry["id"],
                        data_items=[{"name": "企业名称", "type": "string",
                                     "source_org": org["name"]},
                                    {"name": "注册资本", "type": "string",
                                     "source_org": org["name"]}])
    assert _item_text(entry["id"]) == "企业名称 注册资本"

    model.Session.execute(sa.text(
        "update package set extras = jsonb_set(extras, '{data_items}', "
        "to_jsonb(CAST(:items AS text))) where id = :id"),
        {"id": entry["id"], "items": '[{"name": "法定代表人"}]'})
    assert _item_text(entry["id"]) == "法定代表人"

    helpers.call_action("dataset_purge", {"user": sysadmin["name"]}, id=entry["id"])
    assert _item_text(entry["id"]) is None
