"""What the ``dongchang_dcat`` profile costs on top of stock ``euro_dcat_ap_3``, in one process.

Usage (from the repository root, in a sandbox of its own so a test run does not wipe the data)::

    eval "$(services/test-sandbox.sh dcat_bench)"
    .venv/bin/python benchmarks/dcat_profile.py --seed 400          # once: K entries, indexed
    .venv/bin/python benchmarks/dcat_profile.py --reps 9 --cprofile --http 3
    .venv/bin/python benchmarks/dcat_profile.py --dump /tmp/ours.nt  # canonical triples of ours

What it does, all inside one CKAN app (test.ini + the sandbox's ``CKAN_*`` variables):

* ``--seed K`` empties the sandbox database and index (as the tests' ``dongchang_db`` fixture
  does), then creates the benchmark's ten departments, a Bureau and entries 1..K of
  ``benchmarks/data.py`` (the side-by-side benchmark's deterministic class mix) through
  ``package_create``; each is indexed as in production.
* **Micro**: the public datasets exactly as ``/catalog.ttl`` gets them (``package_search`` as
  anonymous, Solr's stored ``validated_data_dict``), serialised as a catalog with
  ``RDFSerializer`` under ``['euro_dcat_ap_3']`` (stock) and ``['euro_dcat_ap_3',
  'dongchang_dcat']`` (ours), one serializer per page of ``--page-size`` (100, as the feed),
  the order rotating, ``--reps`` times, each run from a freshly collected heap. Reports, in CPU
  time of this process and on the wall clock, the medians of each part (the catalog, each
  profile's share of the datasets, the Turtle text, the total), the ratio ours/stock (also per
  repetition and of the fastest runs), and the triples and bytes each writes.
* ``--cprofile``: one serialisation of each under cProfile; the top functions by own time and the
  cumulative time of every ``dongchang`` and ``ckanext.dcat.profiles`` function.
* ``--http N``: the real path, ``/catalog.ttl?page=1..`` through CKAN's WSGI stack (werkzeug test
  client, as ``site_worker.py`` does), ``N`` interleaved walks with ``&profiles=euro_dcat_ap_3``
  (stock profile, *our* plugin's hooks still loaded) and without (the configured profiles);
  SQL statements per page counted on CKAN's engine, and those only ours runs are listed (with
  ``--other``, a third walk serves the other version through ``&profiles=``).
* ``--other DIR`` adds a third variant, stock + the ``profile.py``/``vocabulary.py`` found in
  ``DIR`` (e.g. a copy of the files taken before a change), so "before" and "after" are
  measured in the same run, interleaved, under the same load.
* ``--dump PATH`` writes ours' graph of all the datasets (one graph, no pages) as sorted
  canonical N-Triples (blank nodes relabelled by ``rdflib.compare``), to diff the output of two
  versions of the profile (with ``--other``, also ``PATH`` with suffix ``.other.nt``).

Not part of the test suite, and nothing here is fit to run against a real site's database.

Measured 2026-11-29 (2 cores, quiet; ``--seed 400`` = 231 public datasets, 691 resources, 3
pages; ``--other`` = the profile before its optimisation), ours/stock, medians of 21
interleaved repetitions (CPU; wall within 0.01): before 1.38 (our profile's own 201 ms,
Turtle +181 ms, catalog +19 ms over stock's 1140 ms), after 1.08 (98 ms, -20 ms, +19 ms); HTTP
walk (10 walks) 1.21 before, 1.05 after; SQL per page 3 against stock's 1 (the Bureau as
catalog publisher: two queries). Same triples before and after (``--dump``, canonical
N-Triples, identical).
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import cProfile
import gc
import io
import math
import pstats
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import data  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.conftest import _audit_triggers  # noqa: E402  (the reset must lift the audit guard)

STOCK = ["euro_dcat_ap_3"]
OURS = ["euro_dcat_ap_3", "dongchang_dcat"]
BUREAU = {"name": "bench-dsj", "title": "区大数据局", "department_code": "DSJ",
          "is_bureau": "true"}


# --- app and data -----------------------------------------------------------------------------
def boot(config_path: Path):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(str(config_path)))


def seed(k: int) -> None:
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.cli.db import _run_migrations
    from ckan.lib import search
    from ckan.tests import helpers

    _audit_triggers(enable=False)
    helpers.reset_db()
    _run_migrations("activity", "head", True)
    _run_migrations("dongchang", "head", True)
    _audit_triggers(enable=True)
    search.clear_all()
    tk.get_action("user_create")({"ignore_auth": True, "user": ""}, {
        "name": data.SYSADMIN, "email": "bench-admin@bench.example.gov.cn",
        "password": data.PASSWORD})
    admin = model.User.by_name(data.SYSADMIN)
    admin.sysadmin = True
    model.repo.commit()
    context = {"user": data.SYSADMIN}
    for org in [*data.departments(), BUREAU]:
        tk.get_action("organization_create")(dict(context), dict(org))
    create = tk.get_action("package_create")
    started = time.perf_counter()
    for serial in range(1, k + 1):
        create(dict(context), data.entry(serial))
        if serial % 50 == 0:
            rate = serial / (time.perf_counter() - started)
            print(f"\r  seeded {serial}/{k} ({rate:.1f}/s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def catalog_datasets(rows: int) -> list[dict[str, Any]]:
    """The datasets of one big catalog page, as ckanext-dcat's ``dcat_catalog_show`` gets them."""
    import ckan.plugins.toolkit as tk

    result = tk.get_action("package_search")({"user": "", "auth_user_obj": None}, {
        "q": "*:*", "rows": rows, "start": 0, "sort": "metadata_modified desc",
        "fq_list": ["-dataset_type:harvest", "-dataset_type:showcase"]})
    return result["results"]


# --- the serialisation, timed part by part ----------------------------------------------------
class Parts:
    """Milliseconds per named part, on the wall clock and as this process's CPU time.

    The machine is shared and often loaded: wall time then includes waiting for a core, while
    CPU time counts only the work done here (not PostgreSQL's or Solr's), so both are kept.
    """

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextlib.contextmanager
    def timing(self, part: str):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall[part] = self.wall.get(part, 0.0) + (time.perf_counter() - wall) * 1000
            self.cpu[part] = self.cpu.get(part, 0.0) + (time.process_time() - cpu) * 1000


def profile_classes(names: list[str]) -> list[type]:
    from ckanext.dcat.processors import RDFSerializer

    return list(RDFSerializer(profiles=names)._profiles)


def load_other_version(directory: Path) -> type:
    """``profile.py`` (with its own ``vocabulary.py``) of another version of the profile, e.g.
    a copy taken before a change, as a profile class named like ours."""
    import importlib.util

    modules = {}
    for name in ("vocabulary", "profile"):
        spec = importlib.util.spec_from_file_location(f"other_dcat_{name}",
                                                      directory / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        if name == "profile":  # its ``vocab`` must be the other version's too
            import ckanext.dongchang.dcat as package

            original = package.vocabulary
            package.vocabulary = modules["vocabulary"]
            sys.modules["ckanext.dongchang.dcat.vocabulary"] = modules["vocabulary"]
            try:
                spec.loader.exec_module(module)
            finally:
                package.vocabulary = original
                sys.modules["ckanext.dongchang.dcat.vocabulary"] = original
        else:
            spec.loader.exec_module(module)
        modules[name] = module
    other = modules["profile"].DongchangDCATProfile
    other.name = "dongchang_dcat"
    return other


def serialise(profiles: list[type], datasets: list[dict[str, Any]], page_size: int = 100,
              keep_graph: bool = False) -> dict[str, Any]:
    """``RDFSerializer.serialize_catalog`` step by step, one serializer per page of
    ``page_size`` datasets as ``/catalog.ttl?page=N`` does; the catalog, each profile's share of
    the datasets (instantiation included) and the Turtle text are timed apart."""
    from ckanext.dcat.processors import DCAT, RDFSerializer
    from ckanext.dcat.utils import dataset_uri
    from rdflib import Graph, URIRef

    parts = Parts()
    triples = size = 0
    graph = Graph()
    for first in range(0, len(datasets), page_size):
        serializer = RDFSerializer(profiles=STOCK)
        serializer._profiles = profiles
        with parts.timing("catalog"):
            catalog_ref = serializer.graph_from_catalog({})
        for dataset_dict in datasets[first:first + page_size]:
            # RDFSerializer.graph_from_dataset, with a clock around each profile
            dataset_ref = URIRef(dataset_uri(dataset_dict))
            for profile_class in serializer._profiles:
                with parts.timing(profile_class.name):
                    profile = profile_class(serializer.g,
                                            compatibility_mode=serializer.compatibility_mode)
                    profile.graph_from_dataset(dataset_dict, dataset_ref)
            if not serializer._add_source_catalog(catalog_ref, dataset_dict, dataset_ref):
                serializer.g.add((catalog_ref, DCAT.dataset, dataset_ref))
        with parts.timing("turtle"):
            text = serializer.g.serialize(format="turtle")
        triples, size = triples + len(serializer.g), size + len(text)
        if keep_graph:
            graph.addN((s, p, o, graph) for s, p, o in serializer.g)
    for clock in (parts.wall, parts.cpu):
        clock["datasets"] = sum(clock[profile.name] for profile in profiles)
        clock["total"] = clock["catalog"] + clock["datasets"] + clock["turtle"]
    return {"parts": parts, "triples": triples, "bytes": size, "graph": graph}


PART_ROWS = ("catalog", "euro_dcat_ap_3", "dongchang_dcat", "datasets", "turtle", "total")


def micro(runs: dict[str, list[type]], datasets: list[dict[str, Any]], reps: int,
          page_size: int) -> dict[str, Any]:
    """Each variant of ``runs`` in turn, the order rotating every repetition."""
    samples: dict[str, Any] = {name: {"wall": {}, "cpu": {}} for name in runs}
    for name in runs:  # warm-up: profiles loaded, schema cached, first queries done
        serialise(runs[name], copy.deepcopy(datasets), page_size)
    names = list(runs)
    for rep in range(reps):
        turn = rep % len(names)
        order = names[turn:] + names[:turn]
        if rep // len(names) % 2:
            order.reverse()
        for name in order:
            dicts = copy.deepcopy(datasets)
            gc.collect()  # every run starts from a clean heap; its own garbage it collects itself
            result = serialise(runs[name], dicts, page_size)
            for clock in ("wall", "cpu"):
                for part, value in getattr(result["parts"], clock).items():
                    samples[name][clock].setdefault(part, []).append(value)
            samples[name]["triples"], samples[name]["bytes"] = result["triples"], result["bytes"]
    return samples


def report_micro(samples: dict[str, Any], k: int, reps: int, page_size: int) -> None:
    print(f"\n## Micro: RDFSerializer, {k} public datasets in pages of {page_size}, {reps} "
          f"interleaved repetitions (medians; ms for all pages)")
    others = [name for name in samples if name != "stock"]
    for clock, label in (("cpu", "CPU time of this process"), ("wall", "wall clock")):
        print(f"\n{label}:\n")
        print("| part | stock | " + " | ".join(f"{n} | {n}/stock" for n in others) + " |")
        print("|---|---:|" + "---:|---:|" * len(others))
        for part in PART_ROWS:
            stock = statistics.median(samples["stock"][clock].get(part, [0.0]))
            cells = [f"{stock:.0f}"]
            for name in others:
                value = statistics.median(samples[name][clock].get(part, [0.0]))
                cells += [f"{value:.0f}", f"{value / stock:.2f}" if stock else "–"]
            print(f"| {part} | {' | '.join(cells)} |")
        for name in others:
            per_rep = [o / s for o, s in zip(samples[name][clock]["total"],
                                             samples["stock"][clock]["total"], strict=True)]
            fastest = min(samples[name][clock]["total"]) / min(samples["stock"][clock]["total"])
            print(f"\n{name}/stock total per repetition ({clock}): "
                  f"{', '.join(f'{r:.2f}' for r in per_rep)}; ratio of the fastest runs "
                  f"{fastest:.2f}")
    print("\n" + "; ".join(f"{name}: {result['triples']} triples, {result['bytes']} bytes of Turtle"
                           for name, result in samples.items()))


def profile_once(runs: dict[str, list[type]], datasets: list[dict[str, Any]], top: int,
                 page_size: int) -> None:
    for name, profiles in runs.items():
        profiler = cProfile.Profile()
        dicts = copy.deepcopy(datasets)
        profiler.enable()
        serialise(profiles, dicts, page_size)
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = stats.total_tt  # type: ignore[attr-defined]
        print(f"\n## cProfile, {name}: {total * 1000:.0f} ms in all")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
        print("```\n" + _trim_stats(out.getvalue()) + "\n```")
        print(f"cumulative time of the profiles' own functions ({name}):")
        rows = []
        for (path, line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            if "dongchang" in path or "ckanext/dcat/profiles" in path:
                where = path.split("ckanext/")[-1]
                rows.append((ct, f"{where}:{line} {func}", _nc))
        for ct, label, calls in sorted(rows, reverse=True)[:top]:
            print(f"  {ct * 1000:8.1f} ms  {calls:6d} calls  {label}")


def _trim_stats(text: str) -> str:
    lines = text.strip().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[start:])


# --- the HTTP path ----------------------------------------------------------------------------
class SqlCounter:
    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        self.statements.append(" ".join(statement.split()))


OTHER_PROFILE = "dongchang_dcat_other"


def serve_other_version(other: type) -> None:
    """Let ``?profiles=euro_dcat_ap_3,dongchang_dcat_other`` load the other version's class."""
    from ckanext.dcat.processors import RDFProcessor

    load = RDFProcessor._load_profiles

    def load_with_other(self, profile_names):
        names = [name for name in profile_names if name != OTHER_PROFILE]
        loaded = load(self, names)
        return loaded + [other] if OTHER_PROFILE in profile_names else loaded

    RDFProcessor._load_profiles = load_with_other


def http_walks(stack: Any, public: int, walks: int, other: bool = False) -> None:
    from ckan import model
    from ckan.common import config
    from werkzeug.test import Client

    per_page = int(config.get("ckanext.dcat.datasets_per_page", 100))
    pages = max(1, math.ceil(public / per_page))
    client = Client(stack, use_cookies=False)
    counter = SqlCounter(model.meta.engine)
    base_url = config["ckan.site_url"]
    variants = {"stock": "&profiles=euro_dcat_ap_3", "ours": ""}
    if other:
        variants["other"] = f"&profiles=euro_dcat_ap_3,{OTHER_PROFILE}"

    def walk(suffix: str) -> tuple[float, float, list[list[str]]]:
        statements = []
        started, cpu = time.perf_counter(), time.process_time()
        for page in range(1, pages + 1):
            counter.statements = []
            response = client.get(f"/catalog.ttl?page={page}{suffix}", base_url=base_url)
            response.get_data()
            if response.status_code != 200:
                raise RuntimeError(f"page {page}{suffix}: {response.status_code}")
            statements.append(counter.statements)
        return ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000,
                statements)

    for suffix in variants.values():
        walk(suffix)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    sql: dict[str, list[list[str]]] = {}
    for rep in range(walks):
        names = list(variants)
        turn = rep % len(names)
        order = names[turn:] + names[:turn]
        if rep // len(names) % 2:
            order.reverse()
        for name in order:
            gc.collect()
            elapsed, used, statements = walk(variants[name])
            times[name].append(elapsed)
            cpu[name].append(used)
            sql.setdefault(name, statements)
    print(f"\n## HTTP: /catalog.ttl walk, {pages} page(s) of {per_page}, {walks} interleaved "
          f"walks (stock = ?profiles=euro_dcat_ap_3 on our site)")
    print("| variant | median wall ms per walk | median CPU ms per walk | SQL per page |")
    print("|---|---:|---:|---:|")
    for name in variants:
        per_page_sql = [len(s) for s in sql[name]]
        print(f"| {name} | {statistics.median(times[name]):.0f} "
              f"| {statistics.median(cpu[name]):.0f} | {per_page_sql} |")
    for label, clock in (("wall", times), ("CPU", cpu)):
        for name in [n for n in variants if n != "stock"]:
            ratio = statistics.median(clock[name]) / statistics.median(clock["stock"])
            per_walk = [o / s for o, s in zip(clock[name], clock["stock"], strict=True)]
            print(f"\n{name}/stock ({label}): {ratio:.2f} (per walk: "
                  f"{', '.join(f'{r:.2f}' for r in per_walk)})")
    for name in variants:
        print(f"statements on page 1, {name}:")
        for statement in sql[name][0]:
            print(f"  {statement[:160]}")
    extra = Counter(sql["ours"][0]) - Counter(sql["stock"][0])
    missing = Counter(sql["stock"][0]) - Counter(sql["ours"][0])
    for label, diff in (("only ours", extra), ("only stock", missing)):
        print(f"statements on page 1, {label}: {sum(diff.values())}")
        for statement, count in diff.items():
            print(f"  ×{count} {statement[:160]}")


# --- canonical dump ---------------------------------------------------------------------------
def dump(profiles: list[type], datasets: list[dict[str, Any]], path: Path) -> None:
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    graph = Graph()
    result = serialise(profiles, copy.deepcopy(datasets), page_size=len(datasets),
                       keep_graph=True)
    for triple in result["graph"]:
        graph.add(triple)
    lines = to_canonical_graph(graph).serialize(format="nt").splitlines()
    path.write_text("\n".join(sorted(line for line in lines if line.strip())) + "\n",
                    encoding="utf-8")
    print(f"\nwrote {len(lines)} canonical triples of ours to {path}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(ROOT / "test.ini"))
    parser.add_argument("--seed", type=int, metavar="K", help="reset the sandbox and seed K")
    parser.add_argument("--rows", type=int, default=1000, help="datasets serialised at most")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--page-size", type=int, default=100,
                        help="datasets per serializer, as ckanext.dcat.datasets_per_page")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--http", type=int, default=0, metavar="N", help="N walks per variant")
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--other", type=Path, metavar="DIR",
                        help="also measure (and dump) the profile.py + vocabulary.py in DIR")
    args = parser.parse_args(argv[1:])

    stack = boot(Path(args.config))
    from ckan import model

    with stack._wsgi_app.test_request_context("/catalog.ttl"):
        if args.seed:
            seed(args.seed)
        datasets = catalog_datasets(args.rows)
        model.Session.remove()
        if not datasets:
            print("no public datasets: run with --seed K first", file=sys.stderr)
            return 1
        resources = sum(len(d.get("resources") or []) for d in datasets)
        print(f"{len(datasets)} public datasets, {resources} resources")
        runs = {"stock": profile_classes(STOCK), "ours": profile_classes(OURS)}
        if args.other:
            runs["other"] = [*runs["stock"], load_other_version(args.other)]
            serve_other_version(runs["other"][-1])
        if args.dump:
            dump(runs["ours"], datasets, args.dump)
            if args.other:
                dump(runs["other"], datasets, args.dump.with_suffix(".other.nt"))
        if args.reps:
            report_micro(micro(runs, datasets, args.reps, args.page_size), len(datasets),
                         args.reps, args.page_size)
        if args.cprofile:
            profile_once(runs, datasets, args.top, args.page_size)
        model.Session.remove()
    if args.http:
        http_walks(stack, len(datasets), args.http, other=bool(args.other))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
