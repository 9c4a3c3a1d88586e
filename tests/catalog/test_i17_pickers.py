"""Issue 17 item 8: pickers, not identifiers. Forms that name a department, an entry, an account
or a request offer them by name (CKAN's ``autocomplete`` module over an endpoint that returns
only what the caller may see or choose), store the identifier, and pages show names."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from ckan import model

from tests.api import EnglishApi as Api
from tests.conftest import PLUGINS
from tests.entries import class_fields, conditional
from tests.factories import CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]



@pytest.fixture
def world(app, sysadmin, bureau):
    scjgj = Department(name="dcf-scjgj", title="区市场监督管理局")
    rsj = Department(name="dcf-rsj", title="区人力资源和社会保障局")
    people = {name: Official(name=name, department=org, capacity=capacity, fullname=full)
              for name, org, capacity, full in (
                  ("dsjj-admin", bureau, "admin", "大数据局管理员"),
                  ("scjgj-editor", scjgj, "editor", "市场局编辑"),
                  ("rsj-editor", rsj, "editor", "人社局编辑"),
                  ("company-li", None, "member", "李氏数据公司"),
                  ("citizen-wang", None, "member", "王市民"))}
    entries = {
        "credit": CatalogEntry(user=sysadmin, owner_org=scjgj, name="credit",
                               title="东昌府区企业信用信息", resource_code="371502-SCJG-00101",
                               resources=[{"name": "信用", "format": "CSV", "audience": "open",
                                           "url": "https://files.example.gov.cn/credit.csv"}],
                               **conditional(share_class="unconditional")),
        # shared among departments, open to nobody: the public may not know it exists
        "inspections": CatalogEntry(user=sysadmin, owner_org=scjgj, name="inspections",
                                    title="东昌府区企业信用检查记录", resources=[],
                                    **class_fields("unconditional", "not_open")),
    }
    api = {name: Api(app, user) for name, user in people.items()}
    api["anonymous"] = Api(app)
    return {"people": people, "entries": entries, "api": api, "scjgj": scjgj, "rsj": rsj}


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _picker(soup, name):
    field = soup.find(attrs={"name": name})
    assert field is not None, name
    assert field.get("data-module") == "autocomplete", field
    return field


# --- 权威来源部门: a department by its name -------------------------------------------------
def _item_entry(world, source, **extra):
    return world["api"]["scjgj-editor"].post("package_create", status=extra.pop("status", 200),
                                             **_entry_fields(world, source, **extra))


def _entry_fields(world, source, **extra):
    from tests.entries import entry_dict

    data = entry_dict(world["scjgj"]["id"], name="licences", title="东昌府区营业执照信息",
                      catalog_state="draft",
                      data_items=[{"name": "统一社会信用代码", "type": "string",
                                   "source_org": source}])
    data.update(extra)
    return data


def test_i17_source_department_form_is_a_picker_of_departments(world):
    page = _soup(world["api"]["scjgj-editor"].get("/en/dataset/new"))
    field = _picker(page, "data_items-0-source_org")
    assert "organization/autocomplete" in field["data-module-source"]
    assert field["data-module-key"] == "name" and field["data-module-label"] == "title"


def test_i17_a_department_typed_by_its_title_is_stored_by_its_url_name(world):
    created = _item_entry(world, "区市场监督管理局")["result"]
    assert created["data_items"][0]["source_org"] == "dcf-scjgj"
    picked = world["api"]["scjgj-editor"].ok("package_patch", id=created["id"], data_items=[
        {"name": "统一社会信用代码", "type": "string", "source_org": "dcf-scjgj"}])
    assert picked["data_items"][0]["source_org"] == "dcf-scjgj"
    unknown = _item_entry(world, "区不存在局", name="licences-2", status=409)
    assert "区不存在局" in str(unknown["error"])


def test_i17_entry_page_shows_the_source_departments_title_not_its_slug(world):
    created = _item_entry(world, "dcf-scjgj")["result"]
    page = _soup(world["api"]["scjgj-editor"].get(f"/en/dataset/{created['name']}"))
    shown = page.select_one(".dongchang-department")
    assert shown is not None and shown.get_text(strip=True) == "区市场监督管理局"
    edit = _soup(world["api"]["scjgj-editor"].get(f"/en/dataset/edit/{created['name']}"))
    assert edit.find(attrs={"name": "data_items-0-source_org"})["value"] == "区市场监督管理局"


# --- entries: what the caller may see, never a hidden one ---------------------------------
def _entries(world, who, q, **params):
    response = world["api"][who].get("/dongchang/autocomplete/entries",
                                     query_string=dict(params, q=q))
    assert response.status_code == 200
    return response.json


def test_i17_entry_picker_names_only_entries_the_caller_may_see(world):
    public = _entries(world, "citizen-wang", "企业信用")
    assert [e["title"] for e in public] == ["东昌府区企业信用信息"]
    assert public[0]["name"] == "credit" and public[0]["resource_code"] == "371502-SCJG-00101"
    assert _entries(world, "anonymous", "检查记录") == []
    assert _entries(world, "citizen-wang", "inspections") == []
    official = {e["name"] for e in _entries(world, "rsj-editor", "企业信用")}
    assert official == {"credit", "inspections"}  # shared with every department
    conditional_only = _entries(world, "rsj-editor", "企业信用", open_class="conditional")
    assert [e["name"] for e in conditional_only] == ["credit"]
    assert _entries(world, "citizen-wang", "") == []
    _item_entry(world, "dcf-scjgj")  # a draft: its own department is not offered it either
    assert _entries(world, "scjgj-editor", "营业执照") == []
    assert _entries(world, "citizen-wang", 'title:* OR "') == []


# --- tenders: entries and the awardee by name ------------------------------------------------
def test_i17_tender_form_picks_entries_and_the_page_names_them(world):
    bureau = world["api"]["dsjj-admin"]
    form = _soup(bureau.get("/en/tender/new"))
    field = _picker(form, "dataset_ids")
    assert "/dongchang/autocomplete/entries" in field["data-module-source"]
    assert "open_class=conditional" in field["data-module-source"]
    assert field["data-module-tags"] == "true"
    tender = bureau.ok("dongchang_tender_create", title="企业信用数据商业利用招标",
                       dataset_ids="credit", method="public_tender", notice="招标公告",
                       scope="企业征信服务",
                       bidding_start=(dt.date.today() - dt.timedelta(days=30)).isoformat(),
                       bidding_end=(dt.date.today() - dt.timedelta(days=10)).isoformat())
    assert tender["dataset_ids"] == [world["entries"]["credit"]["id"]]  # stored as the id
    page = _soup(bureau.get(f"/en/tender/{tender['id']}"))
    award = _picker(page, "awardee")
    assert "user/autocomplete" in award["data-module-source"]
    bureau.ok("dongchang_tender_award", id=tender["id"], awardee="李氏数据公司",
              contract_start=dt.date.today().isoformat(),
              contract_end=(dt.date.today() + dt.timedelta(days=365)).isoformat())
    shown = _soup(world["api"]["anonymous"].get(f"/en/tender/{tender['id']}"))
    assert shown.select_one(".dongchang-tender-entries a").get_text() == "东昌府区企业信用信息"
    assert shown.select_one(".dongchang-awardee").get_text(strip=True) == "李氏数据公司"
    stored = model.Session.execute(
        model.Session.query(model.User.id).filter(model.User.name == "company-li")).scalar()
    assert bureau.ok("dongchang_tender_show", id=tender["id"])["awardee"] == "company-li"
    assert stored


# --- product sources: entries and the registrant's own approved requests --------------------
def test_i17_product_form_picks_sources_and_the_requests_are_the_callers_own(world, app):
    company = world["api"]["company-li"]
    form = _soup(company.get("/en/data-product/register"))
    entry = _picker(form, "sources__0__dataset_id")
    assert "/dongchang/autocomplete/entries" in entry["data-module-source"]
    request_field = _picker(form, "sources__0__access_request_id")
    assert "/dongchang/autocomplete/requests" in request_field["data-module-source"]

    mine = world["api"]["citizen-wang"].ok(
        "dongchang_access_request_create", dataset_id="credit", applicant_kind="citizen",
        purpose="social_services", use_scenario="养老服务地图")
    owner = world["api"]["scjgj-editor"]
    owner.ok("dongchang_access_request_approve", id=mine["id"])
    theirs = world["api"]["citizen-wang"].get("/dongchang/autocomplete/requests",
                                              query_string={"q": "企业"}).json
    assert [r["id"] for r in theirs] == [mine["id"]]
    assert theirs[0]["name"] == mine["id"]  # CKAN's client drops completions without a name
    assert "东昌府区企业信用信息" in theirs[0]["label"]
    # nobody else's request, and nothing for a visitor
    assert company.get("/dongchang/autocomplete/requests", query_string={"q": "企业"}).json == []
    assert world["api"]["anonymous"].get("/dongchang/autocomplete/requests",
                                         query_string={"q": "企业"}).json == []


# --- related entries: picked by title, stored as resource codes, shown by title -------------
def test_i17_related_entries_are_picked_and_shown_by_title_where_the_reader_may_see_them(
        world, sysadmin):
    editor = world["api"]["scjgj-editor"]
    form = _soup(editor.get("/en/dataset/new"))
    field = _picker(form, "related_resource_codes")
    assert "/dongchang/autocomplete/entries" in field["data-module-source"]
    assert field["data-module-key"] == "resource_code"
    inspections = world["entries"]["inspections"]["resource_code"]
    created = CatalogEntry(user=sysadmin, owner_org=world["scjgj"], name="licences",
                           title="东昌府区营业执照信息",
                           related_resource_codes=f"371502-SCJG-00101, {inspections}")
    assert created["related_resource_codes"] == f"371502-SCJG-00101, {inspections}"
    public = _soup(world["api"]["citizen-wang"].get(f"/en/dataset/{created['name']}"))
    shown = public.select_one(".dongchang-related-entries")
    assert shown.find("a", string="东昌府区企业信用信息") is not None
    assert "东昌府区企业信用检查记录" not in shown.get_text()  # hidden from the public
    assert inspections in shown.get_text()
    official = _soup(world["api"]["rsj-editor"].get(f"/en/dataset/{created['name']}"))
    assert official.select_one(".dongchang-related-entries").find(
        "a", string="东昌府区企业信用检查记录") is not None
    edit = _soup(editor.get(f"/en/dataset/edit/{created['name']}"))
    labels = edit.find(attrs={"name": "related_resource_codes"})["data-picked-labels"]
    assert "东昌府区企业信用信息" in labels.encode().decode("unicode_escape")
