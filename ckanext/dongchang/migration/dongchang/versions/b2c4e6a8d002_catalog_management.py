"""Catalog management: change events with deadlines (Art. 16) and the indexes behind duplicate
detection (Art. 15) and one-data-one-source checks (Art. 17).

Duplicate detection asks "which entries have a title, abstract or list of data items like this
one?" across the whole catalog. pg_trgm answers that from GIN indexes of trigrams (every run of
three characters): the ``%`` operator looks up the query's trigrams in the index, keeps only the
rows that share enough of them to reach the similarity threshold, and computes the exact
similarity for those alone — so a 100,000-entry catalog is never scanned row by row.

* ``dongchang_package_title_trgm_idx``, ``dongchang_package_notes_trgm_idx``: titles and
  abstracts (``title % :q``, ``notes % :q``).
* ``dongchang_package_items_trgm_idx``: the data item names of an entry as one text, through the
  immutable function ``dongchang_data_item_text(extras)`` (``data_items`` is stored by
  ckanext-scheming as JSON text inside the ``extras`` JSONB column).
* ``dongchang_package_item_names_idx``: the same names as an array (GIN, ``&&``), to find the
  entries that list a given data item (Art. 17).
* ``dongchang_package_catalog_state_idx``: the review queue (entries by catalog state).

pg_trgm takes a character as part of a word when the database's LC_CTYPE says it is alphanumeric;
with ``C.UTF-8`` or a ``zh_CN.UTF-8`` ctype Chinese characters are, with plain ``C`` they are not
and Chinese titles would have no trigrams. The upgrade warns when that is the case.

Revision ID: b2c4e6a8d002
Revises: a1f3c0d2e001
Create Date: 2026-11-29
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = "b2c4e6a8d002"
down_revision = "a1f3c0d2e001"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# The functions parse JSON inside a subtransaction (to survive bad JSON), which is costly and not
# allowed in parallel workers: COST tells the planner so (otherwise it prefers evaluating them
# on every row of a sequential scan to the GIN indexes built on them), PARALLEL RESTRICTED keeps
# them in the leader process.
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION dongchang_data_items(extras jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL RESTRICTED COST 500 AS $$
DECLARE
    items jsonb;
BEGIN
    IF extras IS NULL OR coalesce(extras ->> 'data_items', '') = '' THEN
        RETURN '[]'::jsonb;
    END IF;
    BEGIN
        items := (extras ->> 'data_items')::jsonb;
    EXCEPTION WHEN others THEN
        RETURN '[]'::jsonb;  -- unreadable JSON must not break an index build or a query
    END;
    IF jsonb_typeof(items) <> 'array' THEN
        RETURN '[]'::jsonb;
    END IF;
    RETURN items;
END
$$;

CREATE OR REPLACE FUNCTION dongchang_data_item_names(extras jsonb) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL RESTRICTED COST 1000 AS $$
BEGIN
    RETURN ARRAY(
        SELECT DISTINCT lower(btrim(item ->> 'name'))
        FROM jsonb_array_elements(dongchang_data_items(extras)) AS item
        WHERE jsonb_typeof(item) = 'object' AND coalesce(btrim(item ->> 'name'), '') <> ''
        ORDER BY 1
    );
END
$$;

CREATE OR REPLACE FUNCTION dongchang_data_item_text(extras jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL RESTRICTED COST 1000 AS $$
DECLARE
    names text[] := dongchang_data_item_names(extras);
    joined text := '';
    i int;
BEGIN
    -- array_to_string is only STABLE, so the names are joined by hand to stay indexable
    FOR i IN 1 .. coalesce(array_length(names, 1), 0) LOOP
        joined := joined || CASE WHEN i > 1 THEN ' ' ELSE '' END || names[i];
    END LOOP;
    RETURN joined;
END
$$;
"""

_INDEXES = {
    "dongchang_package_title_trgm_idx": "USING gin (title gin_trgm_ops)",
    "dongchang_package_notes_trgm_idx": "USING gin (notes gin_trgm_ops)",
    "dongchang_package_items_trgm_idx":
        "USING gin (dongchang_data_item_text(extras) gin_trgm_ops)",
    "dongchang_package_item_names_idx": "USING gin (dongchang_data_item_names(extras))",
    "dongchang_package_catalog_state_idx": "((extras ->> 'catalog_state'))",
}


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "dongchang_catalog_change",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("dataset_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("trigger", sa.UnicodeText, nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("due_on_provisional", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("reported_on", sa.Date, nullable=True),
        sa.Column("reported_by", sa.UnicodeText, nullable=True),
        sa.Column("created_by", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("dongchang_catalog_change_dataset_idx", "dongchang_catalog_change",
                    ["dataset_id", "occurred_on"])
    op.create_index("dongchang_catalog_change_open_due_idx", "dongchang_catalog_change",
                    ["due_on"], postgresql_where=sa.text("reported_on IS NULL"))
    op.execute(_FUNCTIONS)
    for name, definition in _INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON package {definition}")
    _warn_without_chinese_trigrams()


def _warn_without_chinese_trigrams():
    bind = op.get_bind()
    if not bind.execute(sa.text("select show_trgm('数据') <> '{}'")).scalar():
        log.warning(
            "pg_trgm finds no trigrams in Chinese text in this database (its LC_CTYPE treats"
            " Chinese characters as non-alphanumeric): duplicate detection will only compare"
            " Latin text. Create the database with a UTF-8 ctype such as C.UTF-8.")


def downgrade():
    for name in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP FUNCTION IF EXISTS dongchang_data_item_text(jsonb)")
    op.execute("DROP FUNCTION IF EXISTS dongchang_data_item_names(jsonb)")
    op.execute("DROP FUNCTION IF EXISTS dongchang_data_items(jsonb)")
    op.drop_table("dongchang_catalog_change")
    # pg_trgm stays: other objects of the site may use it.
