"""Derived data products over HTTP: registration, source rules, citation, utilisation
(Art. 25; F-7), on real PostgreSQL, Solr and Redis."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.tests import helpers

from ckanext.dongchang.products import service
from ckanext.dongchang.requests.model import AccessRequest
from ckanext.dongchang.tenders.model import ProductSource
from tests.api import EnglishApi as Api
from tests.conftest import PLUGINS
from tests.entries import activity_snapshot, conditional, trusted_database_read
from tests.factories import Bureau, CatalogEntry, Department, staff
from tests.grants import sign_agreement, verify_applicant

SCHEMAS = ("ckanext.dongchang:schemas/catalog_entry.yaml"
           " ckanext.dongchang:schemas/data_product.yaml")

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.dataset_schemas", SCHEMAS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]



def _day(offset: int) -> str:
    return (dt.date.today() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def world(app, sysadmin):
    orgs = {"bureau": Bureau(), "scjg": Department(name="dcf-scjg", title="区市场监督管理局"),
            "rsj": Department(name="dcf-rsj", title="区人社局")}
    users = staff(orgs, ("scjg-admin", "scjg", "admin"), ("rsj-member", "rsj", "member"),
                  ("company-li", None, "member"), ("scholar-zhang", None, "member"),
                  ("citizen-wang", None, "member"))
    past = _day(-200)
    gov_only = conditional(open_class="not_open", open_conditions="",
                           share_class="unconditional", share_conditions="")
    specs = {  # key: name, title, resource code, class fields
        "open": ("market-entities", "东昌府区市场主体名录", "371502-SCJG-00001", {}),
        "credit": ("credit", "东昌府区企业信用信息", "371502-SCJG-00002",
                   conditional(share_class="unconditional")),
        "gov_only": ("gov-only", "东昌府区企业年报明细", "371502-SCJG-00003", gov_only),
    }
    entries = {key: CatalogEntry(user=sysadmin, owner_org=orgs["scjg"], name=name, title=title,
                                 resource_code=code, issued=past, **fields)
               for key, (name, title, code, fields) in specs.items()}
    api = {name: Api(app, user) for name, user in users.items()}
    api["bureau"] = Api(app, sysadmin)
    api["anonymous"] = Api(app)
    return {"users": users, "entries": entries, "api": api, "sysadmin": sysadmin}


def _register(api, sources, status=200, **overrides):
    data = {"title": "东昌府区企业地图", "notes": "基于市场主体登记信息绘制的企业分布地图。",
            "product_kind": "app",
            "developer_name": "聊城某科技有限公司", "product_url": "https://map.example.com",
            "sources": sources}
    data.update(overrides)
    return api.post("dongchang_product_register", status=status, **data)


def _grant(world, who, entry="credit", purpose="innovation", **extra):
    data = {"dataset_id": world["entries"][entry]["id"], "applicant_kind": "legal_person",
            "purpose": purpose, "use_scenario": "开发企业服务应用"}
    data.update(extra)
    request = world["api"][who].ok("dongchang_access_request_create", **data)
    decider = world["api"]["scjg-admin"]
    if data["applicant_kind"] != "citizen":
        verify_applicant(decider, request["id"])
    decider.ok("dongchang_access_request_approve", id=request["id"])
    sign_agreement(world["api"][who], decider, request["id"])  # Art. 25 ¶4
    return decider.ok("dongchang_access_request_show", id=request["id"])


def _products() -> int:
    return model.Session.query(model.Package).filter(
        model.Package.type == "data-product").count()


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


# --- registration and citation ----------------------------------------------------------------
def test_art25_a_product_on_open_data_is_registered_public_and_cited_in_both_languages(world):
    citizen = world["api"]["citizen-wang"]
    product = _register(citizen, [{"dataset_id": "371502-SCJG-00001",
                                   "acquired_on": _day(-3)}])["result"]
    assert product["type"] == "data-product"
    assert product["registrant"] == world["users"]["citizen-wang"]["id"]
    assert product["sources"] == [{"dataset_id": world["entries"]["open"]["id"],
                                   "acquired_on": _day(-3)}]
    anonymous = world["api"]["anonymous"]
    assert anonymous.ok("package_show", id=product["name"])["title"] == "东昌府区企业地图"
    found = anonymous.ok("package_search", fq="dataset_type:data-product")
    assert [p["name"] for p in found["results"]] == [product["name"]]
    page = anonymous.get(f"/en/data-product/{product['name']}")
    assert page.status_code == 200 and "东昌府区企业地图" in page.get_data(as_text=True)
    cited = anonymous.ok("dongchang_product_citation", id=product["name"])
    for language in ("zh_Hans_CN", "en"):
        text = cited["citation"][language]
        for part in ("东昌府区市场主体名录", "371502-SCJG-00001", "区市场监督管理局", _day(-3)):
            assert part in text, (language, part)
    assert "获取日期" in cited["citation"]["zh_Hans_CN"]
    assert "Obtained on" in cited["citation"]["en"]
    citation_page = _soup(anonymous.get(f"/en/data-product/{product['name']}/citation"))
    texts = [area.get_text() for area in citation_page.select(".dongchang-citation textarea")]
    assert texts == [cited["citation"]["zh_Hans_CN"], cited["citation"]["en"]]
    assert citation_page.select('[data-module="copy-into-buffer"]')


def test_art25_a_date_in_the_future_is_refused_on_its_source(world):
    error = _register(world["api"]["citizen-wang"], [
        {"dataset_id": "market-entities", "acquired_on": _day(-1)},
        {"dataset_id": "market-entities", "acquired_on": _day(2)}], status=409)["error"]
    assert error["sources"][0] == {}
    assert "cannot be in the future" in error["sources"][1]["acquired_on"][0]
    assert _products() == 0


def test_art25_a_date_before_the_entry_was_published_is_refused(world):
    error = _register(world["api"]["citizen-wang"], [
        {"dataset_id": "market-entities", "acquired_on": _day(-300)}], status=409)["error"]
    assert "was published on" in error["sources"][0]["acquired_on"][0]
    assert _products() == 0


def test_art25_an_unknown_source_is_refused_on_its_field(world):
    error = _register(world["api"]["citizen-wang"], [
        {"dataset_id": "no-such-entry", "acquired_on": _day(-1)}], status=409)["error"]
    assert set(error["sources"][0]) == {"dataset_id"}
    assert _products() == 0
    assert "sources" in _register(world["api"]["citizen-wang"], [], status=409)["error"]


def test_f3_a_source_hidden_from_the_registrant_looks_exactly_like_an_unknown_one(world):
    citizen = world["api"]["citizen-wang"]
    hidden = _register(citizen, [{"dataset_id": "gov-only", "acquired_on": _day(-1)}],
                       status=409)["error"]
    unknown = _register(citizen, [{"dataset_id": "no-such-entry", "acquired_on": _day(-1)}],
                        status=409)["error"]
    assert hidden == unknown


def test_art25_gated_data_must_rest_on_the_registrants_grant(world):
    citizen = world["api"]["citizen-wang"]
    error = _register(citizen, [{"dataset_id": "credit", "acquired_on": _day(-1)}],
                      status=409)["error"]
    assert set(error["sources"][0]) == {"access_request_id"}
    other = _grant(world, "company-li")
    error = _register(citizen, [{"dataset_id": "credit", "acquired_on": _day(0),
                                 "access_request_id": other["id"]}], status=409)["error"]
    assert set(error["sources"][0]) == {"access_request_id"}


def test_art25_the_grant_is_filled_in_and_dates_before_it_began_are_refused(world):
    grant = _grant(world, "citizen-wang", purpose="social_services")
    citizen = world["api"]["citizen-wang"]
    early = _register(citizen, [{"dataset_id": "credit", "acquired_on": _day(-1)}],
                      status=409)["error"]
    assert "access_request_id" in early["sources"][0] or "acquired_on" in early["sources"][0]
    explicit = _register(citizen, [{"dataset_id": "credit", "acquired_on": _day(-1),
                                    "access_request_id": grant["id"]}], status=409)["error"]
    assert "Your access began on" in explicit["sources"][0]["acquired_on"][0]
    product = _register(citizen, [{"dataset_id": "credit", "acquired_on": _day(0)}])["result"]
    assert product["sources"][0]["access_request_id"] == grant["id"]


@pytest.mark.parametrize("missing", ["title", "notes"])
def test_f9_a_product_needs_a_title_and_an_abstract(world, missing):
    """Issue 19 item 1: a product without a title or description broke a stock harvester's
    walk; both are required, so every product in the feed is a dataset DCAT-AP accepts."""
    error = _register(world["api"]["citizen-wang"], [
        {"dataset_id": "371502-SCJG-00001", "acquired_on": _day(-1)}], status=409,
        **{missing: "  "})["error"]
    assert missing in error


def test_art25_a_research_grant_cannot_back_a_commercial_product(world):
    grant = _grant(world, "scholar-zhang", purpose="research",
                   applicant_kind="research_institution", institution="聊城大学",
                   public_interest_attested=True)
    scholar = world["api"]["scholar-zhang"]
    sources = [{"dataset_id": "credit", "acquired_on": _day(0), "access_request_id": grant["id"]}]
    error = _register(scholar, sources, commercial=True, status=409)["error"]
    assert set(error) == {"sources", "__type"}
    assert "research" in error["sources"][0]["access_request_id"][0]
    assert _products() == 0
    assert _register(scholar, sources, commercial=False)["result"]["commercial"] == "false"


def test_art25_a_commercial_product_rests_on_a_grant_awarded_by_tender(world):
    bureau = world["api"]["bureau"]
    tender = bureau.ok("dongchang_tender_create", title="信用数据商业利用招标",
                       dataset_ids=["credit"], method="public_tender", notice="公告",
                       scope="征信", bidding_start=_day(-30), bidding_end=_day(-10))
    bureau.ok("dongchang_tender_award", id=tender["id"], awardee="company-li",
              contract_start=_day(0), contract_end=_day(365))
    grant = _grant(world, "company-li", purpose="commercial", tender_id=tender["id"])
    company = world["api"]["company-li"]
    product = _register(company, [{"dataset_id": "credit", "acquired_on": _day(0)},
                                  {"dataset_id": "market-entities", "acquired_on": _day(-5)}],
                        commercial="true")["result"]
    assert product["commercial"] == "true"
    assert product["sources"][0]["access_request_id"] == grant["id"]
    rows = model.Session.query(ProductSource).order_by(ProductSource.position).all()
    assert [(r.dataset_id, r.open_class) for r in rows] == [
        (world["entries"]["credit"]["id"], "conditional"),
        (world["entries"]["open"]["id"], "unconditional")]


def test_art25_the_catalog_proposes_the_date_the_registrant_obtained_the_data(world, app):
    grant = _grant(world, "citizen-wang")
    citizen = world["api"]["citizen-wang"]
    proposal = citizen.ok("dongchang_product_proposed_source", dataset_id="credit")
    assert proposal == {"dataset_id": world["entries"]["credit"]["id"],
                        "acquired_on": grant["valid_from"], "access_request_id": grant["id"]}
    assert citizen.ok("dongchang_product_proposed_source", dataset_id="market-entities") == {}
    form = _soup(citizen.get("/en/data-product/register?dataset_id=credit"))
    assert form.find("input", attrs={"name": "sources__0__acquired_on"})["value"] == \
        grant["valid_from"]
    assert form.find("input", attrs={"name": "sources__0__access_request_id"})["value"] == \
        grant["id"]
    assert form.find("input", attrs={"name": "_csrf_token"})


def test_art25_the_registration_form_shows_errors_per_source_then_registers(world, app):
    citizen = world["api"]["citizen-wang"]
    base = {"title": "养老地图", "notes": "全区养老机构分布图。", "product_kind": "report",
            "developer_name": "王某", "sources__0__dataset_id": "market-entities",
            "sources__0__acquired_on": _day(5)}
    invalid = app.post("/en/data-product/register", headers=citizen.headers, data=base,
                       follow_redirects=False)
    assert invalid.status_code == 200
    field = _soup(invalid).find("input", attrs={"name": "sources__0__acquired_on"}).find_parent(
        class_="form-group")
    assert "error" in " ".join(field.get("class", []))
    assert _products() == 0
    done = app.post("/en/data-product/register", headers=citizen.headers,
                    data=dict(base, sources__0__acquired_on=_day(-1)), follow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"].endswith("/citation")
    assert world["api"]["anonymous"].get("/en/data-product/register").status_code == 302


# --- the entry's side, and the registry's integrity -------------------------------------------
def test_art25_each_entry_lists_the_products_built_on_it(world):
    product = _register(world["api"]["citizen-wang"], [
        {"dataset_id": "market-entities", "acquired_on": _day(-1)}])["result"]
    listed = world["api"]["anonymous"].ok("dongchang_product_list", dataset_id="market-entities")
    assert [p["name"] for p in listed["results"]] == [product["name"]]
    assert listed["results"][0]["developer_name"] == "聊城某科技有限公司"
    assert service.products_of_entry(world["entries"]["credit"]["id"]) == []
    world["api"]["anonymous"].error("dongchang_product_list", status=404, dataset_id="gov-only")


def test_f3_a_citation_never_names_a_source_the_reader_may_not_see(world):
    official = world["api"]["rsj-member"]
    product = _register(official, [{"dataset_id": "gov-only", "acquired_on": _day(-1)}])["result"]
    public = world["api"]["anonymous"].ok("dongchang_product_citation", id=product["id"])
    assert public["sources"] == [{"acquired_on": _day(-1), "visible": False}]
    for text in public["citation"].values():
        assert "东昌府区企业年报明细" not in text and "371502-SCJG-00003" not in text
    page = world["api"]["anonymous"].get(f"/en/data-product/{product['name']}/citation")
    assert "东昌府区企业年报明细" not in page.get_data(as_text=True)
    government = official.ok("dongchang_product_citation", id=product["id"])
    assert "东昌府区企业年报明细" in government["citation"]["en"]


def test_f7_products_enter_the_registry_only_through_registration(world):
    sysadmin = world["sysadmin"]
    with pytest.raises(Exception) as raised:
        helpers.call_action("package_create", context={"user": sysadmin["name"]},
                            type="data-product", name="forged", title="伪造产品",
                            owner_org=service.products_org_id(), product_kind="app",
                            developer_name="x", registrant=world["users"]["company-li"]["id"],
                            sources=[{"dataset_id": "market-entities",
                                      "acquired_on": _day(-1)}])
    assert "registrant" in raised.value.error_dict
    product = _register(world["api"]["citizen-wang"], [
        {"dataset_id": "market-entities", "acquired_on": _day(-1)}])["result"]
    with pytest.raises(Exception) as raised:
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id=product["id"], sources=[{"dataset_id": "credit",
                                                        "acquired_on": _day(-1)}])
    assert "fixed when it is registered" in str(raised.value.error_dict["sources"])
    patched = helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                                  id=product["id"], notes="补充说明", share_class="not_shared")
    assert patched["registrant"] == world["users"]["citizen-wang"]["id"]
    assert patched["share_class"] == "unconditional"  # fixed: the record stays public


@pytest.mark.parametrize("payload", [
    {"sources": "market-entities"},
    {"sources": [{"dataset_id": ["x"]}]},
    {"title": {"a": 1}},
    {"product_kind": "toy"},
    {"product_url": "javascript:alert(1)"},
    {"commercial": "maybe"},
    {"developer_name": ""},
    {"sources": [{"dataset_id": "market-entities", "acquired_on": "2026-02-30"}]},
    {"sources": [{"dataset_id": "market-entities", "acquired_on": "\u0000"}]},
])
def test_f7_bad_input_gets_a_field_error_and_stores_nothing(world, payload):
    data = {"sources": [{"dataset_id": "market-entities", "acquired_on": _day(-1)}]}
    data.update(payload)
    response = _register(world["api"]["citizen-wang"], status=None, **data)
    assert response["success"] is False
    assert response["error"]["__type"] == "Validation Error"
    assert set(response["error"]) - {"__type"}
    assert _products() == 0


# --- utilisation tracking ---------------------------------------------------------------------
def test_art25_the_bureau_tracks_grants_products_and_changed_sources(world, app):
    unused = _grant(world, "company-li")
    used = _grant(world, "citizen-wang")
    product = _register(world["api"]["citizen-wang"], [
        {"dataset_id": "credit", "acquired_on": _day(0)}])["result"]
    bureau = world["api"]["bureau"]
    report = bureau.ok("dongchang_utilisation")
    by_id = {g["id"]: g for g in report["active_grants"]}
    assert [p["name"] for p in by_id[used["id"]]["products"]] == [product["name"]]
    assert [g["id"] for g in report["grants_without_products"]] == [unused["id"]]
    assert report["products_with_changed_sources"] == []
    helpers.call_action("package_patch", context={"user": world["sysadmin"]["name"]},
                        id=world["entries"]["credit"]["id"], open_class="not_open",
                        open_conditions="")
    changed = bureau.ok("dongchang_utilisation")["products_with_changed_sources"]
    assert [p["name"] for p in changed] == [product["name"]]
    assert changed[0]["sources"][0]["registered"]["open_class"] == "conditional"
    assert changed[0]["sources"][0]["now"]["open_class"] == "not_open"
    page = bureau.get("/en/dongchang/utilisation")
    assert page.status_code == 200 and product["title"] in page.get_data(as_text=True)
    world["api"]["scjg-admin"].error("dongchang_utilisation", status=403)
    assert world["api"]["citizen-wang"].get("/en/dongchang/utilisation").status_code == 403
    assert model.Session.query(AccessRequest).count() == 2


def test_art25_the_entry_page_snippet_lists_products_and_offers_registration(world, app):
    import ckan.plugins.toolkit as tk

    product = _register(world["api"]["citizen-wang"], [
        {"dataset_id": "market-entities", "acquired_on": _day(-1)}])["result"]
    products = service.products_of_entry(world["entries"]["open"]["id"])
    with app.flask_app.test_request_context("/en/dataset/market-entities"):
        html = tk.h.snippet("dongchang/products/snippets/products_of_entry.html",
                            pkg=world["entries"]["open"], products=products)
    link = BeautifulSoup(str(html), "html.parser").select_one(".dongchang-products-of-entry a")
    assert link.get_text() == product["title"]
    assert link["href"].endswith(f"/data-product/{product['name']}")


def test_i17_product_page_lists_its_sources_and_no_stock_dataset_furniture(world):
    """Issue 17 item 15: a product's page names its sources (title and resource code), in
    Chinese; it has no follow button, follower count or 'this dataset has no data' note."""
    product = _register(world["api"]["citizen-wang"], [
        {"dataset_id": "371502-SCJG-00001", "acquired_on": _day(-3)}])["result"]
    page = _soup(world["api"]["anonymous"].get(f"/data-product/{product['name']}"))
    text = page.get_text(" ")
    sources = page.select_one(".dongchang-product-sources")
    assert sources is not None
    listed = sources.get_text()
    assert "东昌府区市场主体名录" in listed and "371502-SCJG-00001" in listed
    for stock in ("没有数据", "关注者", "追随者", "Followers", "no data"):
        assert stock not in text, stock
    assert not page.select('a[href*="/follow"], [data-module="follow"]')
    listing = _soup(world["api"]["anonymous"].get("/data-product/"))
    assert "数据产品" in listing.select_one("h1, .page-heading, title").get_text() or \
        "数据产品" in listing.title.get_text()


def test_i20_a_products_activity_snapshot_is_the_version_saved_sources_included(world):
    """Registering a product snapshots it for the activity stream from the version the search
    index has just read (``access/indexed_version``); that copy must hold the product's
    sources, which the index's own copy leaves out."""
    product = _register(world["api"]["citizen-wang"], [{"dataset_id": "371502-SCJG-00001",
                                                        "acquired_on": _day(-3)}])["result"]
    snapshot = activity_snapshot(product["id"])
    assert snapshot == trusted_database_read(product["id"])
    assert snapshot["sources"] == [{"dataset_id": world["entries"]["open"]["id"],
                                    "acquired_on": _day(-3)}]
