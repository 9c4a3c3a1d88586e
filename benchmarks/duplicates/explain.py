import statistics
import sys
import time

import sqlalchemy as sa

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
from ckanext.dongchang.catalog.duplicates import _CANDIDATES_SQL
from ckanext.dongchang.catalog.rules import workflow

engine = sa.create_engine(sys.argv[1])
with engine.connect() as conn:
    targets = conn.execute(sa.text("select id, title, notes, dongchang_data_item_text(extras) from package where name like 'bench-%' order by random() limit 21")).all()
    conn.execute(sa.text("select set_config('pg_trgm.similarity_threshold', :v, false)"), {"v": str(workflow.INDEX_THRESHOLD)})
    params = lambda t: {"id": t[0], "title": t[1], "notes": t[2], "items": t[3], "fetch": 40, "t_title": 0.5, "t_notes": 0.5, "t_data_items": 0.5}
    sql = str(_CANDIDATES_SQL)
    plan = conn.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + sql), params(targets[0])).scalars().all()
    print("\n".join(plan))
    times, counts = [], []
    for t in targets[1:]:
        start = time.perf_counter()
        got = conn.execute(_CANDIDATES_SQL, params(t)).all()
        times.append((time.perf_counter() - start) * 1000)
        counts.append(len(got))
    print(f"20 random entries: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms; candidates per entry median {statistics.median(counts)}, max {max(counts)}")
