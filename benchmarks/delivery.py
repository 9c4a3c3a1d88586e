"""A gated download through the portal against CKAN's stock download of the same file
(issue 16, "Done when": ≤ 1.10×), side by side in one run.

    .venv/bin/python benchmarks/delivery.py [--rounds 4] [--reps 200] [--rows 2000]
    make benchmark-delivery

Ours: a conditionally open entry whose uploaded open version an approved request covers; each
timed request is the grantee's download through CKAN's own route with the grant check, the
access-log row and the grant's own row order (``delivery/fingerprint``). Vanilla: CKAN 2.12 +
scheming + dcat, the same entry public, the same file, the stock download. Both in-process
through the whole WSGI stack (``site_worker.py``), rounds in ABBA order.

The sites are the benchmark's own (``benchmarks/sites.py``): this run recreates their databases
and cores with only this entry, so a later ``run.py --reuse`` seeds again.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402
import sites  # noqa: E402


def setup(rows: int) -> dict[str, dict[str, str]]:
    sites.write_configs()
    fixtures = {}
    for site in sites.SITES:
        sites.create_core(site)
        sites.create_database(site)
        sites.init_database(site, fresh=True)
        path = sites.STATE / f"delivery-{site}.json"
        run.run_worker(site, [{"kind": "delivery_setup", "site": site, "rows": rows,
                               "fixtures": str(path)}], "delivery-setup")
        fixtures[site] = json.loads(path.read_text(encoding="utf-8"))
    return fixtures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--rows", type=int, default=2000, help="rows of the CSV served")
    args = parser.parse_args()
    run.log(f"setting up both sites with one {args.rows}-row CSV")
    fixtures = setup(args.rows)
    samples: dict[str, list[dict]] = {"ours": [], "vanilla": []}
    for r in range(args.rounds):
        for site in run.site_order(r):
            ops = [{"tokens": {"grantee": fixtures[site]["token"]}},
                   {"kind": "get", "name": "download", "paths": [fixtures[site]["path"]],
                    "auth": "grantee", "reps": args.reps}]
            samples[site].append(run.run_worker(site, ops, f"delivery{r}")["download"])
            run.log(f"round {r + 1}/{args.rounds} {site} done")
    sql = "/".join(str(int(sorted(s["sql"])[len(s["sql"]) // 2]))
                   for s in (samples["vanilla"][0], samples["ours"][0]))
    row, summary = run._spread_row("gated download (grantee) vs stock download",
                                   samples["vanilla"], samples["ours"], sql, args.reps)
    size = samples["ours"][0]["bytes"][0]
    report = "\n".join([
        f"# Gated download vs stock download — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"{args.rounds} rounds (ABBA) × {args.reps} downloads of a {args.rows}-row CSV "
        f"({size} bytes), commit {run._sh('git rev-parse --short HEAD')}, "
        f"nproc {run._sh('nproc')}.",
        "",
        "| operation | vanilla ms (round range) | ours ms (round range) | ratio "
        "| per-round ratios | SQL vanilla/ours | requests |",
        "|---|---|---|---|---|---|---|",
        row, ""])
    run.RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (run.RESULTS / f"{stamp}-delivery.md").write_text(report, encoding="utf-8")
    (run.RESULTS / f"{stamp}-delivery.json").write_text(
        json.dumps({"summary": summary, "samples": samples}), encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
