"""The tender page asks the rules which of the Bureau's actions are open (issue 15 rule 3)."""
from __future__ import annotations

import pytest

from ckanext.dongchang.tenders import rules


@pytest.mark.parametrize(("state", "expected"), [
    ("announced", ["update", "cancel"]),
    ("bidding_closed", ["update", "award", "cancel"]),
    ("awarded", ["cancel"]),
    ("cancelled", []),
    ("ended", []),
])
def test_f6_open_actions_follow_the_lifecycle(state, expected):
    assert rules.open_actions(state) == expected


def test_f6_every_state_and_method_has_a_label():
    assert set(rules.STATE_LABELS) == set(rules.STATES)
    assert set(rules.METHOD_LABELS) == set(rules.METHODS)
