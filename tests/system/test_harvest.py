"""A real harvester against our site (issue 19, F-9): vanilla CKAN 2.12 + ckanext-harvest 1.6.3 +
ckanext-dcat's ``dcat_rdf`` harvester harvests ``/catalog.ttl`` from ``ckan run`` over HTTP, page
by page, and we check what lands downstream. See ``tests/system/harvest.py``."""
from __future__ import annotations

import re
import time

import pytest
import rdflib
from ckan.tests import factories, helpers
from rdflib import RDF

from tests.conftest import PLUGINS
from tests.entries import class_fields, create_entry, entry_dict
from tests.system.harvest import FeedProxy, HarvestClient, OurSite, Publisher, fetch

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

PER_PAGE = 3
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")


@pytest.fixture(scope="module")
def proxy():
    feed_proxy = FeedProxy()
    yield feed_proxy
    feed_proxy.stop()


@pytest.fixture(scope="module")
def our_site(proxy):
    """Our site, named by (and reached through) the proxy: harvesters and walks follow its
    paging links back through the proxy, which can act between two page fetches."""
    site = OurSite(per_page=PER_PAGE, public_url=proxy.url).start()
    proxy.start(upstream=site.url)
    yield site
    site.stop()


@pytest.fixture
def publisher(our_site, sysadmin):
    return Publisher(our_site.url, factories.APIToken(user=sysadmin["name"])["token"])


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
    return f"{site.public_url}/dataset/{entry['id']}"


def datasets_on(page: str) -> list[str]:
    graph = rdflib.Graph().parse(data=page, format="turtle")
    return [str(ref) for ref in graph.subjects(RDF.type, DCAT.Dataset)]


def open_entries(sysadmin, org_id, prefix: str, count: int) -> list[dict]:
    return [create_entry(sysadmin, org_id, title=f"东昌府区开放目录条目{prefix}{number}",
                         resources=[{"name": "数据文件", "url": open_url(f"{prefix}-{number}"),
                                     "format": "CSV"}])
            for number in range(count)]


class Churn:
    """Between page 1 and 2: one entry already seen is hidden, one seen and one not yet seen
    are edited; between page 2 and 3 a new entry is created. Under offset paging on
    ``metadata_modified desc`` each of these skips or repeats an entry."""

    def __init__(self, site: OurSite, publisher: Publisher, entries: list[dict], org_id: str):
        self.site, self.publisher, self.entries, self.org_id = site, publisher, entries, org_id
        self.hidden: dict | None = None
        self.created: dict | None = None

    def __call__(self, number: int, page: str) -> None:
        if number == 1:
            on_page = set(datasets_on(page))
            seen = [e for e in self.entries if guid(self.site, e) in on_page]
            unseen = [e for e in self.entries if guid(self.site, e) not in on_page]
            self.hidden = seen[0]
            self.publisher.hide(seen[0]["id"])
            self.publisher.edit(seen[-1]["id"])
            self.publisher.edit(unseen[-1]["id"])
        elif number == 2:
            self.created = self.publisher.create(entry_dict(
                self.org_id, title="东昌府区遍历中新建的目录条目",
                resources=[{"name": "数据文件", "url": open_url("churn-new"),
                            "format": "CSV"}]))

    def still_public(self) -> set[str]:
        """IRIs of the entries public throughout the walk or created during it."""
        kept = {guid(self.site, e) for e in self.entries if e is not self.hidden}
        return kept | {guid(self.site, self.created)}


def test_f9_full_harvest_lands_every_public_entry_exactly_once(
        our_site, client, sysadmin, department):
    entries = make_entries(sysadmin, department["id"], "full")
    source = client.create_source("full-harvest", our_site.url + "/catalog.ttl")

    report = client.harvest(source)

    assert report.status == "Finished", report.explain()
    assert not report.gather_errors and not report.object_errors, report.explain()
    downstream = client.datasets(source)
    guids = [dataset.guid for dataset in downstream]
    assert sorted(guids) == sorted(guid(our_site, entry) for entry in public(entries))
    titles = {dataset.guid: dataset.title for dataset in downstream}
    assert titles == {guid(our_site, entry): entry["title"] for entry in public(entries)}
    urls = [url for dataset in downstream for url in dataset.resource_urls]
    assert sorted(url for url in urls if "harvest-open" in url) == sorted(
        open_url(f"full-open-{number}") for number in range(4))
    assert not [url for url in urls if "harvest-secret" in url]


def test_f9_stock_consumers_name_chinese_titles_with_underscores(
        our_site, client, sysadmin, department):
    """Issue 19 item 10, pinned: our entries' names are ASCII (CKAN's name validator allows
    nothing else), but ckanext-dcat's parser never reads a name: the harvester makes one from
    the title (``munge_title_to_name``), and a Chinese title leaves only underscores. The
    README gives consumers the hook that names datasets from the landing page instead."""
    entry = create_entry(sysadmin, department["id"], name="dcf-bus-stops",
                         title="东昌府区公交站点信息")
    source = client.create_source("names-harvest", our_site.public_url + "/catalog.ttl")
    client.harvest(source)
    (downstream,) = client.datasets(source)
    assert downstream.title == entry["title"]
    assert re.fullmatch(r"_+[-0-9a-f]*", downstream.name), downstream.name


def test_f9_harvest_under_concurrent_edits_deletes_no_public_entry(
        our_site, proxy, client, sysadmin, department, publisher):
    """Issue 19 item 2, through the real harvester: a re-harvest during which entries are
    edited, hidden and created deletes no entry that is still public downstream, and the next
    harvest converges on exactly the public entries."""
    entries = open_entries(sysadmin, department["id"], "churn", 9)
    source = client.create_source("churn-harvest", our_site.public_url + "/catalog.ttl")
    assert client.harvest(source).status == "Finished"
    churn = Churn(our_site, publisher, entries, department["id"])
    proxy.reset(after_page=churn)
    try:
        report = client.harvest(source)
    finally:
        proxy.reset()
    assert not proxy.errors, proxy.errors
    assert churn.created, f"the harvest ended after {proxy.pages_served} pages"
    assert report.status == "Finished" and not report.object_errors, report.explain()
    downstream = [d.guid for d in client.datasets(source)]
    assert len(downstream) == len(set(downstream))
    assert churn.still_public() <= set(downstream), (
        f"deleted or missed downstream: {churn.still_public() - set(downstream)}; created "
        f"{guid(our_site, churn.created)}\n{report.explain()}")

    client.harvest(source)
    downstream = {d.guid for d in client.datasets(source)}
    assert downstream == churn.still_public()


def test_f9_entry_that_leaves_and_returns_stock_dcat_never_restores_it(
        our_site, client, sysadmin, department, publisher):
    """Issue 19 item 3, pinned as stock ckanext-dcat 2.4.4 behaves (report:
    docs/upstream/ckanext-dcat-leave-and-return.md): an entry that leaves the public feed is
    deleted downstream; when it comes back under the same IRI (guid), the harvester finds the
    deleted copy by guid, ``package_show`` on it is refused (no user in the context) and the
    import fails (five tries, as a restarted consumer would, then ERROR); the entry stays
    deleted downstream on every later harvest. When this test
    fails, upstream has fixed it: update the README's consumer section."""
    entries = open_entries(sysadmin, department["id"], "return", 2)
    leaving, staying = entries
    source = client.create_source("return-harvest", our_site.public_url + "/catalog.ttl")
    client.harvest(source)
    publisher.hide(leaving["id"])
    client.harvest(source)
    states = {d.guid: d.state for d in client.datasets(source, state=None)}
    assert states[guid(our_site, leaving)] == "deleted"

    publisher.reopen(leaving["id"])
    assert fetch(f"{our_site.url}/dataset/{leaving['id']}.ttl")[0] == 200
    report = client.harvest(source)
    states = {d.guid: d.state for d in client.datasets(source, state=None)}
    assert states[guid(our_site, staying)] == "active"
    assert states[guid(our_site, leaving)] == "deleted", "restored: upstream fixed it?"
    failed = [g for g, state, _status, _extra in report.objects if state == "ERROR"]
    assert failed == [guid(our_site, leaving)], report.explain()
    assert "NotAuthorized" in report.stderr


def test_f9_entry_that_leaves_and_returns_is_restored_with_the_consumer_fix(
        our_site, client, sysadmin, department, publisher):
    """Issue 19 item 3: the consumer-side fix the README gives (``run_harvest.restore_deleted``)
    brings the returning entry back downstream, same dataset and name, and nothing else
    changes."""
    leaving, staying = open_entries(sysadmin, department["id"], "restore", 2)
    source = client.create_source("restore-harvest", our_site.public_url + "/catalog.ttl")
    client.harvest(source, "--restore-deleted")
    before = {d.guid: d.name for d in client.datasets(source)}
    publisher.hide(leaving["id"])
    client.harvest(source, "--restore-deleted")
    assert {d.guid for d in client.datasets(source)} == {guid(our_site, staying)}

    publisher.reopen(leaving["id"])
    report = client.harvest(source, "--restore-deleted")

    assert report.status == "Finished" and not report.object_errors, report.explain()
    after = {d.guid: d.name for d in client.datasets(source, state=None)}
    assert after == before
    assert {d.guid for d in client.datasets(source)} == set(before)


def test_f9_city_exchange_platform_harvests_the_share_catalog_with_a_token(
        our_site, client, sysadmin, department):
    """Issue 19 item 9 (Art. 12, 18, 23): the city exchange platform's stock harvester, sending
    a government harvester account's API token, gets every published shared entry — shared
    but not open ones too — and no data URL of a conditional share; without the token the
    share catalog does not exist (the harvest records the 404 and imports nothing)."""
    entries = make_entries(sysadmin, department["id"], "share")
    conditional_share = create_entry(
        sysadmin, department["id"], title="东昌府区有条件共享目录条目",
        resources=[{"name": "数据文件", "url": secret_url("share-condshare"), "format": "CSV"}],
        **class_fields("conditional", "not_open"))
    city = factories.User()
    helpers.call_action("organization_member_create", id=factories.Organization()["id"],
                        username=city["name"], role="member")
    token = factories.APIToken(user=city["name"])["token"]
    source = client.create_source("share-harvest", our_site.public_url + "/share-catalog.ttl")

    refused = client.harvest(source)
    assert refused.gather_errors and "404" in refused.gather_errors[0], refused.explain()
    assert client.datasets(source) == []

    report = client.harvest(source, f"--authorization={token}")
    assert report.status == "Finished" and not report.object_errors, report.explain()
    downstream = client.datasets(source)
    shared = public(entries) + entries["government"] + [conditional_share]
    assert sorted(d.guid for d in downstream) == sorted(guid(our_site, e) for e in shared)
    urls = {url for d in downstream for url in d.resource_urls}
    assert secret_url("share-condshare") not in urls
    # government's files are gated (shared, not open): served by the portal as registered
    # upstreams (issue 16 item 3), so the platform gets the portal's routes, never the addresses
    assert not {secret_url(f"share-government-{n}") for n in range(2)} & urls
    for entry in entries["government"]:
        routes = {f"/resource/{r['id']}/download" for r in entry["resources"]}
        assert all(any(url.endswith(route) or f"{route}/" in url for url in urls)
                   for route in routes), (routes, urls)
    assert not [url for url in urls if "closed" in url or "draft" in url]


def test_f9_idle_harvest_consumers_need_a_longer_redis_socket_timeout(client):
    """Issue 19 item 10, the consumer setting the README gives: CKAN 2.12 pins redis 8.0.1,
    whose default 5-second socket timeout ends an idle consumer waiting in ``blpop``;
    ``?socket_timeout=86400`` on ``ckan.redis.url`` keeps it waiting."""
    started = time.monotonic()
    code, output = client.consumer("gather-consumer", seconds=120)
    assert code not in (None, 0) and "TimeoutError" in output, (code, output[-2000:])
    # start-up plus 5 s idle took this long; twice as long idle again is past the timeout
    lifetime = time.monotonic() - started
    code, output = client.consumer("gather-consumer", seconds=lifetime + 10,
                                   redis_query="socket_timeout=86400")
    assert code is None, output[-2000:]
