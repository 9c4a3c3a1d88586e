"""Duplicate candidates (Art. 15) and one-data-one-source lookups (Art. 17) across the catalog.

Both are single SQL queries answered from GIN indexes: trigram indexes on titles and abstracts
(migration ``b2c4e6a8d002``) and on data item names (``b6d8f0a2c015``), and an array index on
data item names. No Python loop ever walks the catalog. The pure scoring and wording are in
``catalog.rules.workflow``.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.types import Context

from ckanext.dongchang.access import audience
from ckanext.dongchang.catalog.rules import workflow

# Rows fetched before the viewer's visibility filter; enough that hidden rows rarely shorten
# the list, small enough to stay cheap.
_FETCH = 40

# One branch per compared field, each answered by its own GIN index and scoring only its own
# field; data item names are read from ``dongchang_entry_item_text`` (kept by a trigger, migration
# ``b6d8f0a2c015``), so no recheck parses JSON. ``%`` keeps the rows whose similarity reaches
# pg_trgm.similarity_threshold (set to the lowest field threshold). A row missing from a branch
# scores below every field threshold there, so the branch scores alone decide which rows pass and
# their order; the other scores are computed for the rows kept (``:fetch``), not for every hit.
_CANDIDATES_SQL = sa.text("""
    WITH by_title AS MATERIALIZED (
        SELECT id, similarity(title, :title) AS score FROM package WHERE title % :title
    ), by_notes AS MATERIALIZED (
        SELECT id, similarity(notes, :notes) AS score FROM package WHERE notes % :notes
    ), by_items AS MATERIALIZED (
        SELECT package_id AS id, similarity(items_text, :items) AS score
        FROM dongchang_entry_item_text WHERE items_text % :items
    ), branch_scores AS (
        SELECT id, max(title_score) AS title_score, max(notes_score) AS notes_score,
               max(items_score) AS items_score
        FROM (SELECT id, score AS title_score, NULL::real AS notes_score,
                     NULL::real AS items_score FROM by_title
              UNION ALL SELECT id, NULL, score, NULL FROM by_notes
              UNION ALL SELECT id, NULL, NULL, score FROM by_items) AS found
        GROUP BY id
    ), kept AS (
        SELECT s.* FROM branch_scores s JOIN package p ON p.id = s.id
        WHERE p.type = 'dataset' AND p.state = 'active' AND p.id <> :id
          AND (s.title_score >= :t_title OR s.notes_score >= :t_notes
               OR s.items_score >= :t_data_items)
        ORDER BY greatest(s.title_score, s.notes_score, s.items_score) DESC, s.id
        LIMIT :fetch
    )
    SELECT p.id, p.name, p.title, p.owner_org, p.extras ->> 'catalog_state' AS catalog_state,
           p.extras ->> 'data_items' AS data_items,
           coalesce(k.title_score, similarity(p.title, :title)) AS title_score,
           coalesce(k.notes_score, similarity(coalesce(p.notes, ''), :notes)) AS notes_score,
           coalesce(k.items_score, similarity(coalesce(t.items_text, ''), :items))
               AS data_items_score
    FROM kept k JOIN package p ON p.id = k.id
    LEFT JOIN dongchang_entry_item_text t ON t.package_id = k.id
    ORDER BY greatest(k.title_score, k.notes_score, k.items_score) DESC, k.id
""")

# Published entries of *other* departments that list one of the given item names with their own
# department as its source. The array index finds the entries listing the names; the lateral
# join keeps the items whose source is the entry's owner.
_PUBLISHERS_SQL = sa.text("""
    SELECT DISTINCT ON (lower(btrim(item ->> 'name')), g.name)
           lower(btrim(item ->> 'name')) AS item, g.name AS org_name, g.title AS org_title,
           p.id, p.name, p.title
    FROM package p
    JOIN "group" g ON g.id = p.owner_org
    CROSS JOIN LATERAL jsonb_array_elements(dongchang_data_items(p.extras)) AS item
    WHERE p.type = 'dataset' AND p.state = 'active' AND p.owner_org <> :org_id
      AND p.extras ->> 'catalog_state' = 'published'
      AND dongchang_data_item_names(p.extras) && CAST(:names AS text[])
      AND lower(btrim(item ->> 'name')) = ANY(CAST(:names AS text[]))
      AND item ->> 'source_org' = g.name
    ORDER BY lower(btrim(item ->> 'name')), g.name, p.metadata_modified DESC
    LIMIT 200
""")


@contextmanager
def _similarity_threshold(value: float) -> Iterator[None]:
    """``%`` compares with ``pg_trgm.similarity_threshold``; set it for our query only and put
    the previous value back, so nothing else in the request's transaction is affected.

    The setting is local to the transaction: if the query fails, the rollback restores it (and
    no statement may run in the failed transaction, so there is no ``finally`` here)."""
    session = model.Session
    previous = session.execute(
        sa.text("select current_setting('pg_trgm.similarity_threshold', true)")).scalar()
    session.execute(sa.text("select set_config('pg_trgm.similarity_threshold', :v, true)"),
                    {"v": str(value)})
    yield
    session.execute(sa.text("select set_config('pg_trgm.similarity_threshold', :v, true)"),
                    {"v": previous or "0.3"})


def entry_fields(dataset: model.Package) -> dict[str, Any]:
    """What duplicate detection compares, read from the stored entry."""
    items = _items(dataset)
    return {"title": dataset.title or "", "notes": dataset.notes or "",
            "items": workflow.items_text(items), "item_names": workflow.item_names(items)}


def _items(dataset: model.Package) -> list[dict[str, Any]]:
    return _parse((dataset.extras or {}).get("data_items"))


def _parse(raw: str | None) -> list[dict[str, Any]]:
    """Data items as scheming stores them (JSON text in extras); [] when unreadable."""
    try:
        items = json.loads(raw) if raw else []
    except ValueError:
        return []
    return items if isinstance(items, list) else []


def candidates(context: Context, dataset: model.Package, limit: int = 10) -> list[dict[str, Any]]:
    """Entries that may duplicate ``dataset``, best first, that the caller may see."""
    fields = entry_fields(dataset)
    params = {"id": dataset.id, "title": fields["title"], "notes": fields["notes"],
              "items": fields["items"], "fetch": _FETCH,
              **{f"t_{name}": value for name, value in workflow.THRESHOLDS.items()}}
    with _similarity_threshold(workflow.INDEX_THRESHOLD):
        rows = model.Session.execute(_CANDIDATES_SQL, params).mappings().all()
    own_names = set(fields["item_names"])
    found = [
        workflow.Candidate(
            id=row["id"],
            scores={name: float(row[f"{name}_score"] or 0) for name in workflow.MATCH_FIELDS},
            shared_items=sorted(own_names & set(workflow.item_names(_parse(row["data_items"])))),
            same_department=row["owner_org"] == dataset.owner_org,
            extra={"name": row["name"], "title": row["title"], "owner_org": row["owner_org"],
                   "catalog_state": row["catalog_state"]},
        )
        for row in rows
    ]
    visible = _visible_ids(context, [c.id for c in found])
    ranked = workflow.rank_candidates([c for c in found if c.id in visible], limit)
    titles = _org_titles({c.extra["owner_org"] for c in ranked})
    return [_candidate_dict(c, titles) for c in ranked]


def _candidate_dict(candidate: workflow.Candidate, titles: dict[str, tuple[str, str]]
                    ) -> dict[str, Any]:
    org_name, org_title = titles.get(candidate.extra["owner_org"], ("", ""))
    return {
        "id": candidate.id, **candidate.extra, "org_name": org_name, "org_title": org_title,
        "score": round(candidate.score, 3),
        "scores": {name: round(value, 3) for name, value in candidate.scores.items()},
        "matched": candidate.matched, "shared_items": candidate.shared_items,
        "same_department": candidate.same_department,
    }


def _visible_ids(context: Context, ids: list[str]) -> set[str]:
    """The Bureau reviews the whole catalog; a department sees only what it may see anyway,
    so no title of a hidden entry reaches it through this list."""
    if audience.is_bureau(context):
        return set(ids)
    return {dataset_id for dataset_id in ids if audience.may_see_entry(context, dataset_id)}


def _org_titles(org_ids: set[str]) -> dict[str, tuple[str, str]]:
    if not org_ids:
        return {}
    rows = model.Session.query(model.Group.id, model.Group.name, model.Group.title) \
        .filter(model.Group.id.in_(org_ids)).all()
    return {row.id: (row.name, row.title or row.name) for row in rows}


def source_warnings(context: Context, dataset: model.Package) -> list[dict[str, Any]]:
    """Art. 17 warnings for ``dataset``'s data items, entries hidden from the caller blanked."""
    items = _items(dataset)
    org = model.Group.get(dataset.owner_org) if dataset.owner_org else None
    own_org = org.name if org else ""
    names = workflow.item_names(items)
    rows = model.Session.execute(
        _PUBLISHERS_SQL, {"org_id": dataset.owner_org or "", "names": names}
    ).mappings().all() if names else []
    visible = _visible_ids(context, [row["id"] for row in rows])
    publications = [
        workflow.Publication(item=row["item"], org_name=row["org_name"],
                          org_title=row["org_title"] or row["org_name"],
                          dataset={"id": row["id"], "name": row["name"], "title": row["title"]}
                          if row["id"] in visible else None)
        for row in rows
    ]
    sources = {normalize_source(item) for item in items} - {"", own_org}
    titles = dict(model.Session.query(model.Group.name, model.Group.title)
                  .filter(model.Group.name.in_(sources)).all()) if sources else {}
    return workflow.recollection_warnings(items, own_org, titles, publications)


def normalize_source(item: Any) -> str:
    return workflow.normalize(item.get("source_org")) if isinstance(item, dict) else ""
