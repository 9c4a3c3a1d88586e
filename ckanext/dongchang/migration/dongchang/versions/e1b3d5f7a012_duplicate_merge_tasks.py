"""Merge tasks for duplicate catalog entries (Art. 15, issue 18 item 6).

The Bureau marks two entries as duplicates; their departments merge them. At most one open task
per pair (either order): a partial unique index on the ordered pair.

Revision ID: e1b3d5f7a012
Revises: d0f2b4c6e011
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "e1b3d5f7a012"
down_revision = "d0f2b4c6e011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dongchang_duplicate_merge",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("entry_id", sa.UnicodeText, sa.ForeignKey("package.id"), nullable=False),
        sa.Column("duplicate_id", sa.UnicodeText, sa.ForeignKey("package.id"), nullable=False),
        sa.Column("keep_id", sa.UnicodeText),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("state", sa.UnicodeText, nullable=False, server_default="open"),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("due_on_provisional", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("created_by", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("kept_id", sa.UnicodeText),
        sa.Column("removed_id", sa.UnicodeText),
        sa.Column("removed_name", sa.UnicodeText),
        sa.Column("revision_id", sa.UnicodeText),
        sa.Column("reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("closed_on", sa.Date),
        sa.Column("closed_by", sa.UnicodeText),
        sa.CheckConstraint("state IN ('open', 'in_review', 'merged', 'declined')",
                           name="dongchang_duplicate_merge_state_check"),
        sa.CheckConstraint("entry_id <> duplicate_id",
                           name="dongchang_duplicate_merge_pair_check"),
    )
    op.execute("""
        CREATE UNIQUE INDEX dongchang_duplicate_merge_one_open_idx
        ON dongchang_duplicate_merge (LEAST(entry_id, duplicate_id),
                                      GREATEST(entry_id, duplicate_id))
        WHERE state = 'open'
    """)
    op.create_index("dongchang_duplicate_merge_removed_name_idx", "dongchang_duplicate_merge",
                    ["removed_name"], postgresql_where=sa.text("state = 'merged'"))


def downgrade():
    op.drop_index("dongchang_duplicate_merge_removed_name_idx", "dongchang_duplicate_merge")
    op.execute("DROP INDEX dongchang_duplicate_merge_one_open_idx")
    op.drop_table("dongchang_duplicate_merge")
