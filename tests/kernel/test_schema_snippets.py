"""Every template a scheming schema names exists (pure: reads files, no CKAN services).

The restructure moved templates under ``templates/dongchang/<domain>/``; a schema still naming
the old place renders a 500 on the form or page that uses the field, which only a test that
opens that very page would notice. This one checks every schema field at once.
"""
from __future__ import annotations

from pathlib import Path

import ckanext.scheming
import pytest
import yaml

PACKAGE = Path(__file__).resolve().parents[2] / "ckanext" / "dongchang"
SCHEMING = Path(ckanext.scheming.__file__).resolve().parent / "templates" / "scheming"
KINDS = {"form_snippet": "form_snippets", "display_snippet": "display_snippets"}


def _named_snippets():
    for schema in sorted((PACKAGE / "schemas").glob("*.yaml")):
        document = yaml.safe_load(schema.read_text(encoding="utf-8")) or {}
        for key in ("dataset_fields", "resource_fields", "fields"):
            for field in document.get(key) or []:
                for kind in KINDS:
                    if field.get(kind):
                        yield schema.name, field["field_name"], kind, field[kind]


def _exists(kind: str, name: str) -> bool:
    """scheming reads a name with a folder as a template path, a bare name as one of its
    ``scheming/form_snippets`` (or ``display_snippets``), which our templates may override."""
    if "/" in name:
        candidates = [PACKAGE / "templates" / name]
    else:
        candidates = [root / "scheming" / KINDS[kind] / name
                      for root in (PACKAGE / "templates", SCHEMING.parent)]
    return any(path.is_file() for path in candidates)


def test_schemas_name_snippets():
    assert list(_named_snippets()), "no schema names a snippet: has the schema layout changed?"


@pytest.mark.parametrize(("schema", "field", "kind", "name"), list(_named_snippets()))
def test_every_snippet_a_schema_names_exists(schema, field, kind, name):
    assert _exists(kind, name), f"{schema}: {field}'s {kind} {name} is not a template"
