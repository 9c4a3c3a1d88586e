"""Steps from an approved request to a grant in force (Art. 20 ¶3, Art. 25 ¶4).

A non-government applicant's grant starts only once both sides have signed its agreement;
tests that need such a grant take these steps after the approval.
"""
from __future__ import annotations

SECURITY_MEASURES = "专网存储，访问留痕，不对外提供"


def sign_agreement(applicant, decider, request_id: str,
                   security_measures: str = SECURITY_MEASURES) -> dict:
    """Both sides sign (``applicant`` and ``decider`` are ``tests.api.Api``-like clients with
    ``ok``); returns the complete agreement."""
    decider.ok("dongchang_agreement_sign", id=request_id)
    agreement = applicant.ok("dongchang_agreement_sign", id=request_id,
                             security_measures=security_measures)
    assert agreement["complete"] is True
    return agreement


def verify_applicant(decider, request_id: str, note: str = "营业执照统一社会信用代码已核验"):
    """The deciding side records its check of a declared legal person or institution."""
    return decider.ok("dongchang_access_request_verify", id=request_id, verification=note)
