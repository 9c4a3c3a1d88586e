"""The configured purposes bind the rules, not only the form (Art. 25, F-14; issue 18 item 11)."""

from __future__ import annotations

import pytest

from ckanext.dongchang.kernel.messages import render
from ckanext.dongchang.requests.rules import PURPOSES, request_errors
from tests.requests.test_rules import request


def test_art25_by_default_every_purpose_of_the_regulation_is_accepted():
    assert request_errors(request(purpose="social_services")) == {}
    assert request_errors(request(purpose="social_services"), allowed_purposes=PURPOSES) == {}


@pytest.mark.parametrize("purpose", ["social_services", "urban_governance"])
def test_art25_a_purpose_the_site_does_not_offer_is_refused(purpose):
    errors = request_errors(request(purpose=purpose),
                            allowed_purposes=("innovation", "research"))
    assert list(errors) == ["purpose"]
    assert "not accepted" in render(errors["purpose"][0])


def test_art25_an_offered_purpose_is_accepted():
    assert request_errors(request(purpose="innovation"),
                          allowed_purposes=("innovation", "research")) == {}


def test_art25_configuring_an_unknown_purpose_does_not_make_it_valid():
    errors = request_errors(request(purpose="fun"), allowed_purposes=(*PURPOSES, "fun"))
    assert list(errors) == ["purpose"]
