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
import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.dongchang.kernel.outbox import MailOutbox
from ckanext.dongchang.requests.model import AccessRequest
from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry
from tests.servers import ROOT, WebProcess, free_port

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


def _restart_postgresql() -> None:
    """Restart the PostgreSQL server the suite runs on, as its administrator would.

    Found through the server itself (``data_directory``), so this restarts whichever cluster
    answers — the project's own, started by ``services/services.sh``. ``pg_ctl restart`` keeps
    the server's command-line options; it runs as the cluster's owner (``postgres``).
    """
    url = model.meta.engine.url.set(username="postgres", password="postgres")
    admin = sa.create_engine(url.render_as_string(hide_password=False),
                             poolclass=sa.pool.NullPool)  # a fresh connection each time
    with admin.connect() as connection:
        data_directory = connection.execute(sa.text("show data_directory")).scalar()
        started = connection.execute(sa.text("select pg_postmaster_start_time()")).scalar()
    pg_ctl = Path("/usr/lib/postgresql/15/bin/pg_ctl")
    log = Path(data_directory).parent / "postgres.log"  # where services.sh logs the server
    command = [str(pg_ctl), "-D", data_directory, "-l", str(log), "-m", "fast", "-w", "-t", "60",
               "restart"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    # No pipes: the restarted server would hold them open and the call would never return.
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=120)
    with admin.connect() as connection:
        restarted = connection.execute(sa.text("select pg_postmaster_start_time()")).scalar()
    admin.dispose()
    assert restarted > started, "PostgreSQL was not restarted"


def test_f13_database_restarted_between_two_steps(app, sysadmin):
    org = factories.Organization()
    admin, citizen = factories.User(), factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=admin["name"],
                        role="admin")
    entry = create_entry(sysadmin, org["id"], **conditional(share_class="unconditional"))
    request = helpers.call_action(
        "dongchang_access_request_create", context={"user": citizen["name"]},
        dataset_id=entry["id"], applicant_kind="citizen", purpose="innovation",
        use_scenario="重启测试")
    token = factories.APIToken(user=admin["name"])["token"]
    model.Session.remove()  # end of a request: connections go back to the pool, idle
    _restart_postgresql()  # every pooled connection is now dead
    response = app.post("/api/3/action/dongchang_access_request_approve",
                        json={"id": request["id"]}, headers={"Authorization": token})
    assert response.json["result"]["state"] == "approved"
    model.Session.remove()
    assert model.Session.query(AccessRequest).count() == 1
    assert model.Session.query(AccessRequest).one().state == "approved"


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
                       env=run_env, capture_output=True, timeout=120)
    assert len(mail_sink.to("citizen@example.com")) == 1  # queued twice, sent once
    model.Session.remove()
    assert model.Session.query(MailOutbox).filter(MailOutbox.sent_at.is_(None)).count() == 0
