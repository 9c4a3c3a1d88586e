"""Faults on real services (issue 10): what a user sees, and that nothing recorded is lost or
duplicated. README › "When a service fails" describes the behaviour these tests pin down."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.dongchang.kernel.outbox import MailOutbox
from ckanext.dongchang.requests.model import AccessRequest
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry, entry_dict
from tests.servers import ROOT, PrivatePostgres, WebProcess, free_port

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def test_f13_solr_down_during_an_edit_refuses_it_and_keeps_the_old_entry(app, sysadmin,
                                                                        monkeypatch):
    org = factories.Organization()
    entry = create_entry(sysadmin, org["id"], title="东昌府区公交线路")
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    # Solr unreachable: nothing listens on this port.
    monkeypatch.setitem(tk.config, "solr_url", f"http://127.0.0.1:{free_port()}/solr/ckan")
    response = app.post("/api/3/action/package_patch", json={"id": entry["id"],
                        "title": "东昌府区公交线路（修订）"}, headers=headers, expect_errors=True)
    assert response.status_code < 500
    assert response.json["success"] is False
    model.Session.remove()
    assert model.Package.get(entry["id"]).title == "东昌府区公交线路"  # rolled back whole
    monkeypatch.undo()
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=entry["id"],
                        title="东昌府区公交线路（修订）")
    found = helpers.call_action("package_search", q="修订")["results"]
    assert [d["id"] for d in found] == [entry["id"]]


@pytest.fixture
def private_postgresql():
    """A PostgreSQL cluster of this test's own, so restarting it disturbs nobody else: the
    suite's cluster on port 5432 is shared by every sandboxed run on the machine."""
    cluster = PrivatePostgres()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def _ckan(*command: str) -> str:
    """A ``ckan`` command on test.ini with the current environment; its standard output."""
    ckan = str(Path(sys.executable).with_name("ckan"))
    return subprocess.run([ckan, "-c", str(ROOT / "test.ini"), *command], check=True, cwd=ROOT,
                          capture_output=True, text=True, timeout=300).stdout


def _post(web: WebProcess, token: str, action: str, **data) -> dict:
    request = urllib.request.Request(
        f"{web.url}/api/3/action/{action}", data=json.dumps(data).encode(),
        headers={"Authorization": token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["result"]


def _drop_site_from_solr(site_id: str) -> None:
    """Remove what another site id indexed into this run's Solr core (``clean_index`` only
    clears this run's own site id)."""
    body = json.dumps({"delete": {"query": f'site_id:"{site_id}"'}}).encode()
    request = urllib.request.Request(f"{tk.config['solr_url']}/update?commit=true", data=body,
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).close()


@pytest.fixture
def private_site(private_postgresql, private_redis, monkeypatch):
    """The environment of a CKAN site of its own: its database on ``private_postgresql``, its
    queues on ``private_redis``, its own site id in the run's Solr core (removed after)."""
    site_id = f"{tk.config['ckan.site_id']}-private"
    monkeypatch.setenv("CKAN_SQLALCHEMY_URL", private_postgresql.url)
    monkeypatch.setenv("CKAN_REDIS_URL", private_redis["url"])
    monkeypatch.setenv("CKAN_SITE_ID", site_id)
    yield private_postgresql
    _drop_site_from_solr(site_id)


def test_f13_database_restarted_between_two_steps(private_site):
    """A site on its own cluster: a request is made, PostgreSQL restarts (every pooled
    connection of the web process dies), and the next step succeeds, recorded once."""
    private_postgresql = private_site
    _ckan("db", "init")
    _ckan("sysadmin", "add", "fault-admin", "--create", "email=fault-admin@example.gov.cn",
          "password=Fault-Test-2026")
    root = _ckan("user", "token", "add", "fault-admin", "faults", "--quiet").strip()
    web = WebProcess()
    try:
        web.start()
        org = _post(web, root, "organization_create", name="dcf-fault", title="区测试部门")
        people = {name: _post(web, root, "user_create", name=name, password="Fault-Test-2026",
                              email=f"{name}@example.gov.cn") for name in ("admin", "citizen")}
        _post(web, root, "organization_member_create", id=org["id"], username="admin",
              role="admin")
        tokens = {name: _post(web, root, "api_token_create", user=name, name="faults")["token"]
                  for name in people}
        entry = _post(web, root, "package_create",
                      **entry_dict(org["id"], **conditional(share_class="unconditional")))
        request = _post(web, tokens["citizen"], "dongchang_access_request_create",
                        dataset_id=entry["id"], applicant_kind="citizen", purpose="innovation",
                        use_scenario="重启测试")
        private_postgresql.restart()  # the web process's pooled connections are now dead
        approved = _post(web, tokens["admin"], "dongchang_access_request_approve",
                         id=request["id"])
    finally:
        web.stop()
    assert approved["state"] == "approved"
    assert private_postgresql.scalar(
        "select count(*) from dongchang_access_request") == 1
    assert private_postgresql.scalar(
        f"select state from dongchang_access_request where id = '{request['id']}'") == "approved"


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
    yield {"port": port, "process": process, "url": f"redis://127.0.0.1:{port}/0"}
    process.terminate()


def test_f13_redis_down_during_a_submission_keeps_the_request_and_its_mail(
        sysadmin, private_redis, mail_sink):
    org = factories.Organization()
    citizen = factories.User(email="citizen@example.com")
    entry = create_entry(sysadmin, org["id"], **conditional(share_class="unconditional"))
    token = factories.APIToken(user=citizen["name"])["token"]
    env = {"CKAN_REDIS_URL": private_redis["url"]}
    web = WebProcess()
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        web.start()
        private_redis["process"].terminate()  # Redis stops
        private_redis["process"].wait(10)
        request = urllib.request.Request(
            f"{web.url}/api/3/action/dongchang_access_request_create",
            data=json.dumps({"dataset_id": entry["id"], "applicant_kind": "citizen",
                             "purpose": "innovation", "use_scenario": "Redis 故障测试"}).encode(),
            headers={"Authorization": token, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            created = json.loads(response.read())["result"]
        assert created["state"] == "submitted"
    finally:
        web.stop()
        os.environ.clear()
        os.environ.update(saved)
    model.Session.remove()
    assert model.Session.query(AccessRequest).count() == 1
    waiting = model.Session.query(MailOutbox).filter(MailOutbox.sent_at.is_(None)).count()
    assert waiting >= 1, "the receipt waits in the outbox"
    # Redis is back (the suite's own): the daily flush queues the mail, a worker sends it once.
    ckan = str(Path(sys.executable).with_name("ckan"))
    run_env = dict(os.environ)
    for command in (["dongchang", "flush-outbox", "--older-than", "0"],
                    ["dongchang", "flush-outbox", "--older-than", "0"],
                    ["jobs", "worker", "--burst"]):
        subprocess.run([ckan, "-c", str(ROOT / "test.ini"), *command], check=True, cwd=ROOT,
                       env=run_env, capture_output=True, timeout=600)
    assert len(mail_sink.to("citizen@example.com")) == 1  # queued twice, sent once
    model.Session.remove()
    assert model.Session.query(MailOutbox).filter(MailOutbox.sent_at.is_(None)).count() == 0
