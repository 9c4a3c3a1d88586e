"""Pending revisions: a department's change to a published entry waits for the Bureau (F-10).

One row per proposal; at most one ``pending`` row per entry (partial unique index), so two
editors saving at once merge into the same proposal under the entry's row lock.

Revision ID: f6a8b0d2c006
Revises: e5f7a9c1b005
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "f6a8b0d2c006"
down_revision = "e5f7a9c1b005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dongchang_pending_revision",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("dataset_id", sa.UnicodeText, sa.ForeignKey("package.id"), nullable=False),
        sa.Column("proposed", JSONB, nullable=False),
        sa.Column("fields", JSONB, nullable=False, server_default="[]"),
        sa.Column("state", sa.UnicodeText, nullable=False, server_default="pending"),
        sa.Column("submitted_by", sa.UnicodeText),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decided_at", sa.DateTime),
        sa.CheckConstraint("state IN ('pending', 'approved', 'returned', 'withdrawn')",
                           name="dongchang_pending_revision_state_check"),
    )
    op.create_index("dongchang_pending_revision_one_pending_idx",
                    "dongchang_pending_revision", ["dataset_id"], unique=True,
                    postgresql_where=sa.text("state = 'pending'"))
    op.create_index("dongchang_pending_revision_dataset_idx", "dongchang_pending_revision",
                    ["dataset_id", "submitted_at"])


def downgrade():
    op.drop_index("dongchang_pending_revision_dataset_idx", "dongchang_pending_revision")
    op.drop_index("dongchang_pending_revision_one_pending_idx", "dongchang_pending_revision")
    op.drop_table("dongchang_pending_revision")
