"""Shared fixtures. Integration tests use the real PostgreSQL, Solr and Redis of test.ini."""
from __future__ import annotations

import pytest

PLUGINS = "dongchang activity scheming_datasets scheming_organizations dcat"


@pytest.fixture
def dongchang_db(clean_db, clean_index, migrate_db_for):
    """A clean database with the plugins' own tables, and an empty search index."""
    migrate_db_for("activity")
    migrate_db_for("dongchang")


@pytest.fixture
def sysadmin():
    from ckan.tests import factories

    return factories.Sysadmin()
