"""Tenders for commercial use (placeholder).

Revision ID: c3d5f7b9e003
Revises: b2c4e6a8d002
Create Date: 2026-11-29
"""
revision = "c3d5f7b9e003"
down_revision = "b2c4e6a8d002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
