"""Recognised departments: every organisation gets the ``is_department`` flag (F-1, issue 14).

Until now membership of *any* organisation made a user a government user, and any registered
user could create one (CKAN's default ``ckan.auth.user_create_organizations = true``). Existing
organisations are marked as the Bureau would have recognised them, so current sites keep
working without trusting what a user made for themselves:

* recognised (``"true"``): organisations a sysadmin created (the ``new organization`` activity
  names the creator; the demo loader and the documented setup create departments as the site
  user), organisations whose entries the Bureau has published (it reviewed them as a
  department's), the Bureau's own organisation (flagged or configured);
* not recognised (``"false"``): every other organisation — made by a non-sysadmin, or by
  nobody known, with nothing published — and the data-product registry, which is no department.
  They are logged; the Bureau recognises a real department with
  ``organization_patch {"id": …, "is_department": "true"}`` or the organisation's edit form.

Organisations that already carry the flag are left as they are.

Revision ID: a7c9e1f3b007
Revises: f6a8b0d2c006
Create Date: 2026-12-03
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = "a7c9e1f3b007"
down_revision = "f6a8b0d2c006"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

_CREATED_BY_SYSADMIN = """
    OR EXISTS (SELECT 1 FROM activity a JOIN "user" u ON u.id = a.user_id
               WHERE a.object_id = g.id AND a.activity_type = 'new organization'
                 AND u.sysadmin)"""

_MARK = """
UPDATE "group" g
SET extras = COALESCE(g.extras, '{{}}'::jsonb) || jsonb_build_object(
    'is_department',
    CASE WHEN g.name <> :products_org AND (
             COALESCE(g.extras ->> 'is_bureau', '') = 'true'
             OR g.name = :bureau_org
             OR EXISTS (SELECT 1 FROM package p
                        WHERE p.owner_org = g.id AND p.type = 'dataset' AND p.state = 'active'
                          AND p.extras ->> 'catalog_state' = 'published')
             {created_by_sysadmin})
         THEN 'true' ELSE 'false' END)
WHERE g.is_organization AND NOT (COALESCE(g.extras, '{{}}'::jsonb) ? 'is_department')
RETURNING g.name, g.extras ->> 'is_department'
"""


def _setting(key: str, default: str) -> str:
    """A site option, when the migration runs inside ``ckan db upgrade`` (else the default)."""
    try:
        from ckan.plugins.toolkit import config

        return config.get(key) or default
    except Exception:  # noqa: BLE001 - outside a CKAN app: plain defaults
        return default


def upgrade():
    bind = op.get_bind()
    has_activity = bind.execute(sa.text("SELECT to_regclass('activity') IS NOT NULL")).scalar()
    statement = _MARK.format(created_by_sysadmin=_CREATED_BY_SYSADMIN if has_activity else "")
    rows = bind.execute(sa.text(statement), {
        "products_org": _setting("ckanext.dongchang.products_org", "dcf-products"),
        "bureau_org": _setting("ckanext.dongchang.bureau_org", ""),
    }).all()
    unrecognised = sorted(name for name, flag in rows if flag != "true")
    if unrecognised:
        log.warning("Organisations not recognised as departments (their members are no longer"
                    " government users; the Bureau can recognise them): %s",
                    ", ".join(unrecognised))


def downgrade():
    op.execute("UPDATE \"group\" SET extras = extras - 'is_department' WHERE is_organization")
