"""Agreements that grants rest on, and the recorded check of a declared applicant kind
(Art. 20 ¶3, Art. 25 ¶4; issue 18 items 1 and 4).

* ``dongchang_access_agreement``: one per approved request that needs one (non-government
  share requests, conditional-open requests): the terms text and version as signed, the
  applicant's security measures, and each side's signature (who, when). The grant starts
  (``valid_from``) once both have signed.
* ``dongchang_access_request.applicant_verified_by/_at/_verification``: the deciding side's
  check of a self-declared legal person, research institution or other body.
* ``agreement_accepted`` (the tick-box the agreement record replaces) is dropped. Requests
  approved before this revision keep their ``valid_from`` and stay in force.

Revision ID: c9e1a3b5d010
Revises: b8d0f2a4c009
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "c9e1a3b5d010"
down_revision = "b8d0f2a4c009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dongchang_access_agreement",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText,
                  sa.ForeignKey("dongchang_access_request.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("terms_version", sa.UnicodeText, nullable=False),
        sa.Column("terms_text", sa.UnicodeText, nullable=False),
        sa.Column("security_measures", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("authority", sa.UnicodeText, nullable=False),
        sa.Column("authority_org_id", sa.UnicodeText, nullable=True),
        sa.Column("authority_signed_by", sa.UnicodeText, nullable=True),
        sa.Column("authority_signed_at", sa.DateTime, nullable=True),
        sa.Column("applicant_signed_by", sa.UnicodeText, nullable=True),
        sa.Column("applicant_signed_at", sa.DateTime, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.add_column("dongchang_access_request",
                  sa.Column("applicant_verified_by", sa.UnicodeText, nullable=True))
    op.add_column("dongchang_access_request",
                  sa.Column("applicant_verified_at", sa.DateTime, nullable=True))
    op.add_column("dongchang_access_request",
                  sa.Column("applicant_verification", sa.UnicodeText, nullable=False,
                            server_default=""))
    op.drop_column("dongchang_access_request", "agreement_accepted")


def downgrade():
    op.add_column("dongchang_access_request",
                  sa.Column("agreement_accepted", sa.Boolean, nullable=False,
                            server_default="false"))
    for column in ("applicant_verification", "applicant_verified_at", "applicant_verified_by"):
        op.drop_column("dongchang_access_request", column)
    op.drop_table("dongchang_access_agreement")
