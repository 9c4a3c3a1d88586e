"""Traceable copies (issue 16 item 7): the pure fingerprint rules."""
from __future__ import annotations

from ckanext.dongchang.delivery.fingerprint import agreement, marked, order_key, trace

LINES = ["镇街,机构数"] + [f"街道{n},{n * 3}" for n in range(40)]
KEYS = {f"grant-{n}": order_key("secret", f"grant-{n}", "resource-1") for n in range(20)}


def test_f16_each_grant_gets_its_own_order_of_the_same_rows():
    copies = {grant: marked(LINES, key) for grant, key in KEYS.items()}
    assert all(copy[0] == LINES[0] and sorted(copy) == sorted(LINES) for copy in copies.values())
    assert len({tuple(copy) for copy in copies.values()}) == len(KEYS)
    assert marked(LINES, KEYS["grant-3"]) == copies["grant-3"]  # stable per grant


def test_f16_a_leaked_copy_names_its_grant_even_cut_and_padded():
    leaked = marked(LINES, KEYS["grant-7"])
    cut = leaked[:1] + leaked[5:30] + ["伪造,0"]
    for copy in (leaked, cut):
        ranking = trace(LINES, copy, KEYS)
        assert ranking[0][0] == "grant-7" and ranking[0][1] > 0.9
        assert ranking[1][1] < 0.5


def test_f16_agreement_is_one_for_the_same_order_and_minus_one_reversed():
    body = LINES[1:]
    assert agreement(body, body) == 1.0
    assert agreement(body, list(reversed(body))) == -1.0
    assert agreement(body, ["未知"]) == 0.0
