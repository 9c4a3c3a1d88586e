"""The workbench's auth function called directly (``call_auth``), on the real database: every
signed-in user has one, listing only their own work (issue 15 rule 7)."""
from __future__ import annotations

import pytest

from tests.conftest import PLUGINS
from tests.factories import cast, district, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


def test_r7_every_signed_in_user_has_a_workbench():
    people = cast(district())
    assert who_may("dongchang_workbench", people) == set(people)
