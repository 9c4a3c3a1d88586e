"""The shared fixtures (issue 15 rule 7): ``clean_db`` is overridden as ckanext-activity and
ckanext-dcat do, so CKAN's own fixtures get the plugins' tables and the guarded logs."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan import model

from tests.conftest import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.usefixtures("with_plugins", "clean_db")]


def test_r7_clean_db_brings_the_plugin_tables_empty():
    for table in ("dongchang_access_request", "dongchang_tender", "dongchang_audit_event",
                  "activity"):
        assert model.Session.execute(sa.text(f"select count(*) from {table}")).scalar() == 0


def test_r7_clean_db_leaves_the_audit_log_append_only():
    enabled = model.Session.execute(sa.text(
        "select tgenabled from pg_trigger where not tgisinternal"
        " and tgrelid = 'dongchang_audit_event'::regclass")).scalars().all()
    assert enabled and set(enabled) == {"O"}
