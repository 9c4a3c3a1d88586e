"""The world of the evaluation and freshness tests: two departments, the Bureau, a citizen, and
entries of every update cycle, one of them stale."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from ckan import model

from tests.api import Api, EnglishApi
from tests.factories import CatalogEntry, district, staff


def _age(dataset_id: str, days: int) -> None:
    """Make an entry's data ``days`` old (its last save and its files' last change)."""
    when = dt.datetime.combine(dt.date.today() - dt.timedelta(days=days), dt.time(9))
    model.Session.execute(sa.text("UPDATE package SET metadata_modified = :w WHERE id = :id"),
                          {"w": when, "id": dataset_id})
    model.Session.execute(sa.text("UPDATE resource SET last_modified = :w WHERE package_id = :id"),
                          {"w": when, "id": dataset_id})
    model.Session.commit()


@pytest.fixture
def world(app, sysadmin):
    orgs = district()
    users = staff(orgs, ("scjg-editor", "scjg", "editor"), ("rsj-admin", "rsj", "admin"),
                  ("bureau-admin", "bureau", "admin"), ("citizen", None, "member"))
    cycles = {  # name: department, title, update cycle, other fields
        "scjg-daily": ("scjg", "东昌府区市场主体每日登记", "daily", {}),
        "scjg-monthly": ("scjg", "东昌府区月度抽检结果", "monthly", {}),
        "scjg-irregular": ("scjg", "东昌府区不定期公告", "irregular", {}),
        "scjg-draft": ("scjg", "东昌府区草稿条目", "daily", {"catalog_state": "draft"}),
        "rsj-annual": ("rsj", "东昌府区年度参保统计", "annual", {}),
    }
    entries = {name: CatalogEntry(user=sysadmin, owner_org=orgs[org], name=name, title=title,
                                  update_cycle=cycle, **fields)
               for name, (org, title, cycle, fields) in cycles.items()}
    _age(entries["scjg-daily"]["id"], 90)       # overdue by any grace
    _age(entries["scjg-irregular"]["id"], 900)  # never overdue: no cycle
    _age(entries["scjg-draft"]["id"], 90)       # not judged: not in the catalog yet
    return {"orgs": {"scjg": orgs["scjg"], "rsj": orgs["rsj"]}, "entries": entries,
            "api": {name: Api(app, user) for name, user in users.items()},
            "en": {name: EnglishApi(app, user) for name, user in users.items()}}
