"""Every auth function the plugin registers is called directly (issue 15 rule 7): each name
must appear, as a string, in a ``tests/<domain>/test_auth*.py`` module, whose rows ask it with
``who_may``/``call_auth`` for each person. Pure: reads the registry and the test sources, no
services."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ckanext.dongchang import registry
from ckanext.dongchang.delivery import datastore

TESTS = Path(__file__).resolve().parents[1]


def auth_modules() -> list[Path]:
    """``tests/<domain>/test_auth*.py``, this guard aside."""
    return sorted(path for path in TESTS.glob("*/test_auth*.py")
                  if path != Path(__file__).resolve())


def registered(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The names the plugin registers on a site with every plugin it chains loaded (the
    DataStore's and xloader's chains exist only with those plugins)."""
    monkeypatch.setattr(datastore, "plugin_loaded", lambda name: True)
    return set(registry.auth_functions())


def asked(paths: list[Path]) -> set[str]:
    """Every string constant in the test_auth modules: the names their rows ask."""
    return {node.value for path in paths for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_i15_every_auth_function_has_a_call_auth_row(monkeypatch):
    assert not registered(monkeypatch) - asked(auth_modules())


def test_i15_the_guard_sees_a_name_no_row_asks(monkeypatch):
    modules = [path for path in auth_modules() if path.parent.name != "portal"]
    assert registered(monkeypatch) - asked(modules) == {"dongchang_portal_figures"}
