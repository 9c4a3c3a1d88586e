"""The portal's auth function called directly (``call_auth``), on the real database: the home
page's figures are public, like the page (issue 15 rule 7)."""
from __future__ import annotations

import pytest

from tests.conftest import PLUGINS
from tests.factories import cast, district, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def test_r7_the_portal_figures_are_public():
    people = cast(district())
    assert who_may("dongchang_portal_figures", people) == {*people, "anonymous"}
