"""Tenders for commercial use over HTTP, on real PostgreSQL, Solr and Redis (Art. 25; F-6)."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.tests import helpers

from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.requests.model import AccessRequest
from ckanext.dongchang.tenders import service
from ckanext.dongchang.tenders.model import Tender
from tests.api import EnglishApi as Api
from tests.conftest import PLUGINS
from tests.entries import conditional
from tests.factories import CatalogEntry, Department, Official
from tests.grants import sign_agreement, verify_applicant

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

SECRET_URL = "https://files.example.gov.cn/credit-secret.csv"


def _day(offset: int) -> str:
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def world(app, sysadmin, bureau):
    owner = Department(name="dcf-scjg", title="区市场监督管理局")
    users = {name: Official(name=name, department=org, capacity="admin") for name, org in (
        ("dsjj-admin", bureau), ("scjg-admin", owner), ("company-li", None),
        ("company-zhao", None), ("citizen-wang", None))}
    entries = {
        "credit": CatalogEntry(user=sysadmin, owner_org=owner, name="credit",
                               title="东昌府区企业信用信息", resource_code="371502-SCJG-00101",
                               resources=[{"name": "信用", "url": SECRET_URL, "format": "CSV",
                                           "audience": "open"}],
                               **conditional(share_class="unconditional")),
        "permits": CatalogEntry(user=sysadmin, owner_org=owner, name="permits",
                                title="东昌府区行政许可信息",
                                **conditional(share_class="unconditional")),
        "open": CatalogEntry(user=sysadmin, owner_org=owner, name="open-entry",
                             title="东昌府区公开名录"),
    }
    api = {name: Api(app, user) for name, user in users.items()}
    api["bureau"] = api["dsjj-admin"]
    api["anonymous"] = Api(app)
    return {"users": users, "entries": entries, "api": api}


def _announce(world, entries=("credit",), **overrides):
    data = {"title": "东昌府区企业信用数据商业利用公开招标",
            "dataset_ids": [world["entries"][key]["name"] for key in entries],
            "method": "public_tender", "notice": "招标公告：企业信用数据商业利用。",
            "scope": "企业征信服务", "bidding_start": _day(-30), "bidding_end": _day(-10)}
    data.update(overrides)
    return world["api"]["bureau"].ok("dongchang_tender_create", **data)


def _award(world, tender, awardee="company-li", **overrides):
    data = {"id": tender["id"], "awardee": awardee, "contract_start": _day(0),
            "contract_end": _day(365)}
    data.update(overrides)
    return world["api"]["bureau"].ok("dongchang_tender_award", **data)


def _commercial(world, who, tender_id, entry="credit", status=200):
    data = {"dataset_id": world["entries"][entry]["id"], "applicant_kind": "legal_person",
            "purpose": "commercial", "use_scenario": "企业征信服务", "tender_id": tender_id}
    return world["api"][who].post("dongchang_access_request_create", status=status, **data)


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


# Let through: the portal calls the gated file's registered upstream, which does not answer
# in tests (``tests.entries.UNANSWERED_UPSTREAM``), so 502; a refusal is 403/404.
LET_THROUGH = 502


def _download_status(world, who, entry="credit"):
    dataset = world["entries"][entry]
    return world["api"][who].get(
        f"/dataset/{dataset['id']}/resource/{dataset['resources'][0]['id']}/download"
    ).status_code


# --- the public competition -------------------------------------------------------------------
def test_f6_anonymous_sees_the_public_tender_list_and_notice(world):
    anonymous = world["api"]["anonymous"]
    empty = anonymous.get("/en/tender")
    assert empty.status_code == 200
    assert "There are no tenders at the moment." in _soup(empty).get_text(" ")
    tender = _announce(world)
    assert tender["state"] == "bidding_closed"  # its bidding window is over
    assert tender["id"].startswith("T")
    listed = anonymous.ok("dongchang_tender_list")
    assert [t["id"] for t in listed["results"]] == [tender["id"]]
    assert listed["results"][0]["datasets"][0]["title"] == "东昌府区企业信用信息"
    page = _soup(anonymous.get("/en/tender"))
    assert page.find("a", string="东昌府区企业信用数据商业利用公开招标")
    notice = anonymous.get(f"/en/tender/{tender['id']}")
    assert notice.status_code == 200
    text = _soup(notice).get_text(" ")
    assert "东昌府区企业信用信息" in text and tender["id"] in text and "招标公告" in text
    assert not _soup(notice).select("form.dongchang-award, form.dongchang-cancel")


def test_f6_open_tenders_and_cancelled_ones_are_listed_by_state(world):
    open_tender = _announce(world, bidding_start=_day(0), bidding_end=_day(20))
    cancelled = _announce(world, title="已取消的招标")
    world["api"]["bureau"].ok("dongchang_tender_cancel", id=cancelled["id"], reason="预算调整")
    anonymous = world["api"]["anonymous"]
    default = anonymous.ok("dongchang_tender_list")
    assert [t["id"] for t in default["results"]] == [open_tender["id"]]
    assert default["results"][0]["state"] == "announced"
    only_cancelled = anonymous.ok("dongchang_tender_list", state="cancelled")
    assert [t["id"] for t in only_cancelled["results"]] == [cancelled["id"]]
    assert only_cancelled["results"][0]["cancel_reason"] == "预算调整"
    assert "state" in anonymous.error("dongchang_tender_list", status=409, state="secret")


def test_f6_the_list_is_paginated(world):
    for number in range(22):
        _announce(world, title=f"招标{number:02d}")
    anonymous = world["api"]["anonymous"]
    first = anonymous.ok("dongchang_tender_list")
    second = anonymous.ok("dongchang_tender_list", page=2)
    assert first["count"] == 22 and len(first["results"]) == 20 and len(second["results"]) == 2
    page = _soup(anonymous.get("/en/tender?page=2"))
    assert len(page.select("table.dongchang-tenders tbody tr")) == 2
    assert page.select(".pagination")


@pytest.mark.parametrize("who", ["anonymous", "citizen-wang", "scjg-admin"])
def test_f6_only_the_bureau_announces_awards_and_cancels(world, who):
    api = world["api"][who]
    data = {"title": "x", "dataset_ids": ["credit"], "method": "public_tender", "notice": "n",
            "scope": "s", "bidding_start": _day(-30), "bidding_end": _day(-10)}
    api.error("dongchang_tender_create", status=403, **data)
    tender = _announce(world)
    api.error("dongchang_tender_award", status=403, id=tender["id"], awardee="company-li",
              contract_start=_day(0), contract_end=_day(30))
    api.error("dongchang_tender_cancel", status=403, id=tender["id"], reason="r")
    api.error("dongchang_tender_update", status=403, id=tender["id"], title="改")
    assert model.Session.query(Tender).one().state == "announced"
    assert api.get("/tender/new").status_code in (302, 403)


def test_f3_a_tender_counts_but_never_names_an_entry_hidden_from_the_viewer(world, sysadmin):
    tender = _announce(world, entries=("credit", "permits"))
    helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                        id=world["entries"]["permits"]["id"], catalog_state="draft")
    anonymous = world["api"]["anonymous"]
    shown = anonymous.ok("dongchang_tender_show", id=tender["id"])
    assert [d["name"] for d in shown["datasets"]] == ["credit"]
    assert shown["hidden_datasets"] == 1
    assert world["entries"]["permits"]["id"] not in str(shown)
    page = anonymous.get(f"/en/tender/{tender['id']}").get_data(as_text=True)
    assert "东昌府区行政许可信息" not in page and "1 entry not open to you" in page
    hidden_filter = anonymous.ok("dongchang_tender_list", dataset_id="permits")
    assert hidden_filter["count"] == 0
    bureau = world["api"]["bureau"].ok("dongchang_tender_show", id=tender["id"])
    assert bureau["hidden_datasets"] == 0 and len(bureau["datasets"]) == 2


# --- commercial requests rest on an awarded tender --------------------------------------------
def test_art25_the_awardee_may_request_commercial_use_and_nobody_else(world):
    tender = _award(world, _announce(world))
    assert tender["state"] == "awarded" and tender["awardee"] == "company-li"
    request = _commercial(world, "company-li", tender["id"].lower())["result"]
    assert request["state"] == "submitted" and request["tender_id"] == tender["id"]
    refused = _commercial(world, "company-zhao", tender["id"], status=409)["error"]
    assert set(refused) == {"tender_id", "__type"}
    assert "awarded to another bidder" in refused["tender_id"][0]


@pytest.mark.parametrize(("case", "phrase"), [
    ("unknown", "no tender with this number"),
    ("not_awarded", "has not been awarded yet"),
    ("not_covered", "does not cover this entry"),
    ("cancelled", "was cancelled"),
])
def test_art25_a_refused_commercial_request_says_which_condition_failed(world, case, phrase):
    if case == "unknown":
        tender_id = "T20260101-000000"
    elif case == "not_awarded":
        tender_id = _announce(world)["id"]
    elif case == "not_covered":
        tender_id = _award(world, _announce(world, entries=("permits",)))["id"]
    else:
        tender_id = _award(world, _announce(world))["id"]
        world["api"]["bureau"].ok("dongchang_tender_cancel", id=tender_id, reason="撤销")
    error = _commercial(world, "company-li", tender_id, status=409)["error"]
    assert set(error) == {"tender_id", "__type"}
    assert phrase in error["tender_id"][0]
    assert model.Session.query(AccessRequest).count() == 0


def test_art25_a_commercial_request_outside_the_contract_period_is_refused(world):
    tender = _award(world, _announce(world), contract_start=_day(10), contract_end=_day(40))
    error = _commercial(world, "company-li", tender["id"], status=409)["error"]
    assert "outside the tender's contract period" in error["tender_id"][0]
    assert _day(10) in error["tender_id"][0]
    # The contract ran out yesterday; the daily job has not run yet: still refused.
    model.Session.query(Tender).filter_by(id=tender["id"]).update(
        {"contract_start": dt.date.today() - dt.timedelta(days=60),
         "contract_end": dt.date.today() - dt.timedelta(days=1)})
    model.Session.commit()
    error = _commercial(world, "company-li", tender["id"], status=409)["error"]
    assert "outside the tender's contract period" in error["tender_id"][0]


def test_art25_commercial_use_cannot_be_asked_beyond_the_contract(world):
    tender = _award(world, _announce(world), contract_end=_day(30))
    error = world["api"]["company-li"].error(
        "dongchang_access_request_create", dataset_id="credit", applicant_kind="legal_person",
        purpose="commercial", use_scenario="征信", tender_id=tender["id"],
        period_end=_day(60))
    assert set(error) == {"period_end", "__type"}


# --- ending a tender ends the access resting on it --------------------------------------------
def _granted(world, tender):
    request = _commercial(world, "company-li", tender["id"])["result"]
    decider = world["api"]["scjg-admin"]
    verify_applicant(decider, request["id"])
    decider.ok("dongchang_access_request_approve", id=request["id"])
    sign_agreement(world["api"]["company-li"], decider, request["id"])
    assert _download_status(world, "company-li") == LET_THROUGH
    return request


def test_f6_cancelling_a_tender_ends_the_access_granted_under_it(world):
    tender = _award(world, _announce(world, entries=("credit", "permits")))
    granted = _granted(world, tender)
    pending = _commercial(world, "company-li", tender["id"], entry="permits")["result"]
    bureau = world["api"]["bureau"]
    assert "reason" in bureau.error("dongchang_tender_cancel", id=tender["id"], reason="  ")
    assert _download_status(world, "company-li") == LET_THROUGH
    cancelled = bureau.ok("dongchang_tender_cancel", id=tender["id"], reason="中标人违约")
    assert cancelled["state"] == "cancelled"
    assert _download_status(world, "company-li") == 403
    company = world["api"]["company-li"]
    revoked = company.ok("dongchang_access_request_show", id=granted["id"])
    assert revoked["state"] == "revoked"
    assert tender["id"] in revoked["reason"] and "中标人违约" in revoked["reason"]
    assert company.ok("dongchang_access_request_show", id=pending["id"])["state"] == "refused"
    actions = {e.action for e in model.Session.query(AuditEvent).all()}
    assert {"tender_cancelled", "access_request_revoke", "access_request_refuse"} <= actions
    assert "state" in bureau.error("dongchang_tender_cancel", id=tender["id"], reason="再次")


def test_f6_the_end_of_the_contract_ends_the_access_granted_under_it(world):
    tender = _award(world, _announce(world))
    granted = _granted(world, tender)
    assert service.end_expired_tenders() == []
    model.Session.query(Tender).filter_by(id=tender["id"]).update(
        {"contract_end": dt.date.today() - dt.timedelta(days=1)})
    model.Session.commit()
    assert service.end_expired_tenders() == [tender["id"]]
    shown = world["api"]["anonymous"].ok("dongchang_tender_show", id=tender["id"])
    assert shown["state"] == "ended"
    request = world["api"]["company-li"].ok("dongchang_access_request_show", id=granted["id"])
    assert request["state"] == "revoked" and tender["id"] in request["reason"]
    assert _download_status(world, "company-li") == 403
    assert service.end_expired_tenders() == []


# --- the Bureau's rules -----------------------------------------------------------------------
def test_f6_a_tender_is_awarded_once_after_bidding_closes_to_a_registered_account(world):
    bureau = world["api"]["bureau"]
    running = _announce(world, bidding_start=_day(-5), bidding_end=_day(5))
    error = bureau.error("dongchang_tender_award", id=running["id"], awardee="company-li",
                         contract_start=_day(0), contract_end=_day(30))
    assert set(error) == {"state", "__type"}
    closed = _announce(world)
    error = bureau.error("dongchang_tender_award", id=closed["id"], awardee="nobody-here",
                         contract_start=_day(30), contract_end=_day(0))
    assert set(error) == {"awardee", "contract_end", "__type"}
    assert bureau.ok("dongchang_tender_show", id=closed["id"])["state"] == "bidding_closed"
    _award(world, closed)
    again = bureau.error("dongchang_tender_award", id=closed["id"], awardee="company-zhao",
                         contract_start=_day(0), contract_end=_day(30))
    assert set(again) == {"state", "__type"}
    assert bureau.ok("dongchang_tender_show", id=closed["id"])["awardee"] == "company-li"


def test_f6_a_notice_can_be_changed_until_the_award(world):
    bureau = world["api"]["bureau"]
    tender = _announce(world)
    changed = bureau.ok("dongchang_tender_update", id=tender["id"], title="更正后的招标",
                        dataset_ids="credit, permits")
    assert changed["title"] == "更正后的招标" and len(changed["datasets"]) == 2
    assert changed["notice"] == tender["notice"]
    _award(world, changed)
    error = bureau.error("dongchang_tender_update", id=tender["id"], title="再改")
    assert set(error) == {"state", "__type"}


@pytest.mark.parametrize(("payload", "field"), [
    ({"dataset_ids": ["no-such-entry"]}, "dataset_ids"),
    ({"dataset_ids": ["open-entry"]}, "dataset_ids"),  # open data needs no tender
    ({"dataset_ids": {"a": 1}}, "dataset_ids"),
    ({"method": "private_deal"}, "method"),
    ({"bidding_end": "2020-01-01"}, "bidding_end"),
    ({"bidding_start": "2026-02-30"}, "bidding_start"),
    ({"title": ["a list"]}, "title"),
    ({"notice": ""}, "notice"),
    ({"scope": "长" * 30000}, "scope"),
    ({"notice_url": "ftp://example.com"}, "notice_url"),
])
def test_f6_a_bad_notice_is_refused_on_its_field_and_stores_nothing(world, payload, field):
    data = {"title": "招标", "dataset_ids": ["credit"], "method": "public_tender",
            "notice": "公告", "scope": "范围", "bidding_start": _day(-30),
            "bidding_end": _day(-10)}
    data.update(payload)
    error = world["api"]["bureau"].error("dongchang_tender_create", **data)
    assert field in error
    assert model.Session.query(Tender).count() == 0
    assert model.Session.query(AuditEvent).count() == 0


# --- pages ------------------------------------------------------------------------------------
def test_f6_the_bureau_announces_awards_and_cancels_from_the_pages(world, app):
    bureau = world["api"]["bureau"]
    form = bureau.get("/en/tender/new")
    assert form.status_code == 200 and _soup(form).find("input", attrs={"name": "_csrf_token"})
    invalid = app.post("/en/tender/new", headers=bureau.headers, data={"title": "招标"},
                       follow_redirects=False)
    assert invalid.status_code == 200
    field = _soup(invalid).find("select", attrs={"name": "method"}).find_parent(
        class_="form-group")
    assert "error" in " ".join(field.get("class", []))
    created = app.post("/en/tender/new", headers=bureau.headers, follow_redirects=False, data={
        "title": "东昌府区信用数据竞争性磋商", "dataset_ids": "credit",
        "method": "competitive_consultation", "notice": "磋商公告", "scope": "信用评估",
        "bidding_start": _day(-20), "bidding_end": _day(-1)})
    assert created.status_code == 302
    tender_id = created.headers["Location"].rstrip("/").split("/")[-1]
    page = _soup(bureau.get(f"/en/tender/{tender_id}"))
    assert page.select_one("form.dongchang-award") and page.select_one("form.dongchang-cancel")
    assert bureau.get(f"/en/tender/{tender_id}/edit").status_code == 200
    wrong = app.post(f"/en/tender/{tender_id}/award", headers=bureau.headers,
                     data={"awardee": "company-li"}, follow_redirects=False)
    assert wrong.status_code == 200
    assert _soup(wrong).find("input", attrs={"name": "awardee"})["value"] == "company-li"
    awarded = app.post(f"/en/tender/{tender_id}/award", headers=bureau.headers,
                       follow_redirects=False, data={"awardee": "company-li",
                                                     "contract_start": _day(0),
                                                     "contract_end": _day(90)})
    assert awarded.status_code == 302
    shown = _soup(bureau.get(f"/en/tender/{tender_id}"))
    awardee = world["users"]["company-li"]["fullname"]
    assert awardee in shown.select_one(".dongchang-awardee").get_text()
    app.post(f"/en/tender/{tender_id}/cancel", headers=bureau.headers,
             data={"reason": "终止"}, follow_redirects=False)
    assert bureau.ok("dongchang_tender_show", id=tender_id)["state"] == "cancelled"


def test_f6_pages_refuse_strangers_and_unknown_tenders(world):
    citizen = world["api"]["citizen-wang"]
    assert citizen.get("/en/tender/new").status_code == 403
    tender = _announce(world)
    assert citizen.get(f"/en/tender/{tender['id']}/edit").status_code == 403
    assert world["api"]["anonymous"].get("/en/tender/T20000101-FFFFFF").status_code == 404
