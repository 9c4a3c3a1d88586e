"""Duplicate-detection functions carry their own search_path, so autovacuum can ANALYZE package.

The trigram indexes on ``package`` call ``dongchang_data_item_text`` and
``dongchang_data_item_names``, which call each other by unqualified name. PostgreSQL evaluates
index expressions during ANALYZE with an empty search_path (autovacuum, and any session that
sets one), so the inner call was not found, and autovacuum never gathered statistics for the
package table ("function dongchang_data_item_names(jsonb) does not exist" in the server log).
Fixing each function's search_path to the schema they were created in (``FROM CURRENT``)
resolves the calls whatever the caller's path is.

Revision ID: e5f7a9c1b005
Revises: d4e6a8c0f004
Create Date: 2026-11-29
"""
from alembic import op

revision = "e5f7a9c1b005"
down_revision = "d4e6a8c0f004"
branch_labels = None
depends_on = None

FUNCTIONS = ("dongchang_data_items(jsonb)", "dongchang_data_item_names(jsonb)",
             "dongchang_data_item_text(jsonb)")


def upgrade():
    for function in FUNCTIONS:
        op.execute(f"ALTER FUNCTION {function} SET search_path FROM CURRENT")


def downgrade():
    for function in FUNCTIONS:
        op.execute(f"ALTER FUNCTION {function} RESET search_path")
