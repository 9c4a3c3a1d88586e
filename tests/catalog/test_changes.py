"""Catalog update deadlines in Chinese working days (F-11; Art. 16), over HTTP and the CLI."""
from __future__ import annotations

import datetime as dt
import re

import holidays
import pytest
from bs4 import BeautifulSoup
from ckan import model
from click.testing import CliRunner

from ckanext.dongchang.calendar import deadlines
from ckanext.dongchang.catalog import cli
from ckanext.dongchang.kernel.audit import AuditEvent
from tests.api import Api
from tests.conftest import PLUGINS
from tests.factories import CatalogEntry, district, staff

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]



@pytest.fixture
def world(app, sysadmin):
    orgs = district()
    users = staff(orgs, ("scjg-editor", "scjg", "editor"), ("rsj-admin", "rsj", "admin"),
                  ("bureau-admin", "bureau", "admin"))
    entries = {
        "scjg": CatalogEntry(user=sysadmin, owner_org=orgs["scjg"], name="scjg-registrations",
                             title="东昌府区市场主体登记信息"),
        "rsj": CatalogEntry(user=sysadmin, owner_org=orgs["rsj"], name="rsj-insured",
                            title="东昌府区企业职工基本养老保险参保人员明细"),
    }
    return {"entries": entries, "api": {name: Api(app, user) for name, user in users.items()}}


def _official_due(start: dt.date, working_days: int = 15) -> dt.date:
    """The deadline counted independently, straight from the calendar package."""
    calendar = holidays.China(years=[start.year, start.year + 1])
    day = start
    while working_days:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            working_days -= 1
    return day


@pytest.mark.parametrize(("occurred_on", "due_on"), [
    # National Day and Mid-Autumn 2026-10-01..07 off; Sunday 09-20 and Saturday 10-10 worked.
    ("2026-09-30", "2026-10-27"),
    ("2026-09-25", "2026-10-22"),
    # Spring Festival 2026-02-15..23 off; Saturdays 02-14 and 02-28 worked.
    ("2026-02-13", "2026-03-12"),
    ("2026-02-10", "2026-03-09"),
])
def test_art16_due_dates_count_chinese_working_days(world, occurred_on, due_on):
    calendar = holidays.China(years=2026)
    for holiday in ("2026-10-01", "2026-10-07", "2026-02-16", "2026-02-23"):
        assert not calendar.is_working_day(dt.date.fromisoformat(holiday))
    for makeup in ("2026-10-10", "2026-02-14", "2026-02-28"):
        assert calendar.is_working_day(dt.date.fromisoformat(makeup))
    editor = world["api"]["scjg-editor"]
    change = editor.ok("dongchang_catalog_change_create", dataset_id="scjg-registrations",
                       trigger="legal_basis", occurred_on=occurred_on, note="《条例》修订")
    assert change["due_on"] == due_on
    assert change["due_on"] == _official_due(dt.date.fromisoformat(occurred_on)).isoformat()
    assert change["due_on_provisional"] is False
    assert change["state"] == "open"


def test_art16_a_change_must_have_happened_and_name_its_trigger(world):
    editor = world["api"]["scjg-editor"]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    error = editor.error("dongchang_catalog_change_create", dataset_id="scjg-registrations",
                         trigger="whim", occurred_on=tomorrow)
    assert set(error) >= {"trigger", "occurred_on"}
    error = editor.error("dongchang_catalog_change_create", dataset_id="scjg-registrations",
                         trigger="functions", occurred_on="2026-13-01")
    assert "occurred_on" in error
    assert model.Session.query(AuditEvent).filter(
        AuditEvent.action == "catalog_change_create").count() == 0


def test_art16_only_the_department_and_the_bureau_record_changes(world):
    world["api"]["rsj-admin"].error("dongchang_catalog_change_create", status=403,
                                    dataset_id="scjg-registrations", trigger="other",
                                    occurred_on=dt.date.today().isoformat())
    assert world["api"]["bureau-admin"].ok(
        "dongchang_catalog_change_create", dataset_id="scjg-registrations", trigger="other",
        occurred_on=dt.date.today().isoformat())["state"] == "open"


def _due_soon_start() -> dt.date:
    """An occurrence date whose deadline falls within the next three working days."""
    soon = deadlines.calendar().add_working_days(dt.date.today(), 3)
    day = dt.date.today()
    while True:
        due, _ = deadlines.due_date(day, "catalog_update")
        if dt.date.today() <= due <= soon:
            return day
        day -= dt.timedelta(days=1)


def _record(api, dataset, occurred_on, trigger="system_update"):
    return api.ok("dongchang_catalog_change_create", dataset_id=dataset, trigger=trigger,
                  occurred_on=occurred_on.isoformat())


def test_art16_list_filters_overdue_department_entry_and_state(world):
    editor, rsj, bureau = (world["api"][n] for n in ("scjg-editor", "rsj-admin", "bureau-admin"))
    overdue = _record(editor, "scjg-registrations", dt.date.today() - dt.timedelta(days=60))
    soon = _record(editor, "scjg-registrations", _due_soon_start(), trigger="functions")
    fresh = _record(rsj, "rsj-insured", dt.date.today())

    listed = bureau.ok("dongchang_catalog_change_list", overdue=True)
    assert [c["id"] for c in listed["results"]] == [overdue["id"]]
    assert listed["results"][0]["status"] == "overdue"
    assert listed["results"][0]["working_days_overdue"] > 0
    assert [c["id"] for c in bureau.ok("dongchang_catalog_change_list",
                                       due_soon=True)["results"]] == [soon["id"]]
    by_org = bureau.ok("dongchang_catalog_change_list", org="dcf-rsj")["results"]
    assert [c["id"] for c in by_org] == [fresh["id"]]
    assert by_org[0]["status"] == "open"
    by_entry = bureau.ok("dongchang_catalog_change_list", dataset_id="scjg-registrations")
    assert {c["id"] for c in by_entry["results"]} == {overdue["id"], soon["id"]}
    # A department sees its own changes only.
    assert {c["id"] for c in rsj.ok("dongchang_catalog_change_list")["results"]} == {
        fresh["id"]}
    rsj.error("dongchang_catalog_change_list", status=403, org="dcf-scjg")

    bureau.ok("dongchang_catalog_change_report", id=fresh["id"])
    assert [c["id"] for c in bureau.ok("dongchang_catalog_change_list",
                                       state="closed")["results"]] == [fresh["id"]]
    assert fresh["id"] not in {c["id"] for c in bureau.ok(
        "dongchang_catalog_change_list", state="open")["results"]}


def test_art16_a_change_closes_only_after_the_entry_is_updated_and_reported(world):
    editor = world["api"]["scjg-editor"]
    change = _record(editor, "scjg-registrations", dt.date.today())
    entry = model.Package.get("scjg-registrations")
    entry.metadata_modified = dt.datetime.combine(dt.date.today() - dt.timedelta(days=3), dt.time())
    model.Session.commit()
    error = editor.error("dongchang_catalog_change_report", id=change["id"])
    assert "dataset_id" in error
    assert editor.ok("dongchang_catalog_change_list", state="open")["count"] == 1

    editor.ok("package_patch", id="scjg-registrations", notes="依据修订后的《条例》更新。")
    reported = editor.ok("dongchang_catalog_change_report", id=change["id"])
    assert reported["state"] == "closed"
    assert reported["reported_on"] == dt.date.today().isoformat()
    assert reported["late"] is False
    assert "id" in editor.error("dongchang_catalog_change_report", id=change["id"])
    assert [e.action for e in model.Session.query(AuditEvent).filter(
        AuditEvent.object_id == change["id"]).order_by(AuditEvent.id)] == [
        "catalog_change_create", "catalog_change_report"]


def test_art16_reminders_mail_the_department_its_due_and_overdue_updates(
        world, mail_sink, run_jobs, test_request_context):
    editor, rsj = world["api"]["scjg-editor"], world["api"]["rsj-admin"]
    _record(editor, "scjg-registrations", dt.date.today() - dt.timedelta(days=60))
    _record(rsj, "rsj-insured", dt.date.today())  # due in three weeks: no reminder yet
    with test_request_context():
        result = CliRunner().invoke(cli.remind_deadlines, [], catch_exceptions=False)
    assert "queued 1 reminder" in result.output
    run_jobs()
    mails = mail_sink.to("scjg-editor@example.gov.cn")
    assert len(mails) == 1
    assert "东昌府区市场主体登记信息" in mails[0]["body"]
    assert mail_sink.to("rsj-admin@example.gov.cn") == []


def test_art16_cli_deadlines_prints_the_overdue_list(world, test_request_context):
    editor = world["api"]["scjg-editor"]
    _record(editor, "scjg-registrations", dt.date.today() - dt.timedelta(days=60))
    _record(world["api"]["rsj-admin"], "rsj-insured", dt.date.today())
    with test_request_context():
        output = CliRunner().invoke(cli.deadlines, [], catch_exceptions=False).output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("dcf-scjg\tscjg-registrations\tsystem_update")


# --- pages ------------------------------------------------------------------------------------

def _page(app, api, url, status=200):
    return BeautifulSoup(app.get(url, headers=api.headers, status=status).body, "html.parser")


def test_f11_department_page_records_a_change_and_lists_it_by_urgency(app, world):
    editor = world["api"]["scjg-editor"]
    _record(editor, "scjg-registrations", dt.date.today() - dt.timedelta(days=60))
    soup = _page(app, editor, "/organization/dcf-scjg/changes")
    form = soup.select_one("form.dongchang-change-form")
    token = form.find("input", attrs={"name": re.compile("csrf")})
    assert token is not None
    response = app.post("/organization/dcf-scjg/changes", headers=editor.headers, data={
        token["name"]: token["value"], "dataset_id": world["entries"]["scjg"]["id"],
        "trigger": "legal_basis", "occurred_on": "2026-09-30", "note": "条例修订"},
        follow_redirects=False)
    assert response.status_code == 302
    soup = _page(app, editor, "/organization/dcf-scjg/changes")
    overdue = soup.select_one("h2.dongchang-changes-overdue")
    assert "(2)" in overdue.get_text()  # 2026-09-30 was due on 2026-10-27
    assert "2026-10-27" in overdue.find_next("table").get_text()
    _page(app, world["api"]["rsj-admin"], "/organization/dcf-scjg/changes", status=403)


def test_f11_the_bureau_sees_every_departments_changes(app, world):
    _record(world["api"]["scjg-editor"], "scjg-registrations",
            dt.date.today() - dt.timedelta(days=60))
    _record(world["api"]["rsj-admin"], "rsj-insured", dt.date.today())
    soup = _page(app, world["api"]["bureau-admin"], "/dongchang/changes")
    text = soup.select_one("h2.dongchang-changes-open").find_next("table").get_text()
    assert "区市场监督管理局" in text and "区人力资源和社会保障局" in text
    _page(app, world["api"]["rsj-admin"], "/dongchang/changes", status=403)


@pytest.mark.ckan_config("ckanext.dongchang.catalog_update_working_days", "20")
def test_art16_pages_and_mails_state_the_configured_deadline(
        app, world, mail_sink, run_jobs, test_request_context):
    """Issue 18 item 10: no page or mail states a number of days the configuration decides."""
    editor = world["api"]["scjg-editor"]
    bureau_page = _page(app, world["api"]["bureau-admin"], "/dongchang/changes").get_text()
    department_page = _page(app, editor, "/organization/dcf-scjg/changes").get_text()
    for text in (bureau_page, department_page):
        assert "20个工作日" in text and "15个工作日" not in text
    _record(editor, "scjg-registrations", dt.date.today() - dt.timedelta(days=60))
    with test_request_context():
        CliRunner().invoke(cli.remind_deadlines, [], catch_exceptions=False)
    run_jobs()
    (mail,) = mail_sink.to("scjg-editor@example.gov.cn")
    assert "20个工作日" in mail["body"] and "15个工作日" not in mail["body"]


@pytest.mark.ckan_config("ckanext.dongchang.due_soon_working_days", "5")
def test_art16_the_due_soon_window_comes_from_configuration(app, world):
    """Issue 18 item 10: "due soon" is the site's window (default 3), stated from configuration."""
    editor = world["api"]["scjg-editor"]
    soon = deadlines.calendar().add_working_days(dt.date.today(), 5)
    day = dt.date.today()
    while not (deadlines.calendar().add_working_days(dt.date.today(), 3)
               < deadlines.due_date(day, "catalog_update")[0] <= soon):
        day -= dt.timedelta(days=1)
    change = _record(editor, "scjg-registrations", day)
    listed = editor.ok("dongchang_catalog_change_list", due_soon=True)["results"]
    assert [c["id"] for c in listed] == [change["id"]]
    heading = _page(app, editor, "/organization/dcf-scjg/changes").select_one(
        "h2.dongchang-changes-due_soon").get_text()
    assert "5个工作日" in heading and "三" not in heading
