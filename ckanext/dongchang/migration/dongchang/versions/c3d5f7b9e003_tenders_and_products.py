"""Tenders for commercial use (F-6) and the registered sources of data products (F-7).

Revision ID: c3d5f7b9e003
Revises: b2c4e6a8d002
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "c3d5f7b9e003"
down_revision = "b2c4e6a8d002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dongchang_tender",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("dataset_ids", JSONB, nullable=False, server_default="[]"),
        sa.Column("method", sa.UnicodeText, nullable=False),
        sa.Column("notice", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("notice_url", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("scope", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("bidding_start", sa.Date, nullable=False),
        sa.Column("bidding_end", sa.Date, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False, server_default="announced"),
        sa.Column("awardee_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="SET NULL"), nullable=True),
        sa.Column("award_date", sa.Date, nullable=True),
        sa.Column("contract_start", sa.Date, nullable=True),
        sa.Column("contract_end", sa.Date, nullable=True),
        sa.Column("cancel_reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created_by", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("dongchang_tender_state_idx", "dongchang_tender",
                    ["state", "bidding_end"])
    # "Which tenders cover this entry?" is asked for every commercial request.
    op.execute("CREATE INDEX dongchang_tender_datasets_idx ON dongchang_tender "
               "USING gin (dataset_ids jsonb_path_ops)")

    op.create_table(
        "dongchang_product_source",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("product_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("dataset_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("acquired_on", sa.Date, nullable=False),
        sa.Column("access_request_id", sa.UnicodeText, nullable=True),
        sa.Column("registrant_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("share_class", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("open_class", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("dongchang_product_source_dataset_idx", "dongchang_product_source",
                    ["dataset_id"])
    op.create_index("dongchang_product_source_product_idx", "dongchang_product_source",
                    ["product_id", "position"])
    op.create_index("dongchang_product_source_request_idx", "dongchang_product_source",
                    ["access_request_id"])


def downgrade():
    op.drop_table("dongchang_product_source")
    op.drop_table("dongchang_tender")
