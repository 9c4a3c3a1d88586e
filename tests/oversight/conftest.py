"""The world of the evaluation and freshness tests: two departments, the Bureau, a citizen, and
entries of every update cycle, one of them stale."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from tests.api import Api, EnglishApi
from tests.entries import create_entry

TODAY = dt.date.today()


def _age(dataset_id: str, days: int) -> None:
    """Make an entry's data ``days`` old (its last save and its files' last change)."""
    when = dt.datetime.combine(TODAY - dt.timedelta(days=days), dt.time(9))
    model.Session.execute(sa.text("UPDATE package SET metadata_modified = :w WHERE id = :id"),
                          {"w": when, "id": dataset_id})
    model.Session.execute(sa.text("UPDATE resource SET last_modified = :w WHERE package_id = :id"),
                          {"w": when, "id": dataset_id})
    model.Session.commit()


@pytest.fixture
def world(app, sysadmin):
    scjg = factories.Organization(name="dcf-scjg", title="区市场监督管理局")
    rsj = factories.Organization(name="dcf-rsj", title="区人力资源和社会保障局")
    bureau = factories.Organization(name="dcf-dsjj", title="区大数据局", is_bureau="true")
    users = {name: factories.User(name=name, email=f"{name}@example.gov.cn") for name in (
        "scjg-editor", "rsj-admin", "bureau-admin", "citizen")}
    for user, org, role in [("scjg-editor", scjg, "editor"), ("rsj-admin", rsj, "admin"),
                            ("bureau-admin", bureau, "admin")]:
        helpers.call_action("organization_member_create", id=org["id"], username=user,
                            role=role)
    entries = {
        "scjg-daily": create_entry(sysadmin, scjg["id"], name="scjg-daily",
                                   title="东昌府区市场主体每日登记", update_cycle="daily"),
        "scjg-monthly": create_entry(sysadmin, scjg["id"], name="scjg-monthly",
                                     title="东昌府区月度抽检结果", update_cycle="monthly"),
        "scjg-irregular": create_entry(sysadmin, scjg["id"], name="scjg-irregular",
                                       title="东昌府区不定期公告", update_cycle="irregular"),
        "scjg-draft": create_entry(sysadmin, scjg["id"], name="scjg-draft",
                                   title="东昌府区草稿条目", update_cycle="daily",
                                   catalog_state="draft"),
        "rsj-annual": create_entry(sysadmin, rsj["id"], name="rsj-annual",
                                   title="东昌府区年度参保统计", update_cycle="annual"),
    }
    _age(entries["scjg-daily"]["id"], 90)       # overdue by any grace
    _age(entries["scjg-irregular"]["id"], 900)  # never overdue: no cycle
    _age(entries["scjg-draft"]["id"], 90)       # not judged: not in the catalog yet
    return {"orgs": {"scjg": scjg, "rsj": rsj}, "entries": entries,
            "api": {name: Api(app, user) for name, user in users.items()},
            "en": {name: EnglishApi(app, user) for name, user in users.items()}}
