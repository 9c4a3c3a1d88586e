"""One benchmark site in one process: ``site_worker.py CONFIG OPERATIONS``.

``OPERATIONS`` is a JSON list (inline, or ``@file``) of operations run in order:

* ``{"kind": "get", "name": ..., "paths": [...], "auth": "anon"|"member", "reps": n}``:
  GET requests through CKAN's whole WSGI stack in-process (werkzeug test client, no web
  server). One untimed warm-up request per path, then ``reps`` timed requests cycling through
  ``paths``. Every request also counts its SQL statements (SQLAlchemy ``before_cursor_execute``
  on CKAN's engine). ``"capture_sql": true`` returns the statements of the first timed request.
* ``{"kind": "walk", "name": ..., "paths": [...], "reps": n}``: like ``get`` but one sample is
  the time to fetch *all* paths in order (e.g. every page of the DCAT catalog).
* ``{"kind": "create", "name": ..., "entries": [...]}``: ``package_create`` in-process through
  the action API as the sysadmin, each entry committed and indexed as in production; then
  (untimed) ``dataset_purge`` of the same entries, so the site stays as seeded.
* ``{"kind": "seed_setup", "fixtures": path}``: sysadmin, departments, users, the member's API
  token (written to ``fixtures``).
* ``{"kind": "seed_entries", "start": a, "stop": b, "step": k}``: entries ``range(a, b, k)`` of
  ``data.entry`` (deferred commits, no indexing: run ``ckan search-index rebuild`` after).

Prints one line ``BENCH-RESULT <json>`` with a result object per operation name.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import data  # noqa: E402

logging.getLogger("ckan").setLevel(logging.WARNING)


class SqlCounter:
    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        self.capture: list[str] | None = None
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        self.count += 1
        if self.capture is not None:
            self.capture.append(" ".join(statement.split()))


def boot(config_path: str):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(config_path)
    return make_app(conf)


def client_for(stack: Any):
    from werkzeug.test import Client

    return Client(stack, use_cookies=False)


def _headers(op: dict[str, Any], tokens: dict[str, str]) -> dict[str, str]:
    auth = op.get("auth", "anon")
    return {} if auth == "anon" else {"Authorization": tokens[auth]}


def _forget_kept_renderings() -> None:
    """Ours keeps each entry's DCAT Turtle (``dcat/entry_cache.py``); a timed walk here renders
    every page, as stock's does (the page cache is off in these configs), so the line compares
    rendering with rendering. ``dcat_cache_walk.py`` measures walks with kept renderings."""
    from ckanext.dongchang.dcat import cache

    client = cache.redis_client()
    for key in client.scan_iter(cache.key("entry", "*"), count=1000):
        client.delete(key)


def run_get(client, counter: SqlCounter, op: dict[str, Any], tokens: dict[str, str],
            base_url: str) -> dict[str, Any]:
    headers = _headers(op, tokens)
    paths = op["paths"]
    walk = op["kind"] == "walk"

    def fetch(path: str) -> tuple[int, int]:
        response = client.get(path, headers=headers, base_url=base_url)
        body = response.get_data()
        if response.status_code != 200:
            raise RuntimeError(
                f"{op['name']}: GET {path} -> {response.status_code}: {body[:500]!r}")
        return response.status_code, len(body)

    # warm-up (templates compiled, caches filled) before anything is timed: every path of a
    # ``get``; the first page of a ``walk`` (a walk is long, and its pages share their code paths)
    for path in (paths[:1] if walk else paths) if op.get("warm", True) else ():
        fetch(path)
    times, sqls, sizes = [], [], []
    statements: list[str] | None = None
    for rep in range(op.get("reps", 5)):
        batch = paths if walk else [paths[rep % len(paths)]]
        if op.get("capture_sql") and rep == 0:
            counter.capture = []
        counter.count = 0
        size = 0
        if walk:
            _forget_kept_renderings()
        start = time.perf_counter()
        for path in batch:
            size += fetch(path)[1]
        times.append((time.perf_counter() - start) * 1000)
        sqls.append(counter.count)
        sizes.append(size)
        if counter.capture is not None:
            statements, counter.capture = counter.capture, None
    result: dict[str, Any] = {"times_ms": times, "sql": sqls, "bytes": sizes,
                              "requests": len(paths) if walk else 1}
    if statements is not None:
        result["statements"] = statements
    return result


def _sysadmin_context() -> dict[str, Any]:
    return {"user": data.SYSADMIN, "ignore_auth": False}


def run_create(op: dict[str, Any]) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    create = tk.get_action("package_create")
    times = []
    for entry in op["entries"]:
        start = time.perf_counter()
        create(_sysadmin_context(), json.loads(json.dumps(entry)))
        times.append((time.perf_counter() - start) * 1000)
    if op.get("purge", True):  # leave the site as seeded (untimed)
        purge = tk.get_action("dataset_purge")
        for entry in op["entries"]:
            purge(_sysadmin_context(), {"id": entry["name"]})
    return {"times_ms": times, "total_s": sum(times) / 1000,
            "entries_per_s": len(times) / (sum(times) / 1000)}


def run_seed_setup(op: dict[str, Any]) -> dict[str, Any]:
    """The sysadmin, the departments, one editor per department, the member's API token."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    started = time.perf_counter()
    site_user = {"ignore_auth": True, "user": ""}
    tk.get_action("user_create")(dict(site_user), {
        "name": data.SYSADMIN, "email": "bench-admin@bench.example.gov.cn",
        "password": data.PASSWORD})
    admin = model.User.by_name(data.SYSADMIN)
    admin.sysadmin = True
    model.repo.commit()
    for org in data.departments():
        tk.get_action("organization_create")(_sysadmin_context(), dict(org))
    tokens = {}
    for user in data.users():
        tk.get_action("user_create")(dict(site_user), {
            "name": user["name"], "email": user["email"], "password": user["password"]})
        tk.get_action("organization_member_create")(_sysadmin_context(), {
            "id": user["org"], "username": user["name"], "role": user["capacity"]})
        if user["org"] == data.MEMBER_ORG:
            token = tk.get_action("api_token_create")(
                {"user": user["name"]}, {"user": user["name"], "name": "bench"})
            tokens["member"] = token["token"]
    model.repo.commit()
    fixtures = {"tokens": tokens, "member_org": data.MEMBER_ORG,
                "member_user": data.member_user(data.MEMBER_ORG)}
    Path(op["fixtures"]).write_text(json.dumps(fixtures, indent=1), encoding="utf-8")
    return {"setup_s": time.perf_counter() - started}


def run_seed_entries(op: dict[str, Any]) -> dict[str, Any]:
    """Entries ``serials`` = range(start, stop, step) through package_create, deferred commits
    (every ``batch`` entries) and no indexing: ``ckan search-index rebuild`` indexes them after."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    create = tk.get_action("package_create")
    serials = range(op["start"], op["stop"], op.get("step", 1))
    batch = op.get("batch", 100)
    started = time.perf_counter()
    for i, serial in enumerate(serials, start=1):
        context = _sysadmin_context()
        context["defer_commit"] = True
        context["return_id_only"] = True
        create(context, data.entry(serial))
        if i % batch == 0:
            model.repo.commit()
            if op.get("progress"):
                print(f"\r  seeded {i}/{len(serials)} in this worker", end="", file=sys.stderr,
                      flush=True)
    model.repo.commit()
    if op.get("progress"):
        print(file=sys.stderr)
    seconds = time.perf_counter() - started
    return {"entries": len(serials), "seed_s": seconds, "entries_per_s": len(serials) / seconds}


def run_delivery_setup(op: dict[str, Any]) -> dict[str, Any]:
    """One published entry with one uploaded CSV, and a grantee with an API token (for
    ``delivery.py``). Ours: a conditionally open entry whose open version an approved request
    covers, so each download goes through the grant check, the access log and the grant's own
    row order; vanilla: the same entry public, CKAN's stock download of the same file. With the
    DataStore plugin, the file's rows are also loaded into the DataStore (the grant covers its
    table on ours). Writes ``{"token", "path", "datastore_path"}`` to ``op["fixtures"]``."""
    import datetime as dt
    import io

    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.plugins import plugin_loaded
    from werkzeug.datastructures import FileStorage

    run_seed_setup({"fixtures": op["fixtures"] + ".seed.json"})
    entry = data.entry(1, prefix="bench-delivery")
    entry.update(data.conditional_open(), resources=[], catalog_state="published",
                 confidentiality_review_status="passed", confidentiality_reviewer="王芳",
                 confidentiality_reviewed_on="2026-11-02", private=False)
    created = tk.get_action("package_create")(_sysadmin_context(), entry)
    resource = tk.get_action("resource_create")(_sysadmin_context(), {
        "package_id": created["id"], "name": "企业名录开放版", "format": "CSV",
        "audience": "open",
        "upload": FileStorage(io.BytesIO(data.table_csv(op.get("rows", 2000))),
                              filename="table.csv", content_type="text/csv")})
    if plugin_loaded("datastore"):
        _load_table(resource["id"], data.table_csv(op.get("rows", 2000)))
    site_user = {"ignore_auth": True, "user": ""}
    grantee = tk.get_action("user_create")(dict(site_user), {
        "name": "bench-grantee", "email": "bench-grantee@bench.example.gov.cn",
        "password": data.PASSWORD})
    token = tk.get_action("api_token_create")(
        {"user": grantee["name"]}, {"user": grantee["name"], "name": "bench"})["token"]
    if op["site"] == "ours":
        from ckanext.dongchang.requests.model import AccessRequest

        model.Session.add(AccessRequest(
            dataset_id=created["id"], requester_id=grantee["id"], resource_ids=[resource["id"]],
            request_kind="open", applicant_kind="company", purpose="research", state="approved",
            valid_from=dt.date.today(), valid_until=dt.date.today() + dt.timedelta(days=30)))
    model.repo.commit()
    path = f"/dataset/{created['id']}/resource/{resource['id']}/download/table.csv"
    search = f"/api/3/action/datastore_search?resource_id={resource['id']}&limit=100"
    Path(op["fixtures"]).write_text(json.dumps({"token": token, "path": path,
                                                "datastore_path": search}), encoding="utf-8")
    return {"bytes": resource.get("size")}


def _load_table(resource_id: str, content: bytes) -> None:
    """The file's rows in the DataStore (text columns, as xloader's direct load makes them),
    loaded by the sysadmin in one ``datastore_create``."""
    import csv
    import io

    import ckan.plugins.toolkit as tk

    header, *rows = csv.reader(io.StringIO(content.decode("utf-8")))
    tk.get_action("datastore_create")(_sysadmin_context(), {
        "resource_id": resource_id, "force": True,
        "fields": [{"id": name, "type": "text"} for name in header],
        "records": [dict(zip(header, row, strict=True)) for row in rows]})


def run_import(op: dict[str, Any]) -> dict[str, Any]:
    """Entries ``start``… (``count`` of them, without files) imported from one CSV file through
    ``dongchang_catalog_import`` as the sysadmin (ours only): one transaction, indexed in one
    batch after the commit; then (untimed) purged, so the site stays as it was."""
    import ckan.plugins.toolkit as tk

    from ckanext.dongchang.catalog import spreadsheet

    entries = data.import_entries(op["start"], op["count"])
    columns = spreadsheet.columns()
    export = {"columns": columns, "items": [],
              "rows": [{name: data.cell(entry.get(name)) for name in columns}
                       for entry in entries]}
    for entry in entries:
        export["items"].extend({spreadsheet.ITEM_KEY: entry["resource_code"], **item}
                               for item in entry["data_items"])
    content = spreadsheet.to_csv(export)
    started = time.perf_counter()
    result = tk.get_action("dongchang_catalog_import")(_sysadmin_context(), {
        "org": data.MEMBER_ORG, "content": content, "filename": "catalog.csv"})
    seconds = time.perf_counter() - started
    if result["errors"] or len(result["created"]) != len(entries):
        raise RuntimeError(f"import failed: {result['errors'][:5]}")
    purge = tk.get_action("dataset_purge")
    for created in result["created"]:
        purge(_sysadmin_context(), {"id": created["id"]})
    return {"entries": len(entries), "total_s": seconds, "entries_per_s": len(entries) / seconds}


def serve(config_path: str) -> int:
    """``site_worker.py CONFIG --serve``: one booted site answering operations one JSON line at
    a time on stdin (``get`` and ``tokens`` only), one ``BENCH-RESULT`` line each, so a driver
    can interleave two live sites request block by request block (``delivery.py``)."""
    stack = boot(config_path)
    from ckan import model
    from ckan.common import config

    counter = SqlCounter(model.meta.engine)
    client, tokens = client_for(stack), {}
    print("BENCH-READY", flush=True)
    for line in sys.stdin:
        op = json.loads(line)
        if op.get("tokens"):
            tokens = op["tokens"]
            result: dict[str, Any] = {}
        else:
            result = run_get(client, counter, op, tokens, config["ckan.site_url"])
        model.Session.remove()
        print("BENCH-RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def main(argv: list[str]) -> int:
    config_path, ops_arg = argv[1], argv[2]
    if ops_arg == "--serve":
        return serve(config_path)
    ops = json.loads(Path(ops_arg[1:]).read_text() if ops_arg.startswith("@") else ops_arg)
    stack = boot(config_path)
    from ckan import model
    from ckan.common import config

    counter = SqlCounter(model.meta.engine)
    base_url = config["ckan.site_url"]
    results: dict[str, Any] = {"pid": os.getpid()}
    tokens = {}
    for op in ops:
        if op.get("tokens"):
            tokens = op["tokens"]
            continue
        kind = op["kind"]
        if kind in ("get", "walk"):
            results[op["name"]] = run_get(client_for(stack), counter, op, tokens, base_url)
        else:
            with stack._wsgi_app.test_request_context():
                if kind == "seed_setup":
                    results[op.get("name", "seed_setup")] = run_seed_setup(op)
                elif kind == "seed_entries":
                    results[op.get("name", "seed_entries")] = run_seed_entries(op)
                elif kind == "create":
                    results[op["name"]] = run_create(op)
                elif kind == "import":
                    results[op["name"]] = run_import(op)
                elif kind == "delivery_setup":
                    results["delivery_setup"] = run_delivery_setup(op)
                else:
                    raise ValueError(f"unknown operation kind {kind!r}")
        model.Session.remove()
    print("BENCH-RESULT " + json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

