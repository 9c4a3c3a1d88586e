"""The access log (issue 16 item 5): one row per delivery of gated data.

Append-only like the audit log, with one exception for retention: a DELETE passes only for rows
older than the cut-off the purging transaction sets in ``dongchang.access_log_purge_before``
(``SET LOCAL``, see ``delivery/service.purge_older_than``); UPDATE and TRUNCATE never pass.

Revision ID: f2a4c6e8b013
Revises: e1b3d5f7a012
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "f2a4c6e8b013"
down_revision = "e1b3d5f7a012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dongchang_access_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("occurred_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("user_id", sa.UnicodeText, nullable=True),
        sa.Column("request_id", sa.UnicodeText, nullable=True),
        sa.Column("dataset_id", sa.UnicodeText, nullable=False),
        sa.Column("resource_id", sa.UnicodeText, nullable=False),
        sa.Column("channel", sa.UnicodeText, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=True),
        sa.Column("rows", sa.BigInteger, nullable=True),
        sa.Column("client_address", sa.UnicodeText, nullable=True),
    )
    op.create_index("dongchang_access_log_dataset_idx", "dongchang_access_log",
                    ["dataset_id", "occurred_at"])
    op.create_index("dongchang_access_log_request_idx", "dongchang_access_log", ["request_id"])
    op.create_index("dongchang_access_log_user_idx", "dongchang_access_log", ["user_id"])
    op.execute("""
        CREATE OR REPLACE FUNCTION dongchang_access_log_guard() RETURNS trigger AS $$
        DECLARE
            cutoff text := current_setting('dongchang.access_log_purge_before', true);
        BEGIN
            IF TG_OP = 'DELETE' AND cutoff IS NOT NULL AND cutoff <> '' THEN
                IF OLD.occurred_at < cutoff::timestamp THEN
                    RETURN OLD;
                END IF;
            END IF;
            RAISE EXCEPTION 'dongchang_access_log is append-only';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER dongchang_access_log_no_change
            BEFORE UPDATE OR DELETE ON dongchang_access_log
            FOR EACH ROW EXECUTE FUNCTION dongchang_access_log_guard();
        CREATE TRIGGER dongchang_access_log_no_truncate
            BEFORE TRUNCATE ON dongchang_access_log
            FOR EACH STATEMENT EXECUTE FUNCTION dongchang_access_log_guard();
    """)


def downgrade():
    op.drop_table("dongchang_access_log")
    op.execute("DROP FUNCTION IF EXISTS dongchang_access_log_guard()")
