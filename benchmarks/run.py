"""ckanext-dongchang against vanilla CKAN 2.12 + scheming + dcat, side by side, on the same data.

    .venv/bin/python benchmarks/run.py                  # N=1000 (make benchmarks)
    .venv/bin/python benchmarks/run.py --sizes 1000,10000 --rounds 3

See benchmarks/README.md for what is measured and how. Results: benchmarks/results/latest.md
(and one dated copy per run, plus the raw JSON).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import platform
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bulk  # noqa: E402
import data  # noqa: E402
import sites  # noqa: E402

RESULTS = HERE / "results"
WORKER = HERE / "site_worker.py"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- workers ------------------------------------------------------------------------------------
def run_worker(site: str, ops: list[dict[str, Any]], tag: str) -> dict[str, Any]:
    sites.STATE.mkdir(parents=True, exist_ok=True)
    ops_file = sites.STATE / f"ops-{site}-{tag}.json"
    ops_file.write_text(json.dumps(ops, ensure_ascii=False), encoding="utf-8")
    err_file = sites.STATE / f"worker-{site}-{tag}.log"
    with err_file.open("w") as err:
        proc = subprocess.run([str(sites.PY), str(WORKER), str(sites.config_path(site)),
                               f"@{ops_file}"], cwd=sites.ROOT, stdout=subprocess.PIPE,
                              stderr=err, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = err_file.read_text(errors="replace")[-4000:]
        raise RuntimeError(
            f"worker {site}/{tag} failed (rc={proc.returncode}); see {err_file}\n{tail}")
    return json.loads(lines[-1][len("BENCH-RESULT "):])


def reuse_setup(n: int, saved: Path) -> dict[str, Any] | None:
    """The saved setup if both cores still hold N entries (databases brought up to the code's
    migrations), else None."""
    try:
        counts = {site: sites.core_doc_count(site) for site in sites.SITES}
    except RuntimeError:
        counts = {}
    if counts != {"ours": n, "vanilla": n}:
        log(f"cannot reuse ({counts}): setting up from scratch")
        return None
    log(f"reusing the sites seeded earlier with N = {n} ({saved})")
    for site in sites.SITES:  # the code may have gained migrations since
        sites.init_database(site, fresh=False)
    return json.loads(saved.read_text())


# --- setup --------------------------------------------------------------------------------------
def setup(n: int, seed_workers: int, reuse: bool = False, tile: int = 0,
          index_processes: int = 1) -> dict[str, Any]:
    """Both sites with N entries. ``tile`` > 0: the bulk path (benchmarks/bulk.py): only the
    first ``tile`` entries through package_create, the rest copies made in SQL;
    ``index_processes`` > 1: each site indexed by that many processes."""
    saved = sites.STATE / f"setup-n{n}.json"
    sites.write_configs()  # also when reusing: the configs follow test.ini and this code
    if reuse and saved.exists():
        reused = reuse_setup(n, saved)
        if reused is not None:
            return reused
    timings: dict[str, Any] = {}
    clock = time.perf_counter()
    cores = {site: sites.create_core(site) for site in sites.SITES}
    timings["solr_cores"] = cores
    log(f"Solr cores ready: {cores}")

    for site in sites.SITES:
        sites.create_database(site)
        sites.init_database(site, fresh=True)
    log("databases ckan_bench_ours, ckan_bench_vanilla: db init + plugin migrations done")

    fixtures_path = sites.STATE / "fixtures.json"
    run_worker("ours", [{"kind": "seed_setup", "fixtures": str(fixtures_path)}], "seed-setup")
    started = time.perf_counter()
    created = min(n, tile) if tile else n
    chunks = [[{"kind": "seed_entries", "name": f"seed{k}", "start": 1 + k, "stop": created + 1,
                "step": seed_workers, "progress": k == 0}] for k in range(seed_workers)]
    with ThreadPoolExecutor(seed_workers) as pool:
        list(pool.map(lambda ik: run_worker("ours", ik[1], f"seed{ik[0]}"), enumerate(chunks)))
    timings["seed_s"] = time.perf_counter() - started
    log(f"seeded {created} entries through package_create (deferred commits, {seed_workers} "
        f"processes) in {timings['seed_s']:.0f} s")
    timings["tile"] = tile if n > created else 0
    if n > created:
        timings["clone_s"] = bulk.clone("ours", n, tile)
        log(f"copied them in SQL up to {n} entries in {timings['clone_s']:.0f} s")

    # The same data for vanilla: every row of every table vanilla's own schema has
    started = time.perf_counter()
    tables = sites.copy_data(sites.db_name("ours"), sites.db_name("vanilla"))
    timings["copy_s"] = time.perf_counter() - started
    log(f"copied the rows of {len(tables)} tables into ckan_bench_vanilla "
        f"in {timings['copy_s']:.0f} s")

    started = time.perf_counter()
    timings["index_processes"] = index_processes
    with ThreadPoolExecutor(2) as pool:
        if index_processes > 1:
            timings["index_cpu_s"] = {}
            list(pool.map(lambda site: bulk.index_parallel(site, index_processes,
                                                           timings["index_cpu_s"]), sites.SITES))
        else:
            list(pool.map(lambda site: sites.ckan(site, "search-index", "rebuild", "--quiet"),
                          sites.SITES))
    timings["index_s"] = time.perf_counter() - started
    counts = {site: sites.core_doc_count(site) for site in sites.SITES}
    for site, count in counts.items():
        if count != n:
            raise RuntimeError(
                f"core {sites.core_name(site)} holds {count} documents, expected {n}")
    log(f"indexed both sites ({counts}) with `ckan search-index rebuild` "
        f"({index_processes} process(es) per site) in {timings['index_s']:.0f} s")
    timings["setup_total_s"] = time.perf_counter() - clock
    timings["fixtures"] = json.loads(fixtures_path.read_text())
    for other in sites.STATE.glob("setup-n*.json"):
        other.unlink()
    saved.write_text(json.dumps(timings, indent=1))
    return timings


# --- operations ---------------------------------------------------------------------------------
def build_ops(n: int, fixtures: dict[str, Any], reps: dict[str, int],
              tile: int = 0) -> tuple[list, dict]:
    entries = [data.entry(serial, tile=tile) for serial in range(1, n + 1)]
    public = [e["name"] for e in entries if not e["private"]]
    own = [e for e in entries if e["owner_org"] == fixtures["member_org"]]
    # the member's own entries, every class combination present (incl. drafts, internal ones)
    seen, member_names = set(), []
    for e in own:
        key = (e["share_class"], e["open_class"], e["catalog_state"])
        if key not in seen:
            seen.add(key)
            member_names.append(e["name"])
    step = max(1, len(public) // 10)
    public_names = public[::step][:10]
    # split by whether the data is open to everyone (our site reads gated ones from the database)
    listed = [e for e in entries if not e["private"]]
    open_data = [e["name"] for e in listed if e["open_class"] == "unconditional"]
    gated = [e["name"] for e in listed if e["open_class"] == "conditional"]
    open_names = open_data[::max(1, len(open_data) // 10)][:10]
    gated_names = gated[::max(1, len(gated) // 10)][:10]
    pages = math.ceil(len(public) / 20)
    dcat_pages = math.ceil(len(public) / 100)
    info = {"n": n, "public": len(public), "catalog_pages": pages, "dcat_pages": dcat_pages,
            "public_sample": public_names, "member_sample": member_names}

    def show(names):
        return [f"/api/3/action/package_show?id={quote(x)}" for x in names]

    ops: list[dict[str, Any]] = [{"tokens": fixtures["tokens"]}]

    def op(name, kind, paths, auth="anon", rep_key="api"):
        ops.append({"name": name, "kind": kind, "paths": paths, "auth": auth,
                    "reps": reps[rep_key], "capture_sql": True})

    op("package_show API, anonymous, open data", "get", show(open_names), rep_key="show")
    op("package_show API, anonymous, conditionally open (gated data)", "get", show(gated_names),
       rep_key="show")
    op("package_show API, member", "get", show(member_names), "member", rep_key="show")
    for rows in (20, 100):
        op(f"package_search API rows={rows}, anonymous", "get",
           [f"/api/3/action/package_search?rows={rows}"])
        op(f"package_search API rows={rows}, member", "get",
           [f"/api/3/action/package_search?rows={rows}&include_private=true"], "member")
    op("dataset page /dataset/<name>, anonymous", "get",
       [f"/dataset/{quote(x)}" for x in public_names], rep_key="page")
    op("dataset page /dataset/<name>, member", "get",
       [f"/dataset/{quote(x)}" for x in member_names], "member", rep_key="page")
    for label, page in (("first", 1), ("middle", max(1, pages // 2)), ("last", pages)):
        op(f"catalog page /dataset?page={page} ({label}), anonymous", "get",
           [f"/dataset/?page={page}"], rep_key="page")
    op("catalog page /dataset?page=1, member", "get", ["/dataset/?page=1"], "member",
       rep_key="page")
    op(f"DCAT walk /catalog.ttl?page=1..{dcat_pages} (whole catalog), anonymous", "walk",
       [f"/catalog.ttl?page={p}" for p in range(1, dcat_pages + 1)], rep_key="walk")
    return ops, info


def create_ops(n: int, sample: int, rounds: int, site: str, round_no: int) -> list[dict[str, Any]]:
    per_round = max(1, sample // rounds)
    # distinct serials per site and round, far above the seeded ones (resource codes stay unique)
    start = 500000 + (0 if site == "ours" else 250000) + round_no * per_round
    return [{"kind": "create", "name": "package_create",
             "entries": data.entries(per_round, prefix=f"bench-new-{site}", start=start)}]


# --- measurement ----------------------------------------------------------------------------------
def site_order(round_no: int) -> tuple[str, str]:
    """ABBA: ours, vanilla, vanilla, ours, ours, vanilla, ... (drift hits both alike)."""
    return ("ours", "vanilla") if round_no % 2 == 0 else ("vanilla", "ours")


def measure(ops: list, rounds: int) -> dict[str, dict[str, list[dict]]]:
    samples: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in range(rounds):
        for site in site_order(r):
            started = time.perf_counter()
            result = run_worker(site, ops, f"round{r}")
            for name, value in result.items():
                if isinstance(value, dict):
                    samples[name][site].append(value)
            log(f"round {r + 1}/{rounds} {site:7s} done in {time.perf_counter() - started:.0f} s")
    return samples


def measure_create(n: int, sample: int, rounds: int) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in range(rounds):
        for site in site_order(r):
            result = run_worker(site, create_ops(n, sample, rounds, site, r), f"create{r}")
            out[site].append(result["package_create"])
            log(f"create round {r + 1}/{rounds} {site:7s}: "
                f"{result['package_create']['entries_per_s']:.1f} entries/s")
    return out


# --- report -------------------------------------------------------------------------------------
def _sh(cmd: str) -> str:
    try:
        out = subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout
        return out.strip("\n").rstrip()
    except Exception:  # noqa: BLE001
        return "?"


def machine() -> dict[str, str]:
    cpu = _sh("lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1") or \
        _sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-").strip()
    versions = _sh(f"{sites.PY} -c \"import importlib.metadata as m; print(', '.join("
                   "p + ' ' + m.version(p) for p in ('ckan', 'ckanext-scheming', 'ckanext-dcat', "
                   "'ckanext-dongchang')))\"")
    git = _sh(f"git -C {sites.ROOT} rev-parse --short HEAD")
    dirty = _sh(f"git -C {sites.ROOT} status --porcelain -- ckanext | wc -l")
    return {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "nproc": _sh("nproc"), "free": _sh("free -h"), "cpu": cpu,
            "python": platform.python_version(), "versions": versions,
            "git": git + (f" + {dirty} uncommitted change(s) under ckanext/"
                          if dirty not in ("", "0") else "")}


def code_hash() -> str:
    """Fingerprint of the extension's code: the work tree may change while a run is going on."""
    digest = hashlib.sha256()
    for path in sorted((sites.ROOT / "ckanext").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".html", ".json", ".ini", ".txt"):
            digest.update(str(path.relative_to(sites.ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _flat(runs: list[dict], key: str) -> list[float]:
    return [x for run in runs for x in run[key]]


def _fmt_sql(values: list[int]) -> str:
    lo, hi, med = min(values), max(values), median(values)
    return f"{med:g}" if lo == hi else f"{med:g} ({lo}–{hi})"


def _normalise(statement: str) -> str:
    return statement[:400]


def _rate(runs: list[dict]) -> float:
    return sum(len(r["times_ms"]) for r in runs) / sum(r["total_s"] for r in runs)


def _round_medians(runs: list[dict]) -> list[float]:
    return [median(run["times_ms"]) for run in runs]


def _with_range(value: float, values: list[float], digits: int = 1) -> str:
    """``value (lo–hi)``: a median and the range of the rounds' medians around it."""
    if len(values) < 2:
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def _spread_row(name: str, vanilla: list[dict], ours: list[dict], sql: str, count: int):
    """One table row and its summary: overall medians with each site's range of round medians,
    and the ratio of each round (ABBA neighbours share the machine's state, so the spread of the
    per-round ratios says how far the overall ratio can be trusted)."""
    t_v, t_o = median(_flat(vanilla, "times_ms")), median(_flat(ours, "times_ms"))
    r_v, r_o = _round_medians(vanilla), _round_medians(ours)
    per_round = [o / v for o, v in zip(r_o, r_v, strict=False)]
    ratios = ", ".join(f"{r:.2f}" for r in per_round)
    row = (f"| {name} | {_with_range(t_v, r_v)} | {_with_range(t_o, r_o)} | {t_o / t_v:.2f} "
           f"| {min(per_round):.2f}–{max(per_round):.2f} ({ratios}) | {sql} | {count} |")
    summary = {"vanilla_ms": t_v, "ours_ms": t_o, "ratio": t_o / t_v,
               "vanilla_round_ms": r_v, "ours_round_ms": r_o, "ratio_per_round": per_round,
               "ratio_min": min(per_round), "ratio_max": max(per_round)}
    return row, summary


def _table(samples: dict, creates: dict) -> tuple[list[str], dict]:
    rows, summary = [], {}
    for name, per_site in samples.items():
        if not {"ours", "vanilla"} <= set(per_site):
            continue
        s_v, s_o = _flat(per_site["vanilla"], "sql"), _flat(per_site["ours"], "sql")
        count = len(_flat(per_site["ours"], "times_ms"))
        row, summary[name] = _spread_row(name, per_site["vanilla"], per_site["ours"],
                                         f"{_fmt_sql(s_v)} / {_fmt_sql(s_o)}", count)
        summary[name].update(sql_vanilla=median(s_v), sql_ours=median(s_o))
        rows.append(row)
    if not creates:
        return rows, summary
    count = len(_flat(creates["ours"], "times_ms"))
    row, summary["package_create"] = _spread_row(
        "package_create (action API in-process, validated + committed + indexed), per entry",
        creates["vanilla"], creates["ours"], "–", count)
    summary["package_create"].update(vanilla_per_s=_rate(creates["vanilla"]),
                                     ours_per_s=_rate(creates["ours"]))
    rows.append(row)
    return rows, summary


def _sql_checks(summary: dict) -> list[str]:
    """SQL per package_search must not grow with rows on our site."""
    checks = []
    for who in ("anonymous", "member"):
        a = summary.get(f"package_search API rows=20, {who}")
        b = summary.get(f"package_search API rows=100, {who}")
        if a and b:
            ok = a["sql_ours"] == b["sql_ours"]
            verdict = "constant ✔" if ok else "GROWS WITH rows ✘"
            checks.append(f"- package_search, {who}: ours {a['sql_ours']:g} queries at rows=20, "
                          f"{b['sql_ours']:g} at rows=100 → {verdict} "
                          f"(vanilla {a['sql_vanilla']:g} / {b['sql_vanilla']:g})")
            summary[f"sql_constant_{who}"] = ok
    return checks


def _statement_diffs(samples: dict) -> list[str]:
    """Statements one site runs and the other does not (first timed request of each operation)."""
    lines = []
    for name, per_site in samples.items():
        st_o = per_site["ours"][0].get("statements") if per_site.get("ours") else None
        st_v = per_site["vanilla"][0].get("statements") if per_site.get("vanilla") else None
        if st_o is None or st_v is None:
            continue
        k_o, k_v = Counter(map(_normalise, st_o)), Counter(map(_normalise, st_v))
        for label, diff in (("ours only", k_o - k_v), ("vanilla only", k_v - k_o)):
            if diff:
                lines.append(f"\n**{name}** — {label}: {sum(diff.values())} statement(s)\n")
                for stmt, count in diff.most_common():
                    more = "…" if len(stmt) > 240 else ""
                    lines.append(f"- ×{count} `{stmt[:240]}{more}`")
    return lines


def report(n: int, info: dict, samples: dict, creates: dict, setup_t: dict, mach: dict,
           wall: float, rounds: int) -> tuple[str, dict]:
    rows, summary = _table(samples, creates)
    checks = _sql_checks(summary)
    diffs = _statement_diffs(samples)
    create = summary.get("package_create")
    create_line = "Entry creation rate: not measured (--create-sample 0)." if not create else (
        "Entry creation rate (package_create, action API in-process as sysadmin, each entry "
        "validated, committed and indexed with a Solr commit): "
        f"vanilla {create['vanilla_per_s']:.1f} entries/s, ours {create['ours_per_s']:.1f} "
        f"entries/s (ratio {create['ours_per_s'] / create['vanilla_per_s']:.2f}; "
        f"{len(_flat(creates['ours'], 'times_ms'))} entries per site in "
        f"{len(creates['ours'])} interleaved batches).")
    free = "\n".join("    " + line for line in mach["free"].splitlines())
    hashes = setup_t.get("code_hash_start"), setup_t.get("code_hash_end")
    code_line = f"extension code fingerprint {hashes[0] or 'not recorded'}" + (
        "" if hashes[0] == hashes[1] or None in hashes else
        f" at the start, **{hashes[1]} at the end: the extension's code CHANGED during the run; "
        "rounds may have measured different code — rerun on a quiet work tree**")
    fixtures = setup_t["fixtures"]
    header = [
        f"- date: {mach['date']}; total run time {wall / 60:.1f} min (setup "
        f"{setup_t['setup_total_s']:.0f} s: seeding {setup_t['seed_s']:.0f} s, "
        f"copying to vanilla {setup_t.get('copy_s', 0):.0f} s, "
        f"indexing {setup_t['index_s']:.0f} s)",
        f"- machine: `nproc` = {mach['nproc']}, CPU {mach['cpu']}, Python {mach['python']}",
        "- memory (`free -h`):",
        "",
        free,
        "",
        f"- software: {mach['versions']}; work tree {mach['git']}; {code_line}",
        f"- data: N = {n} entries (~3 resources each) in {len(data.DEPARTMENTS)} departments; "
        f"{info['public']} public (anonymous), {info['catalog_pages']} catalog pages of 20, "
        f"{info['dcat_pages']} DCAT pages of 100; identical rows on both sites "
        "(copied from ours into vanilla's own schema), each site indexed by its own plugins "
        "into its own Solr core",
        "- method: every request in-process through CKAN's full WSGI stack (werkzeug test "
        f"client, no web server); one worker process per site per round, {rounds} rounds "
        "interleaved ABBA (ours, vanilla, vanilla, ours, …); untimed warm-up in each process; "
        "times are medians over all timed samples (n = samples per site), with the range of the "
        "rounds' medians; the ratio per round compares neighbouring rounds; SQL = statements per "
        "request counted with a SQLAlchemy `before_cursor_execute` listener (median, range if "
        "it varies)",
        f"- the member is `{fixtures['member_user']}`, an editor of `{fixtures['member_org']}` "
        "(API token); \"member\" searches pass `include_private=true`, and see more entries on "
        "our site (government-shared ones) than on vanilla",
    ]
    md = "\n".join([
        "# ckanext-dongchang benchmark: ours vs vanilla CKAN", "", *header, "",
        "| operation | vanilla median ms (rounds' range) | ours median ms (rounds' range) "
        "| ratio ours/vanilla | ratio per round: range (each round) "
        "| SQL queries vanilla / ours | n |",
        "|---|---:|---:|---:|---:|---:|---:|", *rows, "",
        create_line, "",
        "## SQL per package_search as rows grows (must be constant on our site)", "", *checks, "",
        "## Statements one site runs and the other does not", "",
        "Multiset difference of the SQL text of the first timed request of each operation in "
        "round 1 (parameters are placeholders).",
        *(diffs or ["", "none"]), "",
    ])
    return md, summary


def render(raw_path: Path) -> str:
    """Markdown for one raw result file (also written next to it as .md)."""
    raw = json.loads(raw_path.read_text(encoding="utf-8"))
    md, summary = report(raw["n"], raw["info"], raw["samples"], raw["creates"], raw["setup"],
                         raw["machine"], raw["wall_s"], raw["rounds"])
    raw_path.with_suffix(".md").write_text(md, encoding="utf-8")
    raw_path.with_suffix(".summary.json").write_text(json.dumps(summary, indent=1),
                                                     encoding="utf-8")
    return md


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000",
                        help="comma-separated catalog sizes (default 1000)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="worker rounds per site (default 4: two full ABBA cycles)")
    parser.add_argument("--seed-workers", type=int, default=2, help="parallel seeding processes")
    parser.add_argument("--create-sample", type=int, default=100,
                        help="entries created per site to measure the creation rate")
    parser.add_argument("--bulk-tile", type=int, default=0, metavar="T",
                        help="bulk seeding: only entries 1..T through package_create, the rest "
                             "copies of them made in SQL (benchmarks/bulk.py; T a multiple of 10)")
    parser.add_argument("--index-processes", type=int, default=1,
                        help="processes indexing each site (default 1: `ckan search-index "
                             "rebuild`)")
    parser.add_argument("--create-rounds", type=int, default=4,
                        help="interleaved batches the create sample is split into (default 4)")
    parser.add_argument("--reps-show", type=int, default=20)
    parser.add_argument("--reps-api", type=int, default=10)
    parser.add_argument("--reps-page", type=int, default=6)
    parser.add_argument("--reps-walk", type=int, default=2)
    parser.add_argument("--only", metavar="REGEX",
                        help="measure only the operations whose name matches (for investigating)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse databases and cores seeded by an earlier run with the same N")
    parser.add_argument("--render", nargs="+", metavar="RAW_JSON",
                        help="only re-render results/latest.md from raw result files")
    args = parser.parse_args()
    if args.render:
        RESULTS.mkdir(exist_ok=True)
        md = "\n\n".join(render(Path(p)) for p in args.render)
        (RESULTS / "latest.md").write_text(md, encoding="utf-8")
        print(md)
        return 0
    reps = {"show": args.reps_show, "api": args.reps_api, "page": args.reps_page,
            "walk": args.reps_walk}

    if not sites.services_up():
        print("PostgreSQL or Solr does not answer: run `make services` first.", file=sys.stderr)
        return 2
    RESULTS.mkdir(exist_ok=True)
    mach = machine()
    docs = []
    for n in [int(x) for x in args.sizes.split(",") if x.strip()]:
        wall = time.perf_counter()
        log(f"=== N = {n} ===")
        start_hash = code_hash()
        setup_t = setup(n, args.seed_workers, reuse=args.reuse, tile=args.bulk_tile,
                        index_processes=args.index_processes)
        setup_t["code_hash_start"] = start_hash
        ops, info = build_ops(n, setup_t["fixtures"], reps, setup_t.get("tile", 0))
        if args.only:
            ops = [op for op in ops if "name" not in op or re.search(args.only, op["name"])]
        samples = measure(ops, args.rounds)
        creates = (measure_create(n, args.create_sample, args.create_rounds)
                   if args.create_sample else {})
        setup_t["code_hash_end"] = code_hash()
        raw = {"n": n, "info": info, "setup": setup_t, "machine": mach, "rounds": args.rounds,
               "wall_s": time.perf_counter() - wall, "samples": samples, "creates": creates}
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        raw_path = RESULTS / f"{stamp}-n{n}.json"
        raw_path.write_text(json.dumps(raw, ensure_ascii=False, indent=1, default=str),
                            encoding="utf-8")
        md = render(raw_path)
        print(md, flush=True)
        docs.append(md)
    (RESULTS / "latest.md").write_text("\n\n".join(docs), encoding="utf-8")
    log(f"written {RESULTS / 'latest.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
