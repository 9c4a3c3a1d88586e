"""The translation catalogs are complete and current (F-15). Pure: reads files, no CKAN services.

Messages are marked with ``tk._`` (CKAN layer) and ``N_`` (policy layer, translated at display
time); ``ckanext/dongchang/i18n/update.sh`` re-extracts them and merges them into the catalogs.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ckanext" / "dongchang"
I18N = PACKAGE / "i18n"
DOMAIN = "ckanext-dongchang"
POT = I18N / f"{DOMAIN}.pot"
UPDATE = "run ckanext/dongchang/i18n/update.sh, then translate the new entries"

# A named placeholder with optional conversion flags, width and precision: %(name)s, %(n)05d.
_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@cache
def _catalog(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def _po(locale: str) -> Path:
    return I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _messages(catalog: Catalog) -> list:
    return [message for message in catalog if message.id]


def _ids(catalog: Catalog) -> set[str]:
    return {message.id for message in _messages(catalog)}


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's text forms: one, or one per plural form (ngettext)."""
    return text if isinstance(text, tuple) else (text,)


_POSITIONAL = re.compile(r"%[sdr]")


def _placeholders(text: str | tuple[str, ...]) -> set[str]:
    return {name for form in _forms(text) for name in _PLACEHOLDER.findall(form)}


@cache
def _extracted_from_source() -> frozenset[str]:
    """Every msgid marked with ``_`` or ``N_`` in the extension's Python code, extracted now."""
    extracted = extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords={"_": None, "N_": None},
    )
    return frozenset(message for _file, _line, message, _comments, _ctx in extracted)


def test_f15_the_template_holds_the_policy_and_validator_messages():
    sources = {location for message in _messages(_catalog(POT)) for location, _ in
               message.locations}
    assert any(path.endswith("/rules.py") for path in sources)  # the pure rules' N_ messages
    assert any(path.endswith("/service.py") for path in sources)
    assert "Give the basis in laws and regulations or relevant national documents for" \
        " conditional opening or not opening." in _ids(_catalog(POT))


def test_f15_every_message_has_a_chinese_translation_with_the_same_placeholders():
    chinese = _catalog(_po("zh_Hans_CN"))
    problems = []
    for template in _messages(_catalog(POT)):
        message = chinese.get(template.id)
        if message is None:
            problems.append(f"missing: {template.id!r}")
        elif not any(_forms(message.string)):
            problems.append(f"untranslated: {template.id!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {template.id!r}")
        elif _placeholders(message.string) != _placeholders(template.id):
            problems.append(f"placeholders differ: {template.id!r} -> {message.string!r}")
        elif not _CJK.search(" ".join(_forms(message.string))):
            problems.append(f"not Chinese: {template.id!r} -> {message.string!r}")
    assert not problems, f"{UPDATE}:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_f15_translations_fill_in_as_python_formats(locale):
    """A translation must accept the same mapping the code gives it (no stray % or %s)."""
    for message in _messages(_catalog(_po(locale))):
        if message.string and message.python_format:
            values = {name: "x" for name in _placeholders(message.id)}
            if not values:
                # CKAN's own msgids we override (i18n/core_terms.py) may be positional ("%s").
                values = ("x",) * len(_POSITIONAL.findall(_forms(message.id)[0]))
            for form in _forms(message.string):
                assert isinstance(form % values, str), message.id


def test_f15_english_catalog_is_the_source_language():
    english = _catalog(_po("en"))
    for template in _messages(_catalog(POT)):
        message = english.get(template.id)
        assert message is not None, f"{UPDATE}: {template.id!r}"
        assert message.string in ("", template.id)
        assert not message.fuzzy


@pytest.mark.parametrize(("locale", "plural_forms"), [
    ("zh_Hans_CN", "nplurals=1; plural=0;"),
    ("en", "nplurals=2; plural=(n != 1);"),
])
def test_f15_catalog_headers(locale, plural_forms):
    catalog = _catalog(_po(locale))
    assert str(catalog.locale_identifier) == locale
    assert catalog.plural_forms == plural_forms
    assert catalog.charset.lower() == "utf-8"
    assert not catalog.fuzzy, "a fuzzy header makes pybabel compile skip the catalog"


def test_f15_catalogs_are_not_stale():
    """Re-extract the Python sources: no marked message may be missing from the catalogs."""
    in_source = _extracted_from_source()
    assert in_source, "extraction found nothing: has the marking (_ / N_) changed?"
    for path in (POT, _po("zh_Hans_CN"), _po("en")):
        missing = sorted(in_source - _ids(_catalog(path)))
        assert not missing, f"{path.relative_to(ROOT)} lacks messages; {UPDATE}: {missing}"


def test_f15_policy_messages_are_all_in_the_chinese_catalog():
    """The pure rules' ``N_`` messages (``*/rules.py``, ``*/rules/*.py``) are all translated."""
    policy = {message for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(PACKAGE), method_map=[("**/rules.py", "python"), ("**/rules/*.py", "python")],
        keywords={"N_": None})}
    assert policy
    missing = sorted(policy - _ids(_catalog(_po("zh_Hans_CN"))))
    assert not missing, f"{UPDATE}: {missing}"
