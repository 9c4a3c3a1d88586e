"""The access-request pages a person uses (F-4, F-15): forms, inbox, decisions, notices."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories, helpers

from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def site(sysadmin):
    org = factories.Organization(name="dcf-mzj", title="区民政局")
    admin = factories.User(name="mzj-admin")
    citizen = factories.User(name="citizen-li")
    helpers.call_action("organization_member_create", id=org["id"], username=admin["name"],
                        role="admin")
    entry = create_entry(sysadmin, org["id"], name="elderly-care", title="东昌府区养老机构名录",
                         resources=[{"name": "养老机构名录", "format": "CSV", "audience": "open",
                                     "url": "https://data.example.gov.cn/elderly-care.csv"}],
                         **conditional(share_class="unconditional"))
    return {
        "org": org, "entry": entry,
        "admin": {"Authorization": factories.APIToken(user=admin["name"])["token"]},
        "citizen": {"Authorization": factories.APIToken(user=citizen["name"])["token"]},
    }


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _text(response):
    return _soup(response).get_text(" ", strip=True)


def _apply(app, site, **form):
    data = {"applicant_kind": "citizen", "purpose": "social_services",
            "use_scenario": "为老年人提供养老机构查询服务"}
    data.update(form)
    return app.post("/dataset/elderly-care/request", data=data, headers=site["citizen"],
                    follow_redirects=False)


def test_f4_dataset_page_tells_each_visitor_what_to_do(app, site):
    anonymous = _soup(app.get("/en/dataset/elderly-care"))
    notice = anonymous.select_one(".dongchang-notice")
    assert "log in and apply" in notice.get_text()
    citizen = _soup(app.get("/en/dataset/elderly-care", headers=site["citizen"]))
    button = citizen.select_one(".dongchang-notice a.btn-primary")
    assert button["href"].endswith("/dataset/elderly-care/request")
    chinese = _soup(app.get("/dataset/elderly-care", headers=site["citizen"]))
    assert "申请" in chinese.select_one(".dongchang-notice").get_text()
    owner = _soup(app.get("/en/dataset/elderly-care", headers=site["admin"]))
    # the department is offered the withdrawal (issue 17 item 5), never an application
    assert owner.select_one(".dongchang-notice:not(.dongchang-entry-withdrawal)") is None


def test_f4_apply_form_shows_errors_inline_and_keeps_the_input(app, site):
    response = _apply(app, site, use_scenario="", security_measures="加密存储")
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.find("textarea", attrs={"name": "security_measures"}).get_text() == "加密存储"
    field = soup.find("textarea", attrs={"name": "use_scenario"}).find_parent(
        class_="form-group")
    assert "error" in " ".join(field.get("class", []))


def test_f4_apply_then_see_it_in_my_requests_and_the_inbox(app, site):
    response = _apply(app, site)
    assert response.status_code == 302
    request_page = app.get(response.headers["Location"], headers=site["citizen"])
    assert "东昌府区养老机构名录" in _text(request_page)
    mine = app.get("/en/dongchang/requests", headers=site["citizen"])
    assert "东昌府区养老机构名录" in _text(mine)
    inbox = app.get("/en/organization/dcf-mzj/requests", headers=site["admin"])
    assert "citizen-li" in _text(inbox) or "东昌府区养老机构名录" in _text(inbox)
    app.get("/organization/dcf-mzj/requests", headers=site["citizen"], status=403)


def test_f4_empty_states_say_what_to_do(app, site):
    mine = _text(app.get("/en/dongchang/requests", headers=site["citizen"]))
    assert "not applied for any data yet" in mine
    inbox = _text(app.get("/en/organization/dcf-mzj/requests", headers=site["admin"]))
    assert "No access requests match" in inbox


def test_art25_refusing_in_the_ui_needs_reasons(app, site):
    location = _apply(app, site).headers["Location"]
    request_id = location.rstrip("/").split("/")[-1]
    response = app.post(f"/en/dongchang/request/{request_id}/refuse", data={"reason": ""},
                        headers=site["admin"])
    assert "Give the reasons for refusing" in _text(response)
    assert "Awaiting decision" in _text(response)
    response = app.post(f"/en/dongchang/request/{request_id}/refuse",
                        data={"reason": "用途不符合开放条件"}, headers=site["admin"])
    page = _text(response)
    assert "Refused" in page and "用途不符合开放条件" in page
    citizen_view = _text(app.get(f"/en/dongchang/request/{request_id}",
                                 headers=site["citizen"]))
    assert "用途不符合开放条件" in citizen_view


def test_f4_decision_forms_only_for_the_department(app, site):
    location = _apply(app, site).headers["Location"]
    citizen_view = _soup(app.get(location, headers=site["citizen"]))
    assert citizen_view.select("form.dongchang-decision") == []
    admin_view = _soup(app.get(location, headers=site["admin"]))
    assert len(admin_view.select("form.dongchang-decision")) == 3
    for form in admin_view.select("form"):
        if form.get("method", "").lower() == "post":
            assert form.find("input", attrs={"name": "_csrf_token"}) is not None


def test_i17_apply_form_defaults_the_applicant_kind_from_the_account(app, site):
    citizen = _soup(app.get("/dataset/elderly-care/request", headers=site["citizen"]))
    chosen = citizen.select_one("select[name=applicant_kind] option[selected]")
    assert chosen is not None and chosen["value"] == "citizen"
    official = _soup(app.get("/dataset/elderly-care/request", headers=site["admin"]))
    chosen = official.select_one("select[name=applicant_kind] option[selected]")
    assert chosen is not None and chosen["value"] == "department"


def test_i17_apply_form_shows_every_error_at_once_by_its_label(app, site):
    response = _apply(app, site, purpose="", use_scenario="")
    summary = _soup(response).select_one(".error-explanation")
    assert summary is not None
    text = summary.get_text(" ", strip=True)
    assert "用途" in text and "应用场景" in text  # both fields, named as the form names them
    for key in ("purpose", "use_scenario", "applicant_kind"):
        assert key not in text



def test_i17_the_commercial_use_error_links_the_tenders(app, site, sysadmin):
    """The message leads to the tenders covering this entry, not to every tender."""
    other = create_entry(sysadmin, site["org"]["id"], name="relief", title="东昌府区低保对象名录",
                         resources=[], **conditional(share_class="unconditional"))
    for title, entry in (("养老机构名录商业利用招标", "elderly-care"),
                         ("低保对象名录商业利用招标", other["name"])):
        helpers.call_action("dongchang_tender_create", context={"user": sysadmin["name"]},
                            title=title, dataset_ids=[entry], method="public_tender",
                            notice="招标公告", scope="商业利用", bidding_start="2026-01-05",
                            bidding_end="2099-12-31")
    page = _soup(_apply(app, site, purpose="commercial"))
    link = page.select_one(".dongchang-tender-link a")
    assert link is not None and link["href"].endswith("/tender?dataset=elderly-care")
    tenders = _soup(app.get(link["href"], headers=site["citizen"]))
    titles = [a.get_text() for a in tenders.select("table.dongchang-tenders td a")]
    assert titles == ["养老机构名录商业利用招标"]
    assert "东昌府区养老机构名录" in tenders.select_one(".dongchang-tender-entry").get_text()
    # Filtering by state keeps the entry; an entry nobody can see lists every tender.
    assert tenders.select_one("form.dongchang-filters input[name=dataset]")["value"] == \
        "elderly-care"
    everything = _soup(app.get("/tender?dataset=no-such-entry", headers=site["citizen"]))
    assert len(everything.select("table.dongchang-tenders td a")) == 2
