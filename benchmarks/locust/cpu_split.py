"""Where each site spends CPU under the Locust workload: ``cpu_split.py [--n N] [--rate R]``.

The Locust throughput at saturation (``run_load.py``) says how many requests each site serves,
not why. This drives both sites, in the production topology (``run_load.py``'s sites, started
the same way), with the same mixed workload at one fixed rate (default 10 requests/s, below
both sites' saturation, so neither queues much), ABBA, ``--duration`` seconds each, and counts
the CPU time every process on the machine used meanwhile (``/proc/<pid>/stat``: user +
system, its own and that of the children it has waited for; processes started during a run
count whole, Locust's own through its exit status; a process that starts and ends inside a run
— the jobs worker's forked job processes, gunicorn's replaced workers — counts in its parent's,
which may also bring in the part of a child's time spent before the run). Processes are grouped by what they are:
each site's gunicorn workers, its jobs worker and nginx, PostgreSQL, Solr, Redis, Locust, and
the rest. Reported per request served (CPU ms / request), so the sites compare directly.

Results: benchmarks/results/cpu-split-<stamp>.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import run  # noqa: E402
import run_load  # noqa: E402
import sites  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, float]]:
    """pid -> (command line, CPU seconds so far) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                "utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        # utime + stime, and cutime + cstime: the children it has waited for (the jobs
        # worker's forked job processes, gunicorn's replaced workers), which start and end
        # inside a run and would otherwise be missed.
        found[int(entry.name)] = (cmdline or stat[stat.index("(") + 1:stat.rindex(")")],
                                  sum(int(f) for f in fields[11:15]) / TICKS)
    return found


def _children_seconds() -> float:
    """CPU seconds of this process's children that have exited (Locust runs as one)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _group(cmdline: str) -> str:
    for site in sites.SITES:
        if f"bench-{site}" in cmdline or f":{run_load.PORTS[site] + 1000}" in cmdline:
            if "gunicorn" in cmdline:
                return f"{site}: gunicorn"
            if "jobs worker" in cmdline:
                return f"{site}: jobs worker"
            return f"{site}: other"
    for marker, name in (("nginx", "nginx (the site under load)"), ("postgres", "PostgreSQL"),
                         ("solr", "Solr"), ("java", "Solr"), ("redis", "Redis")):
        if marker in cmdline.lower():
            return name
    return "other"


def _used(before: dict, after: dict) -> dict[str, float]:
    groups: dict[str, float] = {}
    for pid, (cmdline, seconds) in after.items():
        earlier = before.get(pid)
        spent = seconds - (earlier[1] if earlier and earlier[0] == cmdline else 0.0)
        groups[_group(cmdline)] = groups.get(_group(cmdline), 0.0) + spent
    return groups


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--rate", type=float, default=10.0, help="requests/s (all users)")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    exe = run_load.locust_installed()
    run.setup(args.n, 2, reuse=True)
    fixtures = {site: run_load.prepare(site, args.n, 5, args.users) for site in sites.SITES}
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = run_load.RESULTS / f"cpu-split-{stamp}"
    out_dir.mkdir(parents=True, exist_ok=True)
    totals = {site: {} for site in sites.SITES}
    served = {site: 0 for site in sites.SITES}
    try:
        for site in sites.SITES:
            run_load.prod("up", site, args.workers)
        for site in sites.SITES:  # warm-up, unrecorded
            run_load.locust(exe, site, fixtures[site], 0, args.users, 20, None,
                            out_dir / f"warmup-{site}")
        for number, site in enumerate(("ours", "vanilla", "vanilla", "ours")):
            before, locust_before = _processes(), _children_seconds()
            stats = run_load.locust(exe, site, fixtures[site], 1 + number // 2, args.users,
                                    args.duration, args.rate / args.users,
                                    out_dir / f"run{number}-{site}")
            used = _used(before, _processes())
            used["Locust"] = _children_seconds() - locust_before  # it has exited by now
            for group, seconds in used.items():
                totals[site][group] = totals[site].get(group, 0.0) + seconds
            served[site] += stats["Aggregated"]["requests"]
            run_load.log(f"{site}: {stats['Aggregated']['requests']} requests")
    finally:
        for site in sites.SITES:
            run_load.prod("down", site, args.workers)
    groups = sorted({g for t in totals.values() for g in t},
                    key=lambda g: -max(totals[s].get(g, 0) for s in sites.SITES))
    lines = [f"# CPU per request under the Locust workload, N = {args.n}, {args.rate:g} req/s, "
             f"{dt.datetime.now().astimezone().isoformat(timespec='seconds')}", "",
             f"2 runs of {args.duration} s per site, ABBA; requests served: ours "
             f"{served['ours']}, vanilla {served['vanilla']}. CPU ms per request served "
             "(each process's user + system time during the site's runs).", "",
             "| process group | ours | vanilla |", "|---|---:|---:|"]
    for group in groups:
        lines.append(f"| {group} | "
                     + " | ".join(f"{1000 * totals[s].get(group, 0) / max(served[s], 1):.1f}"
                                  for s in ("ours", "vanilla")) + " |")
    lines.append("| **all** | " + " | ".join(
        f"**{1000 * sum(totals[s].values()) / max(served[s], 1):.1f}**"
        for s in ("ours", "vanilla")) + " |")
    md = "\n".join(lines) + "\n"
    (run_load.RESULTS / f"cpu-split-{stamp}-n{args.n}.md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
