"""A real harvester against our site (issue 19, F-9): vanilla CKAN 2.12 + ckanext-harvest 1.6.3 +
ckanext-dcat's ``dcat_rdf`` harvester harvests ``/catalog.ttl`` from ``ckan run`` over HTTP, page
by page, and we check what lands downstream. See ``tests/system/harvest.py``."""
from __future__ import annotations

import pytest
from ckan.tests import factories

from tests.conftest import PLUGINS
from tests.entries import class_fields, create_entry
from tests.system.harvest import HarvestClient, OurSite

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

PER_PAGE = 3


@pytest.fixture(scope="module")
def our_site():
    site = OurSite(per_page=PER_PAGE).start()
    yield site
    site.stop()


@pytest.fixture(scope="module")
def client():
    harvest_client = HarvestClient()
    harvest_client.reset()
    return harvest_client


def secret_url(label: str) -> str:
    return f"https://files.example.gov.cn/harvest-secret-{label}.csv"


def open_url(label: str) -> str:
    return f"https://files.example.gov.cn/harvest-open-{label}.csv"


@pytest.fixture
def department():
    return factories.Organization(title="区市场监督管理局")


def make_entries(sysadmin, org_id, prefix: str) -> dict[str, list[dict]]:
    """Open, conditionally open, government-only, closed and draft entries (DESIGN §4)."""
    kinds = {
        "open": (4, class_fields("unconditional", "unconditional"), {}),
        "conditional": (3, class_fields("unconditional", "conditional"), {}),
        "government": (2, class_fields("unconditional", "not_open"), {}),
        "closed": (1, class_fields("not_shared", "not_open"), {}),
        "draft": (1, class_fields("unconditional", "unconditional"),
                  {"catalog_state": "draft"}),
    }
    entries: dict[str, list[dict]] = {}
    for kind, (count, classes, extra) in kinds.items():
        for number in range(count):
            label = f"{prefix}-{kind}-{number}"
            url = open_url(label) if kind == "open" else secret_url(label)
            entries.setdefault(kind, []).append(create_entry(
                sysadmin, org_id, title=f"东昌府区{kind}目录条目{prefix}{number}",
                resources=[{"name": "数据文件", "url": url, "format": "CSV"}],
                **classes, **extra))
    return entries


def public(entries: dict[str, list[dict]]) -> list[dict]:
    return entries["open"] + entries["conditional"]


def guid(site: OurSite, entry: dict) -> str:
    """ckanext-dcat's guid for a harvested dataset: its URI (rdf:about)."""
    return f"{site.url}/dataset/{entry['id']}"


def test_f9_full_harvest_lands_every_public_entry_exactly_once(
        our_site, client, sysadmin, department):
    entries = make_entries(sysadmin, department["id"], "full")
    source = client.create_source("full-harvest", our_site.url + "/catalog.ttl")

    report = client.harvest(source)

    assert report.status == "Finished", report.explain()
    assert not report.gather_errors and not report.object_errors, report.explain()
    downstream = client.datasets()
    guids = [dataset.guid for dataset in downstream]
    assert sorted(guids) == sorted(guid(our_site, entry) for entry in public(entries))
    titles = {dataset.guid: dataset.title for dataset in downstream}
    assert titles == {guid(our_site, entry): entry["title"] for entry in public(entries)}
    urls = [url for dataset in downstream for url in dataset.resource_urls]
    assert sorted(url for url in urls if "harvest-open" in url) == sorted(
        open_url(f"full-open-{number}") for number in range(4))
    assert not [url for url in urls if "harvest-secret" in url]
