"""Shared fixtures. Integration tests use the real PostgreSQL, Solr and Redis of test.ini."""
from __future__ import annotations

import pytest

PLUGINS = "activity scheming_datasets scheming_organizations dcat dongchang"


@pytest.fixture
def dongchang_db(clean_db, clean_index, migrate_db_for):
    """A clean database with the plugins' own tables, and an empty search index."""
    migrate_db_for("activity")
