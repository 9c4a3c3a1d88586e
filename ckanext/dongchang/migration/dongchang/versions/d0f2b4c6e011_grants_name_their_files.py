"""Grants name their files (issue 16 item 2).

Before this revision an approved request with no ``resource_ids`` covered the whole entry;
from now on a grant covers exactly the resources it lists (an empty list covers none). Grants
in force keep what they covered: their list becomes every active resource the entry had at
this upgrade. Each file still has to be of the grant's version (``audience``: ``open`` for an
open request, ``shared`` for a share request) on every request, so a file without a declared
audience on a conditional entry is not handed out until the department labels it.

Revision ID: d0f2b4c6e011
Revises: c9e1a3b5d010
Create Date: 2026-12-03
"""
from alembic import op

revision = "d0f2b4c6e011"
down_revision = "c9e1a3b5d010"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        UPDATE dongchang_access_request AS r
        SET resource_ids = COALESCE((
            SELECT jsonb_agg(res.id ORDER BY res.position)
            FROM resource AS res
            WHERE res.package_id = r.dataset_id AND res.state = 'active'), '[]'::jsonb)
        WHERE r.state = 'approved' AND r.resource_ids = '[]'::jsonb
    """)


def downgrade():
    """The lists stay: under the old meaning a list also covered exactly its resources."""
