"""Art. 17, "可以通过共享方式获得数据的，不得通过其他方式重复采集": a recollection is refused at
submission unless the entry says why the shared data cannot serve (issue 18 item 7)."""

from __future__ import annotations

import pytest

from ckanext.dongchang.catalog.rules.workflow import recollection_errors, recollection_warnings
from ckanext.dongchang.kernel.messages import render

ITEMS = [{"name": "机构名称", "source_org": "dcf-rsj"},
         {"name": "法定代表人", "source_org": "dcf-scjg"}]


def _warnings(items=ITEMS):
    return recollection_warnings(items, "dcf-rsj", {"dcf-scjg": "区市场监督管理局"}, [])


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_art17_recollection_without_a_reason_is_refused(reason):
    errors = recollection_errors(_warnings(), reason)
    assert list(errors) == ["recollection_reason"]
    message = render(errors["recollection_reason"][0])
    assert "法定代表人" in message and "Art. 17" in message


def test_art17_recollection_with_a_reason_is_accepted():
    assert recollection_errors(_warnings(), "共享数据更新滞后三个月，无法满足实时核验") == {}


def test_art17_items_of_the_departments_own_source_need_no_reason():
    assert recollection_errors(_warnings(ITEMS[:1]), None) == {}


def test_art17_a_duplicate_mark_alone_needs_no_recollection_reason():
    marked = [{"kind": "marked_duplicate", "item": "", "org": "", "orgs": [], "datasets": []}]
    assert recollection_errors(marked, None) == {}
