"""Security review, workflow holes (issue 14, items 10 and 11): a published entry's public
fields change only after the Bureau's review, and a grant cannot outlive its bounds."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from ckan import model

from ckanext.dongchang.catalog.revision_model import PendingRevision
from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.requests.model import AccessRequest
from tests.api import Api, EnglishApi
from tests.conftest import PLUGINS
from tests.entries import conditional
from tests.factories import CatalogEntry, Department, Official
from tests.grants import verify_applicant

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

SECRET_URL = "https://files.example.gov.cn/secret-registrations.csv"


def _day(offset: int) -> str:
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


# --- item 11: valid_until is bounded -----------------------------------------------------------

@pytest.fixture
def grants(app, sysadmin, bureau):
    owner = Department(name="dcf-scjg", title="区市场监督管理局")
    users = {name: Official(name=name, department=org, capacity="admin") for name, org in (
        ("dsjj-admin", bureau), ("scjg-admin", owner), ("company-li", None),
        ("citizen-wang", None))}
    entry = CatalogEntry(user=sysadmin, owner_org=owner, name="credit",
                         title="东昌府区企业信用信息",
                         resources=[{"name": "信用", "url": SECRET_URL, "format": "CSV"}],
                         **conditional(share_class="unconditional"))
    return {"entry": entry, "api": {name: EnglishApi(app, user) for name, user in users.items()}}


def _citizen_request(grants):
    return grants["api"]["citizen-wang"].ok(
        "dongchang_access_request_create", dataset_id=grants["entry"]["id"],
        applicant_kind="citizen", purpose="social_services", use_scenario="养老服务地图")


@pytest.mark.ckan_config("ckanext.dongchang.default_grant_days", "365")
def test_f4_valid_until_9999_is_refused_naming_the_latest_allowed_day(grants):
    request = _citizen_request(grants)
    error = grants["api"]["scjg-admin"].error("dongchang_access_request_approve",
                                              id=request["id"], valid_until="9999-12-31")
    assert set(error) == {"valid_until", "__type"}
    assert _day(365) in error["valid_until"][0]
    assert model.Session.query(AccessRequest).one().state == "submitted"

    approved = grants["api"]["scjg-admin"].ok("dongchang_access_request_approve",
                                              id=request["id"], valid_until=_day(365))
    assert approved["valid_until"] == _day(365)


@pytest.mark.ckan_config("ckanext.dongchang.default_grant_days", "30")
def test_f4_the_grant_length_is_configuration(grants):
    request = _citizen_request(grants)
    error = grants["api"]["scjg-admin"].error("dongchang_access_request_approve",
                                              id=request["id"], valid_until=_day(31))
    assert _day(30) in error["valid_until"][0]
    approved = grants["api"]["scjg-admin"].ok("dongchang_access_request_approve",
                                              id=request["id"])
    assert approved["valid_until"] == _day(30)


def test_f4_commercial_use_is_not_granted_beyond_the_tender_contract(grants):
    api = grants["api"]
    tender = api["dsjj-admin"].ok(
        "dongchang_tender_create", title="东昌府区企业信用数据商业利用公开招标",
        dataset_ids=["credit"], method="public_tender", notice="招标公告", scope="企业征信服务",
        bidding_start=_day(-30), bidding_end=_day(-10))
    api["dsjj-admin"].ok("dongchang_tender_award", id=tender["id"], awardee="company-li",
                         contract_start=_day(0), contract_end=_day(60))
    request = api["company-li"].ok(
        "dongchang_access_request_create", dataset_id=grants["entry"]["id"],
        applicant_kind="legal_person", purpose="commercial", use_scenario="企业征信服务",
        tender_id=tender["id"])
    verify_applicant(api["scjg-admin"], request["id"])
    error = api["scjg-admin"].error("dongchang_access_request_approve", id=request["id"],
                                    valid_until=_day(90))
    assert set(error) == {"valid_until", "__type"}
    assert _day(60) in error["valid_until"][0] and "contract" in error["valid_until"][0]
    approved = api["scjg-admin"].ok("dongchang_access_request_approve", id=request["id"])
    assert approved["valid_until"] == _day(60)


# --- item 10: a published entry's public fields change after the Bureau's review ---------------

HELD = "dongchang_pending_revision"
PUBLISHED_TITLE = "东昌府区市场主体登记信息"
UNREVIEWED_URL = "https://files.example.gov.cn/not-yet-reviewed-registrations.csv"


@pytest.fixture
def world(app, sysadmin, bureau):
    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    rsj = Department(name="dcf-rsj", title="区人力资源和社会保障局")
    users = {name: Official(name=name, department=org, capacity=role) for name, org, role in [
        ("scjg-admin", scjg, "admin"), ("scjg-editor", scjg, "editor"),
        ("scjg-member", scjg, "member"), ("rsj-admin", rsj, "admin"),
        ("bureau-admin", bureau, "admin"), ("citizen", None, "member")]}
    entry = CatalogEntry(user=sysadmin, owner_org=scjg, name="registrations",
                         title=PUBLISHED_TITLE,
                         resources=[{"name": "登记表", "url": "https://data.example.gov.cn/r.csv",
                                     "format": "CSV"}])
    api = {name: Api(app, user) for name, user in users.items()}
    api["anonymous"] = Api(app)
    return {"entry": entry, "api": api, "orgs": {"scjg": scjg, "rsj": rsj}}


def _actions(dataset_id):
    return [e.action for e in model.Session.query(AuditEvent)
            .filter(AuditEvent.object_id == dataset_id).order_by(AuditEvent.id)]


def test_f10_a_title_change_waits_and_the_published_version_stays_public(world):
    editor, bureau, anonymous = (world["api"][n] for n in ("scjg-editor", "bureau-admin",
                                                            "anonymous"))
    entry = world["entry"]
    answer = editor.ok("package_patch", id=entry["id"], title="东昌府区市场主体登记信息（新版）",
                       notes="新的摘要")
    assert answer["title"] == PUBLISHED_TITLE and answer["catalog_state"] == "published"
    assert answer[HELD]["fields"] == ["title", "notes"]
    assert "审核" in answer[HELD]["message"]
    public = anonymous.ok("package_show", id=entry["id"])
    assert (public["title"], public["private"]) == (PUBLISHED_TITLE, False)
    assert anonymous.ok("package_search", q="新版")["count"] == 0

    queue = bureau.ok("dongchang_catalog_list", include_checks=True)["results"]
    assert [item["name"] for item in queue] == ["registrations"]
    diff = {c["field"]: (c["before"], c["after"]) for c in queue[0]["changes"]}
    assert diff["title"] == (PUBLISHED_TITLE, "东昌府区市场主体登记信息（新版）")
    assert queue[0]["revision"]["state"] == "pending"

    decided = bureau.ok("dongchang_catalog_review", id=entry["id"], decision="publish")
    assert decided["catalog_state"] == "published" and decided["revision"]["state"] == \
        "approved"
    public = anonymous.ok("package_show", id=entry["id"])
    assert (public["title"], public["notes"]) == ("东昌府区市场主体登记信息（新版）", "新的摘要")
    assert _actions(entry["id"]) == ["catalog_revision_submit", "catalog_revision_publish"]
    assert bureau.ok("dongchang_catalog_list")["count"] == 0


def test_f10_bookkeeping_fields_are_saved_at_once(world):
    editor = world["api"]["scjg-editor"]
    answer = editor.ok("package_patch", id=world["entry"]["id"], update_cycle="weekly")
    assert answer["update_cycle"] == "weekly" and HELD not in answer
    assert model.Session.query(PendingRevision).count() == 0


def test_f10_a_mixed_edit_saves_bookkeeping_at_once_and_holds_the_rest(world):
    editor, anonymous = world["api"]["scjg-editor"], world["api"]["anonymous"]
    answer = editor.ok("package_patch", id=world["entry"]["id"], update_cycle="weekly",
                       title="新标题")
    assert (answer["update_cycle"], answer["title"]) == ("weekly", PUBLISHED_TITLE)
    assert answer[HELD]["fields"] == ["title"]
    assert anonymous.ok("package_show", id=world["entry"]["id"])["update_cycle"] == "weekly"


def test_f10_resource_create_update_delete_are_held_and_the_answer_says_so(world):
    editor, bureau, anonymous = (world["api"][n] for n in ("scjg-editor", "bureau-admin",
                                                            "anonymous"))
    entry = world["entry"]
    old = entry["resources"][0]
    created = editor.ok("resource_create", package_id=entry["id"], name="新增文件",
                        url=UNREVIEWED_URL, format="CSV")
    assert created["url"] == UNREVIEWED_URL and created[HELD]["fields"] == ["resources"]
    second = editor.ok("resource_create", package_id=entry["id"], name="第二个新文件",
                       url="https://files.example.gov.cn/second.csv", format="CSV")
    assert second["id"] != created["id"]
    updated = editor.ok("resource_patch", id=old["id"], name="登记表（更名）")
    assert updated["name"] == "登记表（更名）" and updated[HELD]
    public = anonymous.ok("package_show", id=entry["id"])
    assert [r["name"] for r in public["resources"]] == ["登记表"]
    assert UNREVIEWED_URL not in str(public)

    queue = bureau.ok("dongchang_catalog_list", include_checks=True)["results"][0]
    rows = [c for c in queue["changes"] if c["field"] == "resources"]
    assert len(rows) == 3 and any(UNREVIEWED_URL in row["after"] for row in rows)
    bureau.ok("dongchang_catalog_review", id=entry["id"], decision="publish")
    public = anonymous.ok("package_show", id=entry["id"])
    assert [r["name"] for r in public["resources"]] == [
        "登记表（更名）", "新增文件", "第二个新文件"]
    assert public["resources"][0]["id"] == old["id"]

    deleted = editor.post("resource_delete", id=old["id"])["result"]
    assert deleted[HELD]["fields"] == ["resources"]
    assert len(anonymous.ok("package_show", id=entry["id"])["resources"]) == 3


def test_f10_return_discards_the_change_and_the_department_sees_the_reason(world):
    editor, bureau, anonymous = (world["api"][n] for n in ("scjg-editor", "bureau-admin",
                                                            "anonymous"))
    entry = world["entry"]
    editor.ok("package_patch", id=entry["id"], title="错误的标题")
    assert "reason" in bureau.error("dongchang_catalog_review", id=entry["id"],
                                    decision="return", reason=" ")
    bureau.ok("dongchang_catalog_review", id=entry["id"], decision="return",
              reason="标题应与政务数据资源名称一致")
    assert anonymous.ok("package_show", id=entry["id"])["title"] == PUBLISHED_TITLE
    mine = editor.ok("dongchang_catalog_revision_list", state="returned")["results"]
    assert [(r["dataset_name"], r["reason"]) for r in mine] == [
        ("registrations", "标题应与政务数据资源名称一致")]
    page = editor.page("/dongchang/my-catalog").get_text()
    assert "标题应与政务数据资源名称一致" in page
    # the next edit starts a new proposal from the published version
    again = editor.ok("package_patch", id=entry["id"], notes="新的摘要")
    assert again[HELD]["fields"] == ["notes"]


def test_art28_a_widening_class_change_waits_and_the_entry_keeps_its_classes(world, sysadmin):
    editor, anonymous = world["api"]["scjg-editor"], world["api"]["anonymous"]
    gated = CatalogEntry(user=sysadmin, owner_org=world["orgs"]["scjg"], name="gated", resources=[
        {"name": "名录", "url": SECRET_URL, "format": "CSV"}], **conditional())
    answer = editor.ok("package_patch", id=gated["id"], open_class="unconditional",
                       share_class="unconditional", open_conditions="", open_reason="",
                       open_legal_basis="", share_conditions="", share_reason="",
                       share_legal_basis="")
    assert "open_class" in answer[HELD]["fields"]
    public = anonymous.ok("package_show", id=gated["id"])
    assert public["open_class"] == "conditional"
    assert SECRET_URL not in str(public)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "rsj-admin", "scjg-member"])
def test_art28_a_pending_proposal_is_seen_only_by_the_owner_department_and_the_bureau(world,
                                                                                      who):
    editor, api = world["api"]["scjg-editor"], world["api"][who]
    entry = world["entry"]
    editor.ok("resource_create", package_id=entry["id"], name="新增文件", url=UNREVIEWED_URL)
    editor.ok("package_patch", id=entry["id"], title="尚未审核的标题")
    answers = [
        api.post("package_show", status=None, id=entry["id"]),
        api.post("package_search", status=None, q="尚未审核"),
        api.post("resource_search", status=None, query="name:新增文件"),
        api.post("dongchang_catalog_list", status=None, include_checks=True),
        api.post("dongchang_catalog_list", status=None, state="published", include_checks=True),
        api.post("dongchang_catalog_revision_list", status=None, include_diff=True),
        api.post("package_activity_list", status=None, id=entry["id"]),
        api.post("dongchang_audit_list", status=None),
    ]
    for answer in answers:
        assert UNREVIEWED_URL not in str(answer) and "尚未审核的标题" not in str(answer)
    page = api.get(f"/dataset/{entry['name']}").get_data(as_text=True)
    assert UNREVIEWED_URL not in page and "尚未审核的标题" not in page
    for name in ("scjg-admin", "bureau-admin"):
        seen = world["api"][name].ok("dongchang_catalog_revision_list", include_diff=True)
        assert UNREVIEWED_URL in str(seen) and "尚未审核的标题" in str(seen)


def test_f10_the_review_page_shows_published_against_proposed_and_publishes(app, world):
    editor, bureau = world["api"]["scjg-editor"], world["api"]["bureau-admin"]
    entry = world["entry"]
    editor.ok("package_patch", id=entry["id"], title="东昌府区市场主体登记信息（新版）")
    card = bureau.page("/dongchang/review").select_one("[data-entry='registrations']")
    text = card.get_text()
    assert PUBLISHED_TITLE in text and "东昌府区市场主体登记信息（新版）" in text
    publish = next(f for f in card.find_all("form") if f["action"].endswith("/publish"))
    token = publish.find("input", attrs={"name": re.compile("csrf")})
    response = app.post(publish["action"], data={token["name"]: token["value"]},
                        headers=bureau.headers, follow_redirects=False)
    assert response.status_code == 302
    assert world["api"]["anonymous"].ok("package_show", id=entry["id"])["title"] == \
        "东昌府区市场主体登记信息（新版）"


def test_f10_the_edit_form_says_the_change_awaits_review(app, world):
    editor = world["api"]["scjg-editor"]
    form = editor.page("/dataset/edit/registrations").find("form", id="dataset-edit")
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "checkbox", "radio", "file") \
                or "REPEATING" in name:  # scheming's template panel, removed by its script
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        else:
            data[name] = field.get("value", "")
    data["title"] = "东昌府区市场主体登记信息（表单新版）"
    data["save"] = ""
    response = app.post("/dataset/edit/registrations", data=data, headers=editor.headers,
                        follow_redirects=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Bureau" in body or "大数据局" in body
    assert "审核" in body
    assert world["api"]["anonymous"].ok("package_show", id="registrations")["title"] == \
        PUBLISHED_TITLE
    assert model.Session.query(PendingRevision).one().fields == ["title"]
