"""Bulk seeding for large N: clone validated entries in SQL, index in parallel processes.

Seeding every entry through ``package_create`` costs ~0.1 s of CPU per entry (validation,
activity snapshot, ORM), i.e. hours at N = 100,000 on 2 cores. The bulk path seeds the first
``tile`` entries through ``package_create`` as before (our validators run on every one of them),
then fills ``tile+1 .. N`` in PostgreSQL: entry ``s`` is a copy of entry ``(s-1) % tile + 1``
(``data.entry(s, tile=...)`` describes exactly that copy: same classes, department, subject,
resources and tags; its own name, title, notes, resource code, URLs and ids) made with one
``INSERT … SELECT`` per table over the rows of the template (package, resource, package_tag,
member, activity), every id of the copy derived from the template's (``md5(id:serial)``).
Nothing is indexed in SQL: ``index_parallel`` runs CKAN's own ``search.rebuild`` (the site's
plugins' index hooks) over interleaved slices of the package ids in several processes.

    .venv/bin/python benchmarks/bulk.py index CONFIG PROCESSES   # index one site in parallel
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sites  # noqa: E402

# Rows of a template entry that are copied, and the column that ties each to its package.
CLONED_TABLES = (("package", "id"), ("resource", "package_id"), ("package_tag", "package_id"),
                 ("member", "table_id"), ("activity", "object_id"))

CLONE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION pg_temp.bench_clone(doc text, olds text[], base int, serial int)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  b6 text := lpad(base::text, 6, '0');
  s6 text := lpad(serial::text, 6, '0');
  old text;
BEGIN
  -- every id of the template's rows becomes the copy's own id
  FOREACH old IN ARRAY olds LOOP
    doc := replace(doc, old, md5(old || ':' || serial)::uuid::text);
  END LOOP;
  -- the serial where data.entry() writes it: name, resource code, URLs, title, notes.
  -- "-000123" is never followed by a hex digit (ids are already replaced, and a uuid's
  -- 12-digit group would continue with one)
  doc := regexp_replace(doc, '-' || b6 || '(?![0-9a-f])', '-' || s6, 'g');
  doc := replace(doc, '/' || b6 || '/', '/' || s6 || '/');
  doc := regexp_replace(doc, '(（|uff08)' || base || '(?![0-9])', '\1' || serial, 'g');
  doc := replace(doc, 'entry ' || base || ' about', 'entry ' || serial || ' about');
  RETURN doc;
END $$;
"""


def clone_sql(first: int, last: int, tile: int, prefix: str = "bench-entry") -> str:
    """SQL that adds entries ``first .. last`` (> tile) as copies of ``1 .. tile`` (one
    transaction)."""
    parts = [
        "BEGIN;",
        "SET LOCAL session_replication_role = replica;",  # the copies' keys exist: no FK checks
        CLONE_FUNCTION,
        f"""CREATE TEMP TABLE tile ON COMMIT DROP AS
            SELECT m.serial, m.base, p.id AS pkg_id, ARRAY(
                SELECT p.id UNION ALL SELECT id FROM resource WHERE package_id = p.id
                UNION ALL SELECT id FROM package_tag WHERE package_id = p.id
                UNION ALL SELECT id FROM member WHERE table_id = p.id
                UNION ALL SELECT id FROM activity WHERE object_id = p.id) AS olds
            FROM (SELECT s AS serial, (s - 1) % {tile} + 1 AS base
                  FROM generate_series({first}, {last}) s) m
            JOIN package p ON p.name = '{prefix}-' || lpad(m.base::text, 6, '0');""",
    ]
    for table, key in CLONED_TABLES:
        parts.append(
            f'INSERT INTO "{table}" SELECT (jsonb_populate_record(NULL::"{table}", '
            f"pg_temp.bench_clone(to_jsonb(x)::text, t.olds, t.base, t.serial)::jsonb)).* "
            f'FROM tile t JOIN "{table}" x ON x.{key} = t.pkg_id;')
    parts.append("COMMIT;")
    return "\n".join(parts)


def clone(site: str, n: int, tile: int, processes: int = 2) -> float:
    """Entries ``tile+1 .. n`` as copies, in ``processes`` concurrent transactions."""
    started = time.perf_counter()
    database = sites.db_name(site)
    if n > tile:
        bounds = [tile + 1 + (n - tile) * k // processes for k in range(processes + 1)]
        with ThreadPoolExecutor(processes) as pool:
            list(pool.map(lambda k: sites.psql(clone_sql(bounds[k], bounds[k + 1] - 1, tile),
                                               database), range(processes)))
        count = int(sites.psql("SELECT count(*) FROM package WHERE name LIKE 'bench-entry-%'",
                               database))
        if count != n:
            raise RuntimeError(f"cloning gave {count} entries in {database}, expected {n}")
        sites.psql("ANALYZE", database)
    return time.perf_counter() - started


_CPU_LOCK = threading.Lock()


# --- parallel indexing --------------------------------------------------------------------------
def _index_slice(config_path: str, processes: int, index: int) -> int:
    """In a worker process: index every ``processes``-th package id, starting at ``index``."""
    from ckan import model
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    from ckan.lib import search

    app = make_app(load_config(config_path))
    with app._wsgi_app.test_request_context():  # noqa: SLF001 (as site_worker.py does)
        ids = [r[0] for r in model.Session.query(model.Package.id).order_by(model.Package.id)]
        mine = ids[index::processes]
        search.rebuild(package_ids=mine, defer_commit=True, quiet=True)
    # CPU seconds of this process (start-up included): on a shared machine wall time says
    # little, the CPU spent says what a quiet machine would need
    print(f"INDEX-CPU {time.process_time():.1f} {len(mine)}")
    return len(mine)


def solr_commit(site: str) -> None:
    url = f"{sites.SOLR}/{sites.core_name(site)}/update?commit=true&wt=json"
    with urllib.request.urlopen(url, timeout=600) as response:
        json.load(response)


def index_parallel(site: str, processes: int, cpu: dict | None = None) -> float:
    """CKAN's ``search.rebuild`` over ``processes`` interleaved slices of the ids, then commit.
    Returns the wall time; adds the indexing processes' CPU seconds to ``cpu[site]``."""
    started = time.perf_counter()
    cmd = [str(sites.PY), __file__, "index-slice", str(sites.config_path(site)), str(processes)]

    def one(index: int) -> None:
        result = subprocess.run([*cmd, str(index)], cwd=sites.ROOT, capture_output=True,
                                text=True)
        if result.returncode != 0:
            raise RuntimeError(f"indexing slice {index} of {site} failed:\n"
                               f"{result.stderr[-3000:]}")
        if cpu is not None:
            for line in result.stdout.splitlines():
                if line.startswith("INDEX-CPU "):
                    with _CPU_LOCK:
                        cpu[site] = cpu.get(site, 0.0) + float(line.split()[1])

    with ThreadPoolExecutor(processes) as pool:
        list(pool.map(one, range(processes)))
    solr_commit(site)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    if argv[1] == "index-slice":
        _index_slice(argv[2], int(argv[3]), int(argv[4]))
        return 0
    if argv[1] == "index":
        site = next(s for s in sites.SITES if str(sites.config_path(s)) == argv[2])
        print(f"indexed {site} in {index_parallel(site, int(argv[3])):.0f} s")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
