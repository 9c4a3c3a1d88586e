"""Data item names kept as plain text beside each entry, for duplicate detection at scale (F-10,
issue 20 item 4).

The duplicate query compared data items through an expression index on
``dongchang_data_item_text(extras)``. A trigram index is lossy: every row it proposes is
rechecked, and the recheck called the PL/pgSQL function again on the row's JSON (~50 µs a row),
which made the items branch the slowest part of the query at 100,000 entries (1,700 rechecks,
90 ms for one entry). The text is now computed once when an entry is written, by a trigger on
``package`` (so every write path — actions, the spreadsheet import, SQL copies — keeps it), into
``dongchang_entry_item_text``, whose plain column carries the trigram index; the recheck reads a
short string. The expression index goes (its work moved into the trigger, so a write costs the
same). ``dongchang_data_item_text`` and ``dongchang_data_item_names`` stay: the trigger and the
one-data-one-source lookup use them.

Revision ID: b6d8f0a2c015
Revises: a3c5e7f9b014
Create Date: 2026-12-03
"""
from alembic import op

revision = "b6d8f0a2c015"
down_revision = "a3c5e7f9b014"
branch_labels = None
depends_on = None

_SYNC = """
CREATE OR REPLACE FUNCTION dongchang_entry_item_text_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO dongchang_entry_item_text (package_id, items_text)
    VALUES (NEW.id, dongchang_data_item_text(NEW.extras))
    ON CONFLICT (package_id) DO UPDATE SET items_text = EXCLUDED.items_text;
    RETURN NULL;
END
$$
"""


def upgrade():
    op.execute("""
        CREATE TABLE dongchang_entry_item_text (
            package_id text PRIMARY KEY REFERENCES package (id) ON DELETE CASCADE,
            items_text text NOT NULL
        )""")
    op.execute(_SYNC)
    op.execute("""
        CREATE TRIGGER dongchang_entry_item_text_insert AFTER INSERT ON package
        FOR EACH ROW EXECUTE FUNCTION dongchang_entry_item_text_sync()""")
    op.execute("""
        CREATE TRIGGER dongchang_entry_item_text_update AFTER UPDATE OF extras ON package
        FOR EACH ROW WHEN (OLD.extras IS DISTINCT FROM NEW.extras)
        EXECUTE FUNCTION dongchang_entry_item_text_sync()""")
    op.execute("""
        INSERT INTO dongchang_entry_item_text (package_id, items_text)
        SELECT id, dongchang_data_item_text(extras) FROM package""")
    op.execute("CREATE INDEX dongchang_entry_item_text_trgm_idx ON dongchang_entry_item_text "
               "USING gin (items_text gin_trgm_ops)")
    op.execute("DROP INDEX IF EXISTS dongchang_package_items_trgm_idx")


def downgrade():
    op.execute("CREATE INDEX IF NOT EXISTS dongchang_package_items_trgm_idx ON package "
               "USING gin (dongchang_data_item_text(extras) gin_trgm_ops)")
    op.execute("DROP TRIGGER IF EXISTS dongchang_entry_item_text_update ON package")
    op.execute("DROP TRIGGER IF EXISTS dongchang_entry_item_text_insert ON package")
    op.execute("DROP FUNCTION IF EXISTS dongchang_entry_item_text_sync()")
    op.execute("DROP TABLE IF EXISTS dongchang_entry_item_text")
