"""Every request code a page names has its label next to it in the rules (issue 15 rule 3)."""
from __future__ import annotations

from ckanext.dongchang.requests import rules


def test_f4_every_code_has_a_label():
    assert set(rules.STATE_LABELS) == set(rules.STATES)
    assert set(rules.PURPOSE_LABELS) == set(rules.PURPOSES)
    assert set(rules.APPLICANT_KIND_LABELS) == set(rules.APPLICANT_KINDS)
    assert set(rules.LABELS) == {"purpose", "applicant_kind", "state", "request_kind"}
