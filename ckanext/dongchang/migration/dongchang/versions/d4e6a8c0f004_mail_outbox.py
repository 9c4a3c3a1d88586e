"""Mail outbox: a notification is stored before it is queued, so a Redis outage loses none.

Revision ID: d4e6a8c0f004
Revises: c3d5f7b9e003
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "d4e6a8c0f004"
down_revision = "c3d5f7b9e003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dongchang_mail_outbox",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("message", JSONB, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=True),
    )
    op.create_index("dongchang_mail_outbox_unsent_idx", "dongchang_mail_outbox", ["created"],
                    postgresql_where=sa.text("sent_at IS NULL"))


def downgrade():
    op.drop_table("dongchang_mail_outbox")
