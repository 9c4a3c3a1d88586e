"""A gated download through the portal against CKAN's stock download of the same file, and a
grantee's ``datastore_search`` against stock ``datastore_search`` on the same table (issue 16,
"Done when": ≤ 1.10× each), side by side in one run.

    .venv/bin/python benchmarks/delivery.py [--rounds 4] [--reps 200] [--rows 2000]
    make benchmark-delivery

Ours: a conditionally open entry whose uploaded open version an approved request covers; each
timed request is the grantee's download through CKAN's own route with the grant check, the
access-log row and the grant's own row order (``delivery/fingerprint``), and the
grantee's ``datastore_search`` (API token) on the file's DataStore table, through the grant
check, the per-grant limits and the access-log row. Vanilla: CKAN 2.12 + scheming + dcat +
datastore, the same entry public, the same file and table, the stock download and search.
Both sites run the DataStore plugin on a DataStore database of their own
(``datastore_bench_<site>``). Both in-process through the whole WSGI stack
(``site_worker.py --serve``): both sites' workers stay up side by side and take turns in
short blocks of requests (ABBA block by block), so the load of other work on the machine hits
both within seconds; each round's ratio compares the blocks of that round.

The sites are the benchmark's own (``benchmarks/sites.py``): this run recreates their databases
and cores with only this entry, so a later ``run.py --reuse`` seeds again.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402
import sites  # noqa: E402

# operation name -> (fixture key of its path, label in the report)
OPERATIONS = {
    "download": ("path", "gated download (grantee) vs stock download"),
    "datastore_search": ("datastore_path",
                         "datastore_search 100 rows (grantee, token) vs stock datastore_search"),
}
LOAD_BEFORE = " ".join(Path("/proc/loadavg").read_text().split()[:3]) \
    if Path("/proc/loadavg").exists() else "?"


def setup(rows: int) -> dict[str, dict[str, str]]:
    sites.write_configs(datastore=True)
    fixtures = {}
    for site in sites.SITES:
        sites.create_core(site)
        sites.create_database(site)
        sites.create_datastore_database(site)
        sites.init_database(site, fresh=True)
        path = sites.STATE / f"delivery-{site}.json"
        run.run_worker(site, [{"kind": "delivery_setup", "site": site, "rows": rows,
                               "fixtures": str(path)}], "delivery-setup")
        fixtures[site] = json.loads(path.read_text(encoding="utf-8"))
    return fixtures


class Served:
    """One site's worker, booted once and kept (``site_worker.py CONFIG --serve``)."""

    def __init__(self, site: str):
        self.log = (sites.STATE / f"worker-{site}-delivery.log").open("w")
        self.proc = subprocess.Popen(
            [str(sites.PY), str(run.WORKER), str(sites.config_path(site)), "--serve"],
            cwd=sites.ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
            text=True)
        self._read("BENCH-READY")

    def _read(self, prefix: str) -> str:
        for line in self.proc.stdout:
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        raise RuntimeError(f"worker ended (rc={self.proc.wait()}); see {self.log.name}")

    def ask(self, op: dict) -> dict:
        self.proc.stdin.write(json.dumps(op, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        return json.loads(self._read("BENCH-RESULT "))

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()
        self.log.close()


def measure(fixtures: dict, rounds: int, blocks: int, reps: int) -> dict:
    """Both sites live at once; each round is ``blocks`` blocks of ``reps // blocks`` requests
    per operation, in ABBA order block by block, so a burst of load from other work hits both
    sites within seconds of each other. Returns ``{operation: {site: [one sample set per
    round]}}``."""
    per_block = max(1, reps // blocks)
    workers = {site: Served(site) for site in sites.SITES}
    try:
        for site, worker in workers.items():
            worker.ask({"tokens": {"grantee": fixtures[site]["token"]}})
            for op, (key, _label) in OPERATIONS.items():  # warm-up, untimed
                worker.ask({"kind": "get", "name": op, "paths": [fixtures[site][key]],
                            "auth": "grantee", "reps": 1})
        samples: dict = {op: {site: [] for site in sites.SITES} for op in OPERATIONS}
        for r in range(rounds):
            merged = _round(workers, fixtures, r, blocks, per_block)
            for op in OPERATIONS:
                for site in sites.SITES:
                    samples[op][site].append(merged[op][site])
            run.log(f"round {r + 1}/{rounds} done ({blocks} ABBA blocks of {per_block})")
        return samples
    finally:
        for worker in workers.values():
            worker.close()


def _round(workers: dict, fixtures: dict, r: int, blocks: int, per_block: int) -> dict:
    """One round: the sites take turns block by block (ABBA), every operation in each block."""
    merged = {op: {site: {"times_ms": [], "sql": [], "bytes": [], "requests": 1}
                   for site in sites.SITES} for op in OPERATIONS}
    for b in range(blocks):
        for site in run.site_order(r * blocks + b):
            for op, (key, _label) in OPERATIONS.items():
                got = workers[site].ask({
                    "kind": "get", "name": op, "paths": [fixtures[site][key]],
                    "auth": "grantee", "reps": per_block, "warm": False})
                for field in ("times_ms", "sql", "bytes"):
                    merged[op][site][field] += got[field]
    return merged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--reps", type=int, default=200,
                        help="timed requests per operation, site and round")
    parser.add_argument("--blocks", type=int, default=20,
                        help="ABBA blocks per round (the sites alternate block by block)")
    parser.add_argument("--rows", type=int, default=2000, help="rows of the CSV served")
    args = parser.parse_args()
    run.log(f"setting up both sites with one {args.rows}-row CSV")
    fixtures = setup(args.rows)
    samples = measure(fixtures, args.rounds, args.blocks, args.reps)
    rows, summary = [], {}
    for op, (_key, label) in OPERATIONS.items():
        sql = "/".join(str(int(sorted(s["sql"])[len(s["sql"]) // 2]))
                       for s in (samples[op]["vanilla"][0], samples[op]["ours"][0]))
        row, summary[op] = run._spread_row(label, samples[op]["vanilla"], samples[op]["ours"],
                                           sql, args.reps)
        rows.append(row)
    size = samples["download"]["ours"][0]["bytes"][0]
    report = "\n".join([
        f"# Gated download and DataStore search vs stock — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"{args.rounds} rounds × {args.reps} requests of each operation per site, both sites "
        f"live, alternating in {args.blocks} ABBA blocks per round; a "
        f"{args.rows}-row CSV ({size} bytes), its DataStore table searched 100 rows a call; "
        f"commit {run._sh('git rev-parse --short HEAD')}, nproc {run._sh('nproc')}, "
        f"load average before {LOAD_BEFORE}.",
        "",
        "| operation | vanilla ms (round range) | ours ms (round range) | ratio "
        "| per-round ratios | SQL vanilla/ours | requests |",
        "|---|---|---|---|---|---|---|",
        *rows, ""])
    run.RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (run.RESULTS / f"{stamp}-delivery.md").write_text(report, encoding="utf-8")
    (run.RESULTS / f"{stamp}-delivery.json").write_text(
        json.dumps({"summary": summary, "samples": samples}), encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
