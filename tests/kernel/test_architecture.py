"""The package layout holds (issue 15): pure rules import no CKAN, and no two modules import
each other, directly or round a circle — also not from inside a function, where an import that
only hides a circle would otherwise go unnoticed. Pure: reads the source, no services."""
from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ckanext" / "dongchang"
ROOT_NAME = "ckanext.dongchang"
# Modules that state rules and must stay free of CKAN, the database and the web: the kernel's
# plain helpers, the working-day calendar and every domain's rules.
PURE_FILES = ("kernel/rules.py", "kernel/messages.py", "calendar/working_days.py")
# Libraries that are themselves plain data and code, with no service behind them.
PURE_LIBRARIES = {"holidays"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((ROOT_NAME, *parts))


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")
            if "migration" not in path.parts and "i18n" not in path.parts}


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file (``from a import b`` counts as
    ``a.b`` when that is a module of ours, else as ``a``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in _modules() else node.module)
    return found


def _pure_paths() -> list[Path]:
    paths = [PACKAGE / name for name in PURE_FILES]
    paths += PACKAGE.glob("*/rules.py")
    paths += PACKAGE.glob("*/rules/*.py")
    return sorted(set(paths))


def test_f15_pure_rules_import_no_ckan_no_database_no_web():
    allowed_ours = {_module_name(path) for path in _pure_paths()}
    assert len(allowed_ours) >= 10, "the pure modules were not found: has the layout changed?"
    offences = []
    for path in _pure_paths():
        for name in _imported(path):
            top = name.split(".")[0]
            ours = name.startswith(ROOT_NAME)
            if (ours and name not in allowed_ours and not name.endswith(".rules")) or (
                    not ours and top not in sys.stdlib_module_names | PURE_LIBRARIES):
                offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offences == []


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {other for other in _imported(path) if other in modules and other != name}
            for name, path in modules.items()}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for other in graph[todo.pop()] - seen:
            seen.add(other)
            todo.append(other)
    return seen


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The circles: modules that reach each other, in groups of more than one module."""
    reach = {node: _reachable(graph, node) for node in graph}
    found: list[list[str]] = []
    placed: set[str] = set()
    for node in sorted(graph):
        if node in placed or node not in reach[node]:
            continue
        component = sorted(other for other in reach[node] if node in reach[other])
        placed.update(component)
        found.append(component)
    return found


def test_f15_no_module_imports_round_a_circle():
    graph = _graph()
    assert len(graph) > 50, "the modules were not found: has the layout changed?"
    assert _cycles(graph) == []


def test_f15_the_circle_finder_finds_circles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
