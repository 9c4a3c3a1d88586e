"""The rectification list (整改) of the evaluation (Art. 6, 29).

Revision ID: b8d0f2a4c009
Revises: a7c9e1f3b007
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "b8d0f2a4c009"
down_revision = "a7c9e1f3b007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dongchang_rectification",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("org_id", sa.UnicodeText, sa.ForeignKey("group.id"), nullable=False),
        sa.Column("criterion", sa.UnicodeText),
        sa.Column("problem", sa.UnicodeText, nullable=False),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("due_on", sa.Date),
        sa.Column("state", sa.UnicodeText, nullable=False, server_default="open"),
        sa.Column("created_by", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("closing_note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("closed_by", sa.UnicodeText),
        sa.Column("closed_at", sa.DateTime),
        sa.CheckConstraint("state IN ('open', 'closed')",
                           name="dongchang_rectification_state_check"),
    )
    op.create_index("dongchang_rectification_org_idx", "dongchang_rectification",
                    ["org_id", "state"])


def downgrade():
    op.drop_index("dongchang_rectification_org_idx", "dongchang_rectification")
    op.drop_table("dongchang_rectification")
