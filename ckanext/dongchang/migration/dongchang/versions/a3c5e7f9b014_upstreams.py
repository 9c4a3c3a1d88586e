"""Registered upstreams (issue 16 item 3): the address at the department that the portal
calls for a gated file's data. It lives in a table of its own, never in the resource's ``url``
or extras, so no dictization of the resource (API, page, index, feed, activity) can carry it.

Revision ID: a3c5e7f9b014
Revises: f2a4c6e8b013
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "a3c5e7f9b014"
down_revision = "f2a4c6e8b013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dongchang_upstream",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("address", sa.UnicodeText, nullable=False),
        sa.Column("registered_by", sa.UnicodeText, nullable=True),
        sa.Column("registered_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("dongchang_upstream")
