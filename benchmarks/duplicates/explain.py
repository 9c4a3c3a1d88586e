"""EXPLAIN (ANALYZE, BUFFERS) of the duplicate-candidates query for one random entry, then its
median, p95 and maximum over SAMPLES more random entries (default 100).

    .venv/bin/python benchmarks/duplicates/explain.py DB_URL [SAMPLES]

Run ``VACUUM ANALYZE package, dongchang_entry_item_text`` after seeding: a bulk insert leaves
GIN's pending list unmerged (autovacuum merges it on a live site), and the first queries then
scan it row by row."""
import statistics
import sys
import time

import sqlalchemy as sa

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from ckanext.dongchang.catalog.duplicates import _CANDIDATES_SQL
from ckanext.dongchang.catalog.rules import workflow

engine = sa.create_engine(sys.argv[1])
samples = int(sys.argv[2]) if len(sys.argv) > 2 else 100
with engine.connect() as conn:
    targets = conn.execute(sa.text(
        "select id, title, notes, dongchang_data_item_text(extras) from package "
        "where name like 'bench-%' order by random() limit :n"), {"n": samples + 1}).all()
    conn.execute(sa.text("select set_config('pg_trgm.similarity_threshold', :v, false)"),
                 {"v": str(workflow.INDEX_THRESHOLD)})

    def params(t):
        return {"id": t[0], "title": t[1], "notes": t[2], "items": t[3], "fetch": 40,
                **{f"t_{name}": value for name, value in workflow.THRESHOLDS.items()}}

    plan = conn.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + str(_CANDIDATES_SQL)),
                        params(targets[0])).scalars().all()
    print("\n".join(plan))
    times, counts = [], []
    for t in targets[1:]:
        start = time.perf_counter()
        got = conn.execute(_CANDIDATES_SQL, params(t)).all()
        times.append((time.perf_counter() - start) * 1000)
        counts.append(len(got))
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(f"{len(times)} random entries: median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms; candidates per entry median "
          f"{statistics.median(counts)}, max {max(counts)}")
