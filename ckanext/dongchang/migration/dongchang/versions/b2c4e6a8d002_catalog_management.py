"""Catalog management: change events with deadlines, duplicate detection (placeholder).

Revision ID: b2c4e6a8d002
Revises: a1f3c0d2e001
Create Date: 2026-11-29
"""
revision = "b2c4e6a8d002"
down_revision = "a1f3c0d2e001"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
