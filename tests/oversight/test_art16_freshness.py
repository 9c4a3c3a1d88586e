"""Data older than its declared 更新周期 is overdue (Art. 16): listed, counted, mailed."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from ckanext.dongchang.calendar import deadlines
from ckanext.dongchang.catalog import cli
from tests.conftest import PLUGINS
from tests.oversight.conftest import _age

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def _names(result):
    return [row["dataset_name"] for row in result["results"]]


def test_art16_stale_data_is_listed_for_its_department_and_the_bureau(world):
    bureau = world["api"]["bureau-admin"].ok("dongchang_freshness_list")
    assert _names(bureau) == ["scjg-daily"]
    (row,) = bureau["results"]
    assert row["update_cycle"] == "daily" and row["org_name"] == "dcf-scjg"
    calendar = deadlines.calendar()
    assert row["working_days_overdue"] == calendar.working_days_between(
        dt.date.fromisoformat(row["current_until"]), dt.date.today()) > 0
    assert _names(world["api"]["scjg-editor"].ok("dongchang_freshness_list")) == ["scjg-daily"]
    assert world["api"]["rsj-admin"].ok("dongchang_freshness_list")["count"] == 0
    world["api"]["rsj-admin"].error("dongchang_freshness_list", status=403, org_id="dcf-scjg")
    world["api"]["citizen"].error("dongchang_freshness_list", status=403)


@pytest.mark.parametrize(("grace", "overdue"), [(0, True), (40, False)])
def test_art16_grace_in_working_days_comes_from_configuration(world, grace, overdue):
    # Monthly data 45 days old: past its cycle, but within a grace of 40 working days.
    _age(world["entries"]["scjg-monthly"]["id"], 45)
    with pytest.MonkeyPatch.context() as patch:
        from ckan.plugins import toolkit as tk
        patch.setitem(tk.config, "ckanext.dongchang.freshness_grace_working_days", grace)
        names = _names(world["api"]["bureau-admin"].ok("dongchang_freshness_list"))
    assert ("scjg-monthly" in names) is overdue


def test_art16_saving_the_entry_makes_its_data_current_again(world, sysadmin):
    from ckan.tests import helpers

    helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                        id="scjg-daily", notes="今日已更新数据。东昌府区市场主体每日登记。")
    assert world["api"]["bureau-admin"].ok("dongchang_freshness_list")["count"] == 0


def test_art16_changes_pages_list_overdue_data(world):
    page = world["en"]["scjg-editor"].page("/en/organization/dcf-scjg/changes")
    section = page.find(class_="dongchang-freshness")
    assert "东昌府区市场主体每日登记" in section.text
    assert "东昌府区不定期公告" not in section.text
    page = world["en"]["bureau-admin"].page("/en/dongchang/changes")
    assert "东昌府区市场主体每日登记" in page.find(class_="dongchang-freshness").text


def test_art16_daily_reminder_mails_the_department_its_stale_data(
        world, mail_sink, run_jobs, test_request_context):
    with test_request_context():
        result = CliRunner().invoke(cli.remind_deadlines, [], catch_exceptions=False)
    assert "queued 1 update-cycle reminder" in result.output
    run_jobs()
    (mail,) = mail_sink.to("scjg-editor@example.gov.cn")
    assert "东昌府区市场主体每日登记" in mail["body"]
    assert "每日" in mail["body"] and "Daily" in mail["body"]  # the cycle, in both languages
    assert "东昌府区不定期公告" not in mail["body"]
    assert mail_sink.to("rsj-admin@example.gov.cn") == []
