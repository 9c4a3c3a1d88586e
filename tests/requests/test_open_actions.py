"""The request page asks the rules which actions are open (issue 15 rule 3)."""
from __future__ import annotations

import pytest

from ckanext.dongchang.requests import rules

DECIDER = {"approve", "refuse", "return", "extend", "revoke", "verify", "sign", "opinion"}
APPLICANT = {"resubmit", "withdraw", "sign"}


@pytest.mark.parametrize(("state", "allowed", "done", "expected"), [
    ("submitted", DECIDER, (), ["approve", "refuse", "return", "extend", "verify", "opinion"]),
    ("submitted", DECIDER, ("extend", "verify"), ["approve", "refuse", "return", "opinion"]),
    ("approved", DECIDER, (), ["revoke", "sign"]),
    ("returned", APPLICANT, (), ["resubmit", "withdraw"]),
    ("submitted", APPLICANT, (), ["withdraw"]),
    ("approved", APPLICANT, (), ["sign"]),
    ("refused", DECIDER | APPLICANT, (), []),
    ("withdrawn", DECIDER | APPLICANT, (), []),
])
def test_f4_open_actions_follow_the_state_machine(state, allowed, done, expected):
    assert rules.open_actions(state, allowed, done) == expected


def test_f4_nothing_is_open_to_someone_with_no_part_in_the_request():
    assert rules.open_actions("submitted", set()) == []
