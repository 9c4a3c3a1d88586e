"""Issue 17 item 9 (the rest): the application form shows fields by purpose, and the request
page of a commercial-use request names the tender and its contract; item 8: the awardee picks
the tender instead of typing its number."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from ckanext.dongchang.requests import rules
from tests.api import EnglishApi as Api
from tests.conftest import PLUGINS
from tests.entries import conditional
from tests.factories import CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]



def _day(offset: int) -> str:
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def world(app, sysadmin, bureau):
    owner = Department(name="dcf-scjg", title="区市场监督管理局")
    people = {name: Official(name=name, department=org, capacity="admin", fullname=full)
              for name, org, full in (("dsjj-admin", bureau, "大数据局管理员"),
                                      ("scjg-admin", owner, "市场局管理员"),
                                      ("company-li", None, "李氏数据公司"),
                                      ("citizen-wang", None, "王市民"))}
    entry = CatalogEntry(user=sysadmin, owner_org=owner, name="credit",
                         title="东昌府区企业信用信息", resource_code="371502-SCJG-00101",
                         resources=[{"name": "信用", "format": "CSV", "audience": "open",
                                     "url": "https://files.example.gov.cn/credit.csv"}],
                         **conditional(share_class="unconditional"))
    api = {name: Api(app, user) for name, user in people.items()}
    return {"entry": entry, "api": api}


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _awarded_tender(world):
    bureau = world["api"]["dsjj-admin"]
    tender = bureau.ok("dongchang_tender_create", title="企业信用数据商业利用招标",
                       dataset_ids=["credit"], method="public_tender", notice="招标公告",
                       scope="企业征信服务", bidding_start=_day(-30), bidding_end=_day(-10))
    bureau.ok("dongchang_tender_award", id=tender["id"], awardee="company-li",
              contract_start=_day(0), contract_end=_day(365))
    return tender


def test_i17_the_form_marks_each_field_with_the_purposes_that_use_it(world):
    form = _soup(world["api"]["citizen-wang"].get("/en/dataset/credit/request"))
    assert form.select_one("form[data-module=dongchang-purpose-fields]") is not None
    marked = {field.find(attrs={"name": True})["name"]: field["data-purposes"].split()
              for field in form.select(".dongchang-purpose-field")
              if field.find(attrs={"name": True})}
    assert marked == {"institution": ["research"], "public_interest_attested": ["research"]}
    # no awarded tender: the tender field explains and links the tenders, nothing to type
    tender_field = form.select_one(".dongchang-purpose-field[data-purposes=commercial]")
    assert tender_field.select_one(".dongchang-no-tender") is not None
    assert tender_field.select_one("a[href$='/tender?dataset=credit']") is not None  # its tenders
    # fields every purpose uses are not marked
    assert form.find(attrs={"name": "use_scenario"}).find_parent(
        class_="dongchang-purpose-field") is None


def test_i17_a_hidden_by_purpose_field_is_neither_required_nor_stored(world):
    assert rules.without_unused_fields(
        {"purpose": "social_services", "tender_id": "T1", "institution": "聊城大学",
         "use_scenario": "x"}) == {"purpose": "social_services", "use_scenario": "x"}
    citizen = world["api"]["citizen-wang"]
    created = citizen.ok("dongchang_access_request_create", dataset_id="credit",
                         applicant_kind="citizen", purpose="social_services",
                         use_scenario="养老服务地图", tender_id="T-NOT-A-TENDER",
                         institution="聊城大学", public_interest_attested=False)
    shown = citizen.ok("dongchang_access_request_show", id=created["id"])
    assert shown["tender_id"] is None and shown["institution"] == ""


def test_i17_the_awardee_picks_the_tender_and_the_department_sees_it_with_the_contract(world):
    tender = _awarded_tender(world)
    company = world["api"]["company-li"]
    form = _soup(company.get("/en/dataset/credit/request"))
    picker = form.find("select", attrs={"name": "tender_id"})
    assert picker is not None
    assert [o["value"] for o in picker.find_all("option") if o["value"]] == [tender["id"]]
    assert "企业信用数据商业利用招标" in picker.get_text()
    request = company.ok("dongchang_access_request_create", dataset_id="credit",
                         applicant_kind="legal_person", purpose="commercial",
                         use_scenario="企业征信服务", tender_id=tender["id"])
    page = _soup(world["api"]["scjg-admin"].get(f"/en/dongchang/request/{request['id']}"))
    shown = page.select_one(".dongchang-request-tender")
    assert shown is not None
    link = shown.find("a")
    assert link.get_text() == "企业信用数据商业利用招标"
    assert link["href"].endswith(f"/tender/{tender['id']}")
    assert "李氏数据公司" in shown.get_text()
    contract = page.select_one(".dongchang-request-contract").get_text()
    assert _day(0) in contract and _day(365) in contract
