"""The DCAT cache across processes (issue 20 item 1): two ``ckan run`` workers share one
Redis, a change made through either makes every cached document out of date in both; with
Redis down the feeds are rendered uncached, no 500, one log line."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from ckan.tests import factories

from tests.conftest import PLUGINS
from tests.entries import create_entry, entry_dict
from tests.servers import ROOT, WebProcess, free_port

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture(scope="module")
def cache_ini(tmp_path_factory):
    """test.ini with the DCAT cache on (the suite runs with it off)."""
    path = tmp_path_factory.mktemp("dcat-cache") / "cache.ini"
    path.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n"
                    "ckanext.dongchang.dcat_cache_seconds = 3600\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def workers(cache_ini):
    pair = [WebProcess(config=cache_ini).start(), WebProcess(config=cache_ini).start()]
    yield pair
    for worker in pair:
        worker.stop()


def get(worker, path, **headers):
    request = urllib.request.Request(worker.url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def call(worker, token, action, **data):
    request = urllib.request.Request(
        f"{worker.url}/api/3/action/{action}", data=json.dumps(data).encode(),
        headers={"Authorization": token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())["result"]


def test_i1_a_change_through_one_worker_reaches_the_other_workers_cache(workers, sysadmin):
    first, second = workers
    org = factories.Organization()
    token = factories.APIToken(user=sysadmin["name"])["token"]
    kept = create_entry(sysadmin, org["id"], title="两进程缓存原有条目")
    status, body, headers = get(first, "/catalog.ttl")
    assert status == 200 and "两进程缓存原有条目" in body
    assert get(second, "/catalog.ttl", **{"If-None-Match": headers["ETag"]})[0] == 304

    call(second, token, "package_create", **entry_dict(org["id"], title="两进程缓存新条目"))
    status, body, _ = get(first, "/catalog.ttl", **{"If-None-Match": headers["ETag"]})
    assert status == 200 and "两进程缓存新条目" in body

    call(first, token, "package_delete", id=kept["id"])
    assert "两进程缓存原有条目" not in get(second, "/catalog.ttl")[1]
    assert get(second, f"/dataset/{kept['name']}.ttl")[0] == 404


@pytest.fixture
def private_redis():
    """A Redis of this test's own, so stopping it disturbs nobody else."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is missing: services/services.sh installs it")
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


def test_i1_redis_down_serves_the_feeds_uncached(cache_ini, private_redis, sysadmin,
                                                 monkeypatch):
    org = factories.Organization()
    entry = create_entry(sysadmin, org["id"], title="Redis停止时的条目")
    monkeypatch.setenv("CKAN_REDIS_URL", private_redis)
    web = WebProcess(config=cache_ini).start()
    try:
        assert get(web, "/catalog.ttl")[0] == 200  # cached while Redis answers
        subprocess.run(["redis-cli", "-u", private_redis, "shutdown", "nosave"],
                       capture_output=True, timeout=30)
        for path in ("/catalog.ttl", "/catalog.ttl", f"/dataset/{entry['name']}.ttl"):
            status, body, _ = get(web, path)
            assert status == 200 and "Redis停止时的条目" in body, path
    finally:
        web.stop()
    log = web.log.read_text(encoding="utf-8", errors="replace")
    assert log.count("DCAT cache off while Redis does not answer") == 1
