"""Access requests (which double as grants once approved), the audit log, and an index on
resource codes.

Revision ID: a1f3c0d2e001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "a1f3c0d2e001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dongchang_access_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("dataset_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("resource_ids", JSONB, nullable=False, server_default="[]"),
        sa.Column("requester_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("request_kind", sa.UnicodeText, nullable=False),
        sa.Column("applicant_kind", sa.UnicodeText, nullable=False),
        sa.Column("applicant_org_id", sa.UnicodeText, nullable=True),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
        sa.Column("use_scenario", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("security_measures", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("institution", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("public_interest_attested", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("agreement_accepted", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("tender_id", sa.UnicodeText, nullable=True),
        sa.Column("period_start", sa.Date, nullable=True),
        sa.Column("period_end", sa.Date, nullable=True),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("decided_by", sa.UnicodeText, nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("due_on_provisional", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("valid_from", sa.Date, nullable=True),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("dongchang_access_request_dataset_idx", "dongchang_access_request",
                    ["dataset_id", "state"])
    op.create_index("dongchang_access_request_requester_idx", "dongchang_access_request",
                    ["requester_id", "state"])

    op.create_table(
        "dongchang_audit_event",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("occurred_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("actor_id", sa.UnicodeText, nullable=True),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("object_type", sa.UnicodeText, nullable=False),
        sa.Column("object_id", sa.UnicodeText, nullable=False),
        sa.Column("detail", JSONB, nullable=False, server_default="{}"),
    )
    op.create_index("dongchang_audit_event_object_idx", "dongchang_audit_event",
                    ["object_id", "occurred_at"])
    # Append-only, enforced by the database itself (Art. 29: third-party assessment).
    op.execute("""
        CREATE OR REPLACE FUNCTION dongchang_audit_event_immutable() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'dongchang_audit_event is append-only';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER dongchang_audit_event_no_change
            BEFORE UPDATE OR DELETE ON dongchang_audit_event
            FOR EACH ROW EXECUTE FUNCTION dongchang_audit_event_immutable();
        CREATE TRIGGER dongchang_audit_event_no_truncate
            BEFORE TRUNCATE ON dongchang_audit_event
            FOR EACH STATEMENT EXECUTE FUNCTION dongchang_audit_event_immutable();
    """)
    op.execute("CREATE INDEX IF NOT EXISTS dongchang_package_resource_code_idx "
               "ON package ((extras ->> 'resource_code'))")


def downgrade():
    op.execute("DROP INDEX IF EXISTS dongchang_package_resource_code_idx")
    op.drop_table("dongchang_audit_event")
    op.execute("DROP FUNCTION IF EXISTS dongchang_audit_event_immutable()")
    op.drop_table("dongchang_access_request")
