"""The DCAT cache's effect on a harvester's walk: ``dcat_cache_walk.py [--n N] [--walks K]``.

On the benchmark sites as seeded by run.py (reused, not re-seeded): ours with the cache on
(``.services/bench/ours-cache.ini`` = ``ours.ini`` + ``ckanext.dongchang.dcat_cache_seconds``),
and vanilla. Each in its own process, in-process requests as in ``site_worker.py``:

* ours: the kept entry renderings (``dcat/entry_cache.py``) are removed and the generation is
  bumped, then a full walk of ``/catalog.ttl?page=`` 1..n renders every entry and page and
  keeps them (**first walk**); then one entry is edited through ``package_patch`` (which bumps
  the generation, as every edit does) and the catalog walked again: every page is rendered
  again from the kept entries, the edited one rendered anew (**after one edit**, a harvester's
  everyday walk); then ``--walks`` walks of the unchanged pages (**repeated**), then one walk
  with ``If-None-Match`` (**conditional**: 304s);
* vanilla: ``--walks`` walks (no cache), for the cold walk's ratio to stock.

Prints and writes ``results/dcat-cache-<stamp>.md``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import data  # noqa: E402
import sites  # noqa: E402


def walk_in_process(config: str, pages: int, walks: int, cached: bool) -> dict:
    """Runs inside the worker process: the timed walks of one site."""
    import site_worker

    stack = site_worker.boot(config)
    from ckan.common import config as ckan_config

    client = site_worker.client_for(stack)
    base = ckan_config["ckan.site_url"]
    paths = [f"/catalog.ttl?page={p}" for p in range(1, pages + 1)]

    def walk(conditional: dict[str, str] | None = None) -> tuple[float, dict[str, str], int]:
        etags, not_modified = {}, 0
        start = time.perf_counter()
        for path in paths:
            headers = {"If-None-Match": conditional[path]} if conditional else {}
            response = client.get(path, headers=headers, base_url=base)
            response.get_data()
            if response.status_code == 304:
                not_modified += 1
            elif response.status_code != 200:
                raise RuntimeError(f"GET {path} -> {response.status_code}")
            etags[path] = response.headers.get("ETag", "")
        return time.perf_counter() - start, etags, not_modified

    client.get(paths[0], base_url=base).get_data()  # warm-up: templates, profiles, connections
    result: dict = {}
    if cached:
        from ckanext.dongchang.dcat import cache

        # first walk: no page and no entry kept (after a deployment, before dcat-warm)
        redis = cache.redis_client()
        for key in redis.scan_iter(cache.key("entry", "*"), count=1000):
            redis.delete(key)
        cache.bump_generation()  # what any edit does: every cached page is out of date
        result["cold_s"], _, _ = walk()
        # the everyday case: somebody edited an entry since the last walk (a real edit: the
        # generation moves, so every page is rendered again, and one entry's digest changes)
        _edit_one_entry(stack)
        result["after_edit_s"], etags, _ = walk()
        result["repeated_s"] = [walk()[0] for _ in range(walks)]
        result["conditional_s"], _, result["not_modified"] = walk(etags)
    else:
        result["walks_s"] = [walk()[0] for _ in range(walks)]
    return result


def _edit_one_entry(stack) -> None:
    """Retitle the first public entry through ``package_patch`` as the site user."""
    import ckan.plugins.toolkit as tk

    with stack._wsgi_app.test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        entry = tk.get_action("package_search")({"user": ""}, {
            "rows": 1, "sort": "metadata_created asc, id asc"})["results"][0]
        tk.get_action("package_patch")({"user": site_user, "ignore_auth": True}, {
            "id": entry["id"], "title": entry["title"] + "（已更新）"})


def cache_config() -> Path:
    path = sites.STATE / "ours-cache.ini"
    path.write_text(f"[app:main]\nuse = config:{sites.config_path('ours')}\n"
                    "ckanext.dongchang.dcat_cache_seconds = 86400\n", encoding="utf-8")
    return path


def run_site(config: Path, pages: int, walks: int, cached: bool) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import dcat_cache_walk as w; "
            f"print('WALK-RESULT ' + json.dumps(w.walk_in_process({str(config)!r}, {pages}, "
            f"{walks}, {cached!r})))")
    proc = subprocess.run([str(sites.PY), "-c", code], cwd=sites.ROOT, capture_output=True,
                          text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("WALK-RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"walk on {config} failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][len("WALK-RESULT "):])


def _list(values: list[float], digits: int) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--walks", type=int, default=3)
    args = parser.parse_args()
    saved = json.loads((sites.STATE / f"setup-n{args.n}.json").read_text())
    tile = saved.get("tile", 0)
    public = sum(1 for s in range(1, args.n + 1) if not data.entry(s, tile=tile)["private"])
    pages = math.ceil(public / 100)
    # ABBA: vanilla, ours, ours, vanilla — the machine's drift hits both alike
    vanilla = [run_site(sites.config_path("vanilla"), pages, args.walks, False)]
    ours = [run_site(cache_config(), pages, args.walks, True) for _ in range(2)]
    vanilla.append(run_site(sites.config_path("vanilla"), pages, args.walks, False))
    stock = median(t for v in vanilla for t in v["walks_s"])
    cold = median(o["cold_s"] for o in ours)
    after_edit = median(o["after_edit_s"] for o in ours)
    repeated = median(t for o in ours for t in o["repeated_s"])
    conditional = median(o["conditional_s"] for o in ours)
    md = "\n".join([
        f"# DCAT cache: full walk of /catalog.ttl, N = {args.n} ({pages} pages), "
        f"{dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        "",
        "| walk | seconds (median) | ratio to stock | rounds |",
        "|---|---:|---:|---|",
        f"| vanilla (no cache) | {stock:.2f} | 1.00 | "
        f"{_list([t for v in vanilla for t in v['walks_s']], 2)} |",
        f"| ours, first walk (nothing kept: renders every entry and page, keeps them) | "
        f"{cold:.2f} | {cold / stock:.2f} | {_list([o['cold_s'] for o in ours], 2)} |",
        f"| ours, after one edit (every page rendered again, entries from Redis) | "
        f"{after_edit:.2f} | {after_edit / stock:.2f} | "
        f"{_list([o['after_edit_s'] for o in ours], 2)} |",
        f"| ours, repeated (unchanged pages, from Redis) | {repeated:.3f} | "
        f"{repeated / stock:.3f} | "
        f"{_list([t for o in ours for t in o['repeated_s']], 3)} |",
        f"| ours, conditional (If-None-Match → 304) | {conditional:.3f} | "
        f"{conditional / stock:.3f} | {_list([o['conditional_s'] for o in ours], 3)} |",
        "",
        f"Repeated walk: **{cold / repeated:.0f}× faster** than ours cold, "
        f"**{stock / repeated:.0f}× faster** than stock; 304 answers: "
        f"{ours[0]['not_modified']}/{pages} pages.",
        "",
    ])
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"dcat-cache-{stamp}-n{args.n}.md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
