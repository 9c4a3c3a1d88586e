"""The district portal's front pages and dates (issue 17 items 3, 4, 7, 14): the home page,
About, the header and footer links, button names and Beijing time in Chinese date order."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from ckan.lib.helpers import helper_functions as h
from ckan.tests import factories, helpers

from tests.api import Api
from tests.conftest import PLUGINS
from tests.entries import class_fields, conditional, create_entry, entry_dict

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

LANGUAGES = pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])


@pytest.fixture
def site(app, sysadmin):
    """Two departments with three published entries (open, conditional, not open), a draft,
    and one access request answered on time."""
    mzj = factories.Organization(name="dcf-mzj", title="区民政局")
    scjg = factories.Organization(name="dcf-scjg", title="区市场监督管理局")
    editor = factories.User(name="scjg-editor")
    citizen = factories.User(name="citizen-li")
    helpers.call_action("organization_member_create", id=scjg["id"], username="scjg-editor",
                        role="editor")
    create_entry(sysadmin, mzj["id"], name="elderly-care", title="东昌府区养老机构名录",
                 **conditional(share_class="unconditional"))
    create_entry(sysadmin, scjg["id"], name="registrations", title="东昌府区市场主体登记信息")
    create_entry(sysadmin, scjg["id"], name="inspections", title="东昌府区行政检查记录",
                 **class_fields("unconditional", "not_open"))
    draft = entry_dict(scjg["id"], name="complaints", title="东昌府区消费投诉记录")
    draft.pop("catalog_state")
    draft.pop("resources")
    api = {"editor": Api(app, editor), "citizen": Api(app, citizen)}
    api["editor"].ok("package_create", **draft)
    request = api["citizen"].ok(
        "dongchang_access_request_create", dataset_id="elderly-care", applicant_kind="citizen",
        purpose="social_services", use_scenario="为老年人提供养老机构查询服务")
    helpers.call_action("dongchang_access_request_approve", context={"user": sysadmin["name"]},
                        id=request["id"])
    return {"api": api, "app": app, "request": request}


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _home(app, prefix, headers=None) -> BeautifulSoup:
    return _soup(app.get(f"{prefix}/", headers=headers or {}))


@LANGUAGES
def test_f15_home_page_is_the_districts_portal(site, prefix):
    home = _home(site["app"], prefix)
    text = home.get_text(" ", strip=True)
    assert "CKAN" not in home.select_one('[role="main"]').get_text()
    assert "歡迎" not in text and "來" not in text and "Welcome to CKAN" not in text
    assert home.select_one('form.dongchang-home-search input[name="q"]') is not None
    figures = {li["data-figure"]: li.get_text(" ", strip=True)
               for li in home.select(".dongchang-figures li")}
    # What the public finds: the draft and the not-open entry are not counted.
    assert figures["entries"].startswith("2 ")
    assert figures["open"].startswith("1 ") and " 1 " in figures["open"]
    assert figures["departments"].startswith("2 ")
    assert figures["on-time"].startswith("100%")
    latest = [a.get_text() for a in home.select(".dongchang-latest a")]
    assert set(latest) == {"东昌府区养老机构名录", "东昌府区市场主体登记信息"}


@LANGUAGES
def test_f15_every_entry_point_of_the_home_page_opens(site, prefix):
    app = site["app"]
    home = _home(app, prefix)
    hrefs = {a["href"] for a in home.select(".dongchang-entry-points a, .dongchang-figures a,"
                                            " footer a, .masthead a")}
    assert any(href.endswith("/open-list/unconditional") for href in hrefs)
    assert any(href.endswith("/open-list/conditional") for href in hrefs)
    assert any(href.endswith("/data-product/") for href in hrefs)
    assert any(href.endswith("/data-product/register") for href in hrefs)
    assert any(href.endswith("/tender") for href in hrefs)
    assert any(href.endswith("/catalog.ttl") for href in hrefs)
    for href in sorted(hrefs):
        if href.startswith("http") and not href.startswith("http://test.ckan.net"):
            continue
        response = app.get(href)
        assert response.status_code == 200, href
    feed = app.get(f"{prefix}/catalog.ttl")
    assert "东昌府区市场主体登记信息" in feed.get_data(as_text=True)


@LANGUAGES
def test_f15_about_page_says_what_the_catalog_is(site, prefix):
    app = site["app"]
    home = _home(app, prefix)
    about_link = home.select_one('.masthead a[href$="/about"]')
    about = _soup(app.get(about_link["href"]))
    text = about.select_one(".dongchang-about").get_text(" ", strip=True)
    assert "东昌政办字〔2020〕12号" in text
    assert "CKAN is the world" not in about.get_text()
    if prefix:
        assert "Interim Measures" in text and "Contact" in text
    else:
        assert "《东昌府区政务数据资源管理暂行办法》" in text and "联系我们" in text


def test_f15_header_has_no_groups_and_offers_the_workbench_when_logged_in(site):
    app = site["app"]
    anonymous = _home(app, "")
    nav = [a.get_text(strip=True) for a in anonymous.select(".masthead .navbar-nav a")]
    assert nav == ["数据目录", "部门", "开放清单", "数据产品", "招标项目", "关于"]
    logged_in = _home(app, "", site["api"]["citizen"].headers)
    nav = [a.get_text(strip=True) for a in logged_in.select(".masthead .navbar-nav a")]
    assert nav == ["数据目录", "部门", "开放清单", "数据产品", "招标项目", "工作台", "关于"]
    english = _home(app, "/en")
    assert "Powered by" not in english.get_text() and "Built with CKAN" in english.get_text()
    assert "Powered by" not in anonymous.get_text() and "基于 CKAN 构建" in anonymous.get_text()


def test_f10_new_entry_form_names_its_buttons_by_what_they_do(site):
    """The last stage only saves a draft (保存草稿); the entry page then offers 提交审核."""
    app, editor = site["app"], site["api"]["editor"]
    form = _soup(app.get("/dataset/complaints/resource/new", headers=editor.headers))
    final = form.select_one('button[name="save"][value="go-metadata"]')
    assert final is None or final.get_text(strip=True) == "保存草稿"
    form = _soup(app.get("/dataset/new", headers=editor.headers))
    assert "发布" not in [b.get_text(strip=True) for b in form.select("form#dataset-edit button")]
    entry = _soup(app.get("/dataset/complaints", headers=editor.headers))
    notice = entry.select_one(".dongchang-entry-workflow")
    submit = notice.select_one("form button")
    assert submit.get_text(strip=True) == "提交审核"
    response = app.post(notice.select_one("form")["action"], headers=editor.headers,
                        data={"_csrf_token": notice.select_one("input")["value"]})
    assert response.status_code == 200
    assert editor.ok("package_show", id="complaints")["catalog_state"] == "submitted"


@LANGUAGES
def test_f4_grantee_sees_on_the_entry_page_until_when_access_runs(site, prefix):
    app, citizen = site["app"], site["api"]["citizen"]
    grant = citizen.ok("dongchang_access_request_show", id=site["request"]["id"])
    until = dt.date.fromisoformat(grant["valid_until"])
    entry = _soup(app.get(f"{prefix}/dataset/elderly-care", headers=citizen.headers))
    notice = entry.select_one(".dongchang-grant").get_text(" ", strip=True)
    expected = (f"{until.year}年{until.month}月{until.day}日" if not prefix
                else until.strftime("%B %-d, %Y"))
    assert expected in notice
    assert ("granted" if prefix else "授权有效期至") in notice


def test_f15_times_are_beijing_time_in_chinese_date_order(app):
    """06:57 UTC is 14:57 in Beijing; CKAN's own pattern gave 十二月 3, 2026, 06:57 (UTC)."""
    moment = dt.datetime(2026, 12, 3, 6, 57)
    with app.flask_app.test_request_context("/"):
        app.flask_app.preprocess_request()  # CKAN picks the language from the path here
        assert h["render_datetime"](moment, with_hours=True) == "2026年12月3日 14:57"
        assert h["render_datetime"](moment) == "2026年12月3日"
        assert h["render_datetime"]("2026-12-03T20:30:00") == "2026年12月4日"  # past midnight
        assert h["render_datetime"](moment, date_format="%Y-%m-%d") == "2026-12-03"
        assert h["render_datetime"]("not a date") == ""
    # CKAN's middleware reads the language off the path into CKAN_LANG (as for /en/...).
    with app.flask_app.test_request_context("/", environ_overrides={"CKAN_LANG": "en"}):
        app.flask_app.preprocess_request()
        english = h["render_datetime"](moment, with_hours=True)
    assert "14:57" in english and "December 3, 2026" in english


def test_f15_request_page_shows_beijing_time(site):
    app, citizen = site["app"], site["api"]["citizen"]
    page = _soup(app.get(f"/dongchang/request/{site['request']['id']}",
                         headers=citizen.headers)).get_text(" ", strip=True)
    assert "(UTC)" not in page and "十二月" not in page
