"""Static checks over the extension's own sources (issue 14, items 4 and 6).

They fail as soon as a template marks a value safe, embeds a script other than a JSON data
block or a nonce'd one, carries an inline event handler, or a module writes CSV/XLSX without
the formula-safe writer in ``kernel/tables.py``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ckanext" / "dongchang"
TEMPLATES = sorted((PACKAGE / "templates").rglob("*.html"))
MODULES = sorted(PACKAGE.rglob("*.py"))

# Template file -> the exact expressions it may pass through |safe, with the reason. Empty:
# no template needs it (JSON for scripts goes through |tojson, line breaks through CSS).
KNOWN_SAFE: dict[str, set[str]] = {}

SAFE_FILTER = re.compile(r"([^{|]*?)\|\s*safe\b")
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
JSON_BLOCK_BODY = re.compile(r"\s*\{\{\s*[\w.\[\]'\" ]+\|\s*tojson\s*\}\}\s*")
EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.S)
TOJSON_END = re.compile(r"\|\s*tojson\s*$")
NONCE = re.compile(r"""\bnonce="\{\{\s*csp_nonce\(\)\s*\}\}\"""")
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
# Writing a table: csv.writer / DictWriter, or openpyxl's Workbook / cells.
TABLE_WRITERS = re.compile(r"\bcsv\.(writer|DictWriter)\b|\bWorkbook\b|\bWriteOnlyCell\b")
MARKUP = re.compile(r"\bMarkup\s*\(|\bliteral\s*\(|\bmarkupsafe\b")


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def test_there_are_templates_and_modules_to_check():
    assert len(TEMPLATES) > 20 and len(MODULES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=_name)
def test_item4_templates_mark_nothing_safe_that_is_not_known_safe(template):
    text = template.read_text(encoding="utf-8")
    used = {match.group(1).strip() for match in SAFE_FILTER.finditer(text)}
    assert used <= KNOWN_SAFE.get(_name(template), set()), (
        f"{_name(template)} passes {used} through |safe: escape it, or use |tojson for JSON")
    assert "autoescape false" not in text.replace(" ", " ")


@pytest.mark.parametrize("template", TEMPLATES, ids=_name)
def test_item4_templates_embed_only_json_data_blocks_or_nonced_scripts(template):
    for attributes, body in SCRIPT.findall(template.read_text(encoding="utf-8")):
        if 'type="application/json"' in attributes:
            assert JSON_BLOCK_BODY.fullmatch(body), (
                f"{_name(template)}: a JSON block must hold exactly one {{{{ value|tojson }}}}")
        else:
            assert NONCE.search(attributes), (
                f"{_name(template)}: an inline script needs nonce=\"{{{{ csp_nonce() }}}}\"")
            for expression in EXPRESSION.findall(body):
                assert TOJSON_END.search(expression), (
                    f"{_name(template)}: {{{{{expression}}}}} in a script must end in |tojson")


@pytest.mark.parametrize("template", TEMPLATES, ids=_name)
def test_item4_templates_have_no_inline_event_handlers_or_script_urls(template):
    text = template.read_text(encoding="utf-8")
    assert not EVENT_HANDLER.search(text), f"{_name(template)}: inline on…= handler (CSP)"
    assert "javascript:" not in text.lower(), f"{_name(template)}: javascript: URL (CSP)"


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_item4_python_builds_no_markup_from_text(module):
    assert not MARKUP.search(module.read_text(encoding="utf-8")), (
        f"{_name(module)} builds Markup/literal HTML: render a template instead")


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_item6_only_the_kernel_writer_writes_csv_or_xlsx(module):
    if _name(module) == "kernel/tables.py":
        return
    found = TABLE_WRITERS.search(module.read_text(encoding="utf-8"))
    assert not found, (f"{_name(module)} writes a table with {found.group(0)}: use "
                       "ckanext.dongchang.kernel.tables (formula-safe)")
