"""Who recognises departments (policy.departments; issue 14 item 2, F-1)."""
from __future__ import annotations

import pytest

from ckanext.dongchang.departments.rules import department_flag, is_department


@pytest.mark.parametrize(("requested", "bureau", "expected"), [
    (None, True, "true"), ("false", True, "false"), ("true", True, "true"),
    (None, False, "false"), ("false", False, "false"),
])
def test_f1_new_organisation_takes_the_creators_default(requested, bureau, expected):
    assert department_flag(requested, None, creating=True, actor_is_bureau=bureau) == (
        expected, None)


def test_f1_only_the_bureau_recognises_a_department():
    flag, error = department_flag("true", None, creating=True, actor_is_bureau=False)
    assert flag == "false" and error
    flag, error = department_flag("true", "false", creating=False, actor_is_bureau=False)
    assert flag == "false" and error
    flag, error = department_flag("false", "true", creating=False, actor_is_bureau=False)
    assert flag == "true" and error
    assert department_flag("true", "false", creating=False, actor_is_bureau=True) == ("true", None)


@pytest.mark.parametrize("stored", ["true", "false"])
def test_f1_an_edit_without_the_flag_keeps_it(stored):
    assert department_flag(None, stored, creating=False, actor_is_bureau=False) == (stored, None)
    assert department_flag(stored, stored, creating=False, actor_is_bureau=False) == (stored, None)


def test_f1_only_the_flag_true_makes_a_department():
    assert is_department({"is_department": "true"})
    assert not is_department({"is_department": "false"})
    assert not is_department({})
    assert not is_department(None)
