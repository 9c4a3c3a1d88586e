"""The mixed workload of issue 20, for one site: ``locust -f locustfile.py --host URL``.

search 50 % (catalog page and API, half each), entry page 25 %, package_show 15 %, DCAT catalog
page 5 %, a registered citizen's write 5 %: on our site an access request for a conditionally
open entry (``dongchang_access_request_create``); vanilla CKAN has no access requests, so there
the write is stock CKAN's closest one-row write by a registered user on an entry,
``follow_dataset``. Every answer other than 200 is a failure.

Environment: ``LOAD_FIXTURES`` (from prepare.py), ``LOAD_RUN`` (which set of fresh accounts),
``LOAD_SITE`` (``ours`` or ``vanilla``), ``LOAD_RATE`` (requests/s per user; unset = no wait,
i.e. saturation).
"""
from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, constant, constant_throughput, task

FIXTURES = json.loads(Path(os.environ["LOAD_FIXTURES"]).read_text(encoding="utf-8"))
TOKENS = FIXTURES["tokens"][int(os.environ.get("LOAD_RUN", "0"))]
SITE = os.environ.get("LOAD_SITE", "ours")
RATE = os.environ.get("LOAD_RATE")
_accounts = itertools.count()


class CatalogVisitor(HttpUser):
    wait_time = constant_throughput(float(RATE)) if RATE else constant(0)

    def on_start(self) -> None:
        slot = next(_accounts)
        self.token = TOKENS[slot % len(TOKENS)]
        # each account walks its own order of entries: no account asks twice for one entry
        self.to_request = iter(random.Random(slot).sample(FIXTURES["gated"],
                                                          len(FIXTURES["gated"])))
        self.to_follow = iter(random.Random(slot).sample(FIXTURES["public"],
                                                         len(FIXTURES["public"])))

    def _get(self, path: str, name: str) -> None:
        self.client.get(path, name=name)

    @task(25)
    def search_page(self) -> None:
        if random.random() < 0.5:
            query = f"q={random.choice(FIXTURES['subjects'])}"
        else:
            query = f"tags={random.choice(FIXTURES['tags'])}"
        self._get(f"/dataset/?{query}&page={random.randint(1, 3)}", "search page /dataset/?q=")

    @task(25)
    def search_api(self) -> None:
        if random.random() < 0.5:
            query = f"q={random.choice(FIXTURES['subjects'])}"
        else:
            query = f"fq=tags:{random.choice(FIXTURES['tags'])}"
        self._get(f"/api/3/action/package_search?{query}&rows=20&start={random.choice([0, 20])}",
                  "package_search API")

    @task(25)
    def entry_page(self) -> None:
        self._get(f"/dataset/{random.choice(FIXTURES['public'])}", "entry page /dataset/<name>")

    @task(15)
    def package_show(self) -> None:
        self._get(f"/api/3/action/package_show?id={random.choice(FIXTURES['public'])}",
                  "package_show API")

    @task(5)
    def dcat_page(self) -> None:
        page = random.randint(1, FIXTURES["dcat_pages"])
        self._get(f"/catalog.ttl?page={page}", "DCAT page /catalog.ttl?page=")

    @task(5)
    def write(self) -> None:
        headers = {"Authorization": self.token}
        target = next(self.to_request if SITE == "ours" else self.to_follow, None)
        if target is None:  # this account has asked for every entry once: read instead
            return self.package_show()
        if SITE == "ours":
            self.client.post("/api/3/action/dongchang_access_request_create", headers=headers,
                             name="write: access request (ours) / follow (vanilla)", json={
                                 "dataset_id": target,
                                 "applicant_kind": "citizen", "purpose": "social_services",
                                 "use_scenario": "负载测试：社区服务数据使用场景"})
        else:
            self.client.post("/api/3/action/follow_dataset", headers=headers,
                             name="write: access request (ours) / follow (vanilla)",
                             json={"id": target})
