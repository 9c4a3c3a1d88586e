"""Locust load test of ours against vanilla CKAN, both in the production topology.

    .venv/bin/python benchmarks/locust/run_load.py            # N=1000 (make loadtest)
    .venv/bin/python benchmarks/locust/run_load.py --n 10000 --users 24 --duration 120

Both sites are the benchmark's (benchmarks/sites.py: same data, own databases, cores and
schemas; seeded by benchmarks/run.py's setup, reused when already seeded with this N). Each is
started with services/prod/prod.sh (nginx → gunicorn × workers, jobs worker) on its own port,
and Locust (its own venv, .services/locust-venv) drives the mixed workload of locustfile.py
against one site at a time, interleaved ABBA:

1. warm-up: a short unrecorded run per site (every gunicorn worker compiles its templates);
2. saturation: ``--users`` users without waiting, ``--duration`` s: throughput (requests/s);
3. fixed rate: ``--rate-share`` (default 50 %) of the lower of the two saturated throughputs,
   spread over ``--users`` users with ``constant_throughput``: p50/p95 at the same load.

Results: benchmarks/results/locust-<stamp>.md (and latest-locust.md), the Locust CSVs beside.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import run  # noqa: E402
import sites  # noqa: E402

ROOT = sites.ROOT
PROD = ROOT / "services" / "prod" / "prod.sh"
LOCUST_VENV = ROOT / ".services" / "locust-venv"
LOCUST_VERSION = "2.32.10"
PORTS = {"ours": 8091, "vanilla": 8092}
RESULTS = HERE.parent / "results"


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def locust_installed() -> Path:
    """Locust in its own venv: its Flask/Werkzeug pins need not agree with CKAN's."""
    exe = LOCUST_VENV / "bin" / "locust"
    if not exe.exists():
        log(f"installing Locust {LOCUST_VERSION} into {LOCUST_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "-q",
                        f"locust=={LOCUST_VERSION}"], check=True)
    return exe


def prod(action: str, site: str, workers: int) -> None:
    env = dict(os.environ, PROD_CONFIG=str(sites.config_path(site)), PROD_NAME=f"bench-{site}",
               PROD_PORT=str(PORTS[site]), PROD_WORKERS=str(workers),
               PROD_DCAT_WARM="wait")  # as deployed: DCAT rendered before the load starts
    subprocess.run(["bash", str(PROD), action], env=env, check=True, cwd=ROOT)


def prepare(site: str, n: int, runs: int, users: int) -> Path:
    out = sites.STATE / f"load-{site}.json"
    subprocess.run([str(sites.PY), str(HERE / "prepare.py"), str(sites.config_path(site)),
                    str(n), str(runs), str(users), str(out)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def locust(exe: Path, site: str, fixtures: Path, run_no: int, users: int, seconds: int,
           rate: float | None, prefix: Path) -> dict:
    env = dict(os.environ, LOAD_FIXTURES=str(fixtures), LOAD_RUN=str(run_no), LOAD_SITE=site)
    env.pop("LOAD_RATE", None)
    if rate:
        env["LOAD_RATE"] = f"{rate:.4f}"
    cmd = [str(exe), "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
           "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "30",
           "--host", f"http://127.0.0.1:{PORTS[site]}", "--csv", str(prefix),
           "--loglevel", "WARNING"]
    with open(f"{prefix}.log", "w") as err:
        subprocess.run(cmd, env=env, cwd=HERE, stdout=subprocess.DEVNULL, stderr=err)
    stats = read_stats(prefix)
    stats["drain_s"] = drain(site)
    return stats


def drain(site: str, limit: float = 600.0) -> float:
    """Seconds until the site's jobs worker has done the work the run queued (ours: the
    access requests' mail). The run's throughput counts them: work left queued at the end of
    a run would otherwise be done in the other site's run, on the same two cores."""
    import redis

    client = redis.Redis(db=sites.REDIS_DB[site])
    queue = f"rq:queue:ckan:bench-{site}:default"
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if not client.llen(queue) and not client.zcard(f"rq:wip:ckan:bench-{site}:default"):
            return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError(f"{site}: the jobs queue did not drain in {limit:.0f} s")


@contextlib.contextmanager
def smtp_sink():
    """A mail server that accepts and discards every message, on the port the benchmark
    sites send to (``sites.SMTP``): mail jobs then cost what they cost in production, not a
    refused connection and a failed job."""
    host, port = sites.SMTP.rsplit(":", 1)
    sink = subprocess.Popen([sys.executable, "-W", "ignore", "-m", "smtpd", "-n", "-c",
                             "DebuggingServer", f"{host}:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        sink.terminate()
        sink.wait(10)


def served_per_second(stats: dict, seconds: int) -> float:
    """Requests served per second of the run plus its drain."""
    return stats["Aggregated"]["requests"] / (seconds + stats.get("drain_s", 0.0))


def read_stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = {}
    for row in rows:
        out[row["Name"]] = {
            "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]), "p50": float(row["50%"] or 0),
            "p95": float(row["95%"] or 0), "median": float(row["Median Response Time"] or 0)}
    return out


def order(round_no: int) -> tuple[str, str]:
    return run.site_order(round_no)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "–"


def report(raw: dict) -> str:
    sat, fixed = raw["saturation"], raw["fixed"]
    agg = "Aggregated"
    lines = [
        f"# Load test (Locust), N = {raw['n']}, {raw['date']}",
        "",
        f"Production topology per site: nginx → gunicorn × {raw['workers']} sync workers, "
        f"jobs worker; Locust {raw['users']} users on the same machine (nproc "
        f"{raw['machine']['nproc']}, {raw['machine']['cpu']}); git {raw['machine']['git']}. "
        f"Rounds ABBA: {raw['rounds']} per phase, {raw['duration']} s each.",
        "",
        "Mail goes to a local SMTP sink. After each run the site's jobs queue is drained; "
        "throughput at saturation counts the drain (requests / (run + drain)).",
        "",
        "| phase | site | requests | failures | req/s in the run | drain s | req/s with the "
        "drain | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for phase, runs in (("saturation", sat), (f"fixed {raw['rate']:.1f} req/s", fixed)):
        for site in sites.SITES:
            for r, stats in enumerate(runs[site]):
                a = stats[agg]
                lines.append(f"| {phase} r{r + 1} | {site} | {a['requests']} | {a['failures']} "
                             f"| {a['rps']:.1f} | {stats.get('drain_s', 0):.1f} | "
                             f"{served_per_second(stats, raw['duration']):.1f} "
                             f"| {a['p50']:.0f} | {a['p95']:.0f} |")

    def total(runs, site, key):
        return sum(s[agg][key] for s in runs[site])

    def mean(runs, site, key):
        return sum(s[agg][key] for s in runs[site]) / len(runs[site])

    def served(site):
        return sum(served_per_second(s, raw["duration"]) for s in sat[site]) / len(sat[site])

    t_o, t_v = served("ours"), served("vanilla")
    per_round = ", ".join(ratio(served_per_second(o, raw["duration"]),
                                served_per_second(v, raw["duration"]))
                          for o, v in zip(sat["ours"], sat["vanilla"], strict=False))
    failures = sum(total(x, s, "failures") for x in (sat, fixed) for s in sites.SITES)
    lines += [
        "",
        f"**Throughput at saturation (with the drain):** ours {t_o:.1f} req/s, vanilla "
        f"{t_v:.1f} req/s → "
        f"**{ratio(t_o, t_v)}×** vanilla (per round: {per_round}; goal ≥ 0.95).",
        f"**At a fixed {raw['rate']:.1f} req/s:** p50 ours {mean(fixed, 'ours', 'p50'):.0f} ms / "
        f"vanilla {mean(fixed, 'vanilla', 'p50'):.0f} ms "
        f"({ratio(mean(fixed, 'ours', 'p50'), mean(fixed, 'vanilla', 'p50'))}×), "
        f"p95 ours {mean(fixed, 'ours', 'p95'):.0f} ms / vanilla "
        f"{mean(fixed, 'vanilla', 'p95'):.0f} ms "
        f"({ratio(mean(fixed, 'ours', 'p95'), mean(fixed, 'vanilla', 'p95'))}×).",
        f"**Failures:** {failures} (goal 0).",
        "",
        "Per request type at the fixed rate (mean of rounds' p50 / p95, ms):",
        "",
        "| request | ours p50 | vanilla p50 | ours p95 | vanilla p95 |",
        "|---|---|---|---|---|",
    ]
    names = [k for k in fixed["ours"][0] if k not in (agg, "drain_s")]
    for name in names:
        def stat(site, key, name=name):
            values = [s[name][key] for s in fixed[site] if name in s]
            return sum(values) / len(values) if values else 0
        lines.append(f"| {name} | {stat('ours', 'p50'):.0f} | {stat('vanilla', 'p50'):.0f} "
                     f"| {stat('ours', 'p95'):.0f} | {stat('vanilla', 'p95'):.0f} |")
    return "\n".join(lines) + "\n"


def phases(args: argparse.Namespace, exe: Path, fixtures: dict, out_dir: Path,
           raw: dict) -> None:
    """Warm-up, saturation and fixed-rate runs, ABBA; results into ``raw``."""
    run_no = {site: 0 for site in sites.SITES}

    def once(site, seconds, rate, label):
        stats = locust(exe, site, fixtures[site], run_no[site], args.users, seconds, rate,
                       out_dir / f"{label}-{site}")
        run_no[site] += 1
        agg = stats["Aggregated"]
        log(f"{label:12s} {site:7s} {agg['rps']:6.1f} req/s p50 {agg['p50']:.0f} ms "
            f"p95 {agg['p95']:.0f} ms failures {agg['failures']}")
        return stats

    for site in sites.SITES:
        once(site, min(20, args.duration), None, "warmup")
    for r in range(args.rounds):
        for site in order(r):
            raw["saturation"][site].append(once(site, args.duration, None, f"sat{r + 1}"))
    rate = args.rate_share * min(
        sum(s["Aggregated"]["rps"] for s in raw["saturation"][site]) / args.rounds
        for site in sites.SITES)
    raw["rate"] = rate
    for r in range(args.rounds):
        for site in order(r):
            raw["fixed"][site].append(
                once(site, args.duration, rate / args.users, f"fixed{r + 1}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="catalog size (default 1000)")
    parser.add_argument("--users", type=int, default=16, help="Locust users (default 16)")
    parser.add_argument("--duration", type=int, default=60, help="seconds per run (default 60)")
    parser.add_argument("--rounds", type=int, default=2, help="runs per site and phase (ABBA)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per site")
    parser.add_argument("--rate-share", type=float, default=0.5,
                        help="fixed rate as a share of the lower saturated throughput")
    parser.add_argument("--seed-workers", type=int, default=2)
    parser.add_argument("--keep-running", action="store_true",
                        help="leave both sites running afterwards")
    args = parser.parse_args()
    if not sites.services_up():
        print("PostgreSQL or Solr does not answer: run `make services` first.", file=sys.stderr)
        return 2
    exe = locust_installed()
    run.setup(args.n, args.seed_workers, reuse=True)
    runs_needed = 1 + 2 * args.rounds
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = RESULTS / f"locust-{stamp}-n{args.n}"
    out_dir.mkdir(parents=True, exist_ok=True)
    fixtures = {site: prepare(site, args.n, runs_needed, args.users) for site in sites.SITES}
    log(f"{runs_needed} × {args.users} fresh citizen accounts per site")
    raw = {"n": args.n, "users": args.users, "duration": args.duration, "rounds": args.rounds,
           "workers": args.workers, "machine": run.machine(),
           "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
           "saturation": {s: [] for s in sites.SITES}, "fixed": {s: [] for s in sites.SITES}}
    with smtp_sink():
        try:
            for site in sites.SITES:
                prod("up", site, args.workers)
            phases(args, exe, fixtures, out_dir, raw)
        finally:
            if not args.keep_running:
                for site in sites.SITES:
                    prod("down", site, args.workers)
    (out_dir / "raw.json").write_text(json.dumps(raw, indent=1, ensure_ascii=False))
    md = report(raw)
    (RESULTS / f"locust-{stamp}-n{args.n}.md").write_text(md, encoding="utf-8")
    (RESULTS / "latest-locust.md").write_text(md, encoding="utf-8")
    print(md)
    failures = sum(s["Aggregated"]["failures"] for phase in ("saturation", "fixed")
                   for site in sites.SITES for s in raw[phase][site])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
