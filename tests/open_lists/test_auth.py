"""The open lists' auth function called directly (``call_auth``), on the real database: the
lists hold only what the public may already see, so everyone may read them (Art. 23, F-8;
issue 15 rule 7)."""
from __future__ import annotations

import pytest

from tests.conftest import PLUGINS
from tests.factories import cast, district, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def test_r7_art23_the_open_lists_are_public():
    people = cast(district())
    assert who_may("dongchang_open_list", people, open_class="unconditional") == {
        *people, "anonymous"}
