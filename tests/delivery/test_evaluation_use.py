"""Access-log use in the evaluation (Art. 6 评价; issue 18 item 13, issue 16 item 6): the
deliveries of a department's gated data in the period, and how many of its published entries
they reached, with ``use`` as a criterion the Bureau can weigh. Real services."""
from __future__ import annotations

import html
import json
import re

import pytest
from ckan.tests import factories

from tests.conftest import PLUGINS
from tests.delivery.conftest import _path

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.mark.ckan_config("ckanext.dongchang.evaluation_weights", "use:100")
def test_art6_the_evaluation_counts_deliveries_from_the_access_log(world):
    entry, resource = world["entries"]["gated"], world["files"]["open"]
    for name in ("citizen", "citizen", "admin"):
        assert world["api"][name].get(_path(entry, resource)).status_code == 200
    figures = world["api"]["bureau"].ok("dongchang_evaluation")
    row = next(r for r in figures["departments"] if r["department"] == "区民政局")
    assert (row["deliveries"], row["entries_delivered"]) == (3, 1)
    assert row["score"]["parts"]["use"]["fraction"] == pytest.approx(1 / row["published"], abs=1e-4)
    assert figures["district"]["deliveries"] == 3


def test_f16_the_evaluation_dashboard_charts_use_beside_its_table(world, app):
    """Item 6 "with charts": the dashboard draws deliveries per department from the same
    figures as its table, counted independently here from the downloads made."""
    entry, resource = world["entries"]["gated"], world["files"]["open"]
    for name in ("citizen", "admin"):
        assert world["api"][name].get(_path(entry, resource)).status_code == 200
    token = factories.APIToken(user=world["users"]["bureau"]["name"])["token"]
    page = app.get("/en/dongchang/evaluation", headers={"Authorization": token}).get_data(
        as_text=True)
    assert 'id="chart-use"' in page and "dongchang-evaluation-use" in page
    embedded = re.search(r'id="dongchang-evaluation-data">(.*?)</script>', page, re.S)
    chart = json.loads(html.unescape(embedded.group(1)))
    assert {"id": "chart-use", "keys": ["deliveries", "entries_delivered"],
            "stacked": False} in chart["charts"]
    deliveries = dict(zip(chart["labels"], chart["series"]["deliveries"], strict=True))
    assert deliveries["区民政局"] == 2
