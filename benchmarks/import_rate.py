"""A department's spreadsheet import against vanilla's ``package_create``, per entry
(issue 20 item 2: the import ≥ 3× vanilla's per-entry create rate for 1,000 rows).

    .venv/bin/python benchmarks/import_rate.py [--rows 1000] [--rounds 2]
    make benchmark-import

Ours: one CSV of ``rows`` entries (the import format: catalog columns plus the data items as
JSON) through ``dongchang_catalog_import`` — every row validated as ``package_create`` validates
it, all rows in one transaction, indexed in one batch after the commit. Vanilla: the same
entries through ``package_create`` one by one, each committed and indexed as CKAN does for a
publisher. Ours' own ``package_create`` of the same entries is measured too. In-process
(``site_worker.py``), rounds in ABBA order; every round purges what it created.

The sites are the benchmark's own (``benchmarks/sites.py``): this run recreates their databases
and cores with only the departments, so a later ``run.py --reuse`` seeds again.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import data  # noqa: E402
import run  # noqa: E402
import sites  # noqa: E402


def setup() -> None:
    sites.write_configs()
    for site in sites.SITES:
        sites.create_core(site)
        sites.create_database(site)
        sites.init_database(site, fresh=True)
        run.run_worker(site, [{"kind": "seed_setup",
                               "fixtures": str(sites.STATE / f"import-{site}.json")}],
                       "import-setup")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    run.log("setting up both sites (departments and users only)")
    setup()
    rates: dict[str, list[float]] = {"ours import": [], "ours package_create": [],
                                     "vanilla package_create": []}
    for r in range(args.rounds):
        for site in run.site_order(r):
            entries = data.import_entries(1 + r * args.rows, args.rows)
            ops = [{"kind": "create", "name": "create", "entries": entries}]
            if site == "ours":
                ops.append({"kind": "import", "name": "import", "start": 1 + r * args.rows,
                            "count": args.rows})
            result = run.run_worker(site, ops, f"import{r}")
            rates[f"{site} package_create"].append(result["create"]["entries_per_s"])
            if site == "ours":
                rates["ours import"].append(result["import"]["entries_per_s"])
            run.log(f"round {r + 1}/{args.rounds} {site} done: "
                    + ", ".join(f"{k} {v[-1]:.1f}/s" for k, v in rates.items()
                                if k.startswith(site) and v))
    vanilla = median(rates["vanilla package_create"])
    lines = [
        f"# Spreadsheet import vs package_create — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"{args.rounds} rounds (ABBA) of {args.rows} entries (no files), commit "
        f"{run._sh('git rev-parse --short HEAD')}, nproc {run._sh('nproc')}.",
        "",
        "| path | entries/s (median) | rounds | × vanilla package_create |",
        "|---|---|---|---|"]
    for name, values in rates.items():
        lines.append(f"| {name} | {median(values):.1f} | "
                     f"{', '.join(f'{v:.1f}' for v in values)} | {median(values) / vanilla:.2f} |")
    report = "\n".join([*lines, ""])
    run.RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (run.RESULTS / f"{stamp}-import.md").write_text(report, encoding="utf-8")
    (run.RESULTS / f"{stamp}-import.json").write_text(json.dumps(rates), encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
