"""Tests use CKAN's public surface only (issue 15 rule 7): no test imports a private CKAN
module or name (``ckan.x._y``, ``from ckan.x import _y``), so a CKAN upgrade breaks the
extension's tests only where it breaks a public contract. Pure: reads the source, no CKAN."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

# Deliberate exceptions, each with why no public way exists.
ALLOWED = {
    # CKAN's action registry: the only complete list of the actions a site answers (core and
    # every IActions plugin, chained ones included); the sweeps must see actions nobody listed.
    ("system/test_fuzz_actions.py", "ckan.logic._actions"),
    ("system/test_leak_sweep.py", "ckan.logic._actions"),
}


def _is_ckan(module: str) -> bool:
    return module == "ckan" or module.startswith("ckan.")


def _private(dotted: str) -> bool:
    return any(part.startswith("_") for part in dotted.split("."))


def private_ckan_imports(source: str) -> list[str]:
    """The private CKAN modules and names ``source`` imports, as dotted paths."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and _is_ckan(node.module or ""):
            found += [f"{node.module}.{alias.name}" for alias in node.names
                      if _private(f"{node.module}.{alias.name}")]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names
                      if _is_ckan(alias.name) and _private(alias.name)]
    return found


def test_r7_the_checker_sees_private_modules_and_names():
    source = ("from ckan.lib import _private_thing\nimport ckan.lib._internal\n"
              "from ckan.logic._impl import helper\nfrom ckan.tests import helpers\n"
              "from ckanext.dongchang import _ours\n")
    assert private_ckan_imports(source) == [
        "ckan.lib._private_thing", "ckan.lib._internal", "ckan.logic._impl.helper"]


def test_r7_no_test_imports_a_private_ckan_module_or_name():
    offending = sorted(
        (path.relative_to(TESTS).as_posix(), name)
        for path in TESTS.rglob("*.py")
        for name in private_ckan_imports(path.read_text(encoding="utf-8")))
    assert [item for item in offending if item not in ALLOWED] == []


# Calls whose answer changes while the suite runs: read at collection, they are stale for the
# tests that run after midnight (the suite takes most of an hour; session 7's run crossed
# midnight and 14 tests compared the site's today with yesterday).
CLOCK_CALLS = frozenset({"today", "now", "utcnow"})


def clock_read_at_import(source: str) -> list[int]:
    """Lines where a statement run at import reads the clock: module-level code and decorators
    (``parametrize``), not function bodies."""
    lines = []
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            run_at_import: list[ast.AST] = list(statement.decorator_list)
        else:
            run_at_import = [statement]
        lines += [node.lineno for part in run_at_import for node in ast.walk(part)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in CLOCK_CALLS]
    return lines


def test_i15_the_clock_guard_finds_a_module_level_today():
    assert clock_read_at_import("import datetime as dt\nTODAY = dt.date.today()\n") == [2]
    assert clock_read_at_import("def f():\n    return dt.date.today()\n") == []
    assert clock_read_at_import("@mark(dt.date.today())\ndef f():\n    pass\n") == [1]


def test_i15_no_test_module_reads_the_clock_at_import():
    stale = {str(path.relative_to(TESTS)): lines for path in TESTS.rglob("*.py")
             if (lines := clock_read_at_import(path.read_text(encoding="utf-8")))}
    assert stale == {}, "read the date inside the test or fixture, not at import"
