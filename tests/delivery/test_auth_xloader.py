"""xloader's auth functions, chained as the DataStore's, called directly (``call_auth``) on the
real database: registered only with the xloader plugin, so they have a module of their own
(``tests/delivery/test_auth.py`` has the world and the rows; issue 16 item 4, issue 15 rule 7)."""
from __future__ import annotations

import pytest

from tests.delivery.test_auth import WRITERS, world
from tests.delivery.test_xloader import XLOADER_PLUGINS
from tests.factories import who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", XLOADER_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

__all__ = ["world"]  # the fixture, shared with test_auth.py


@pytest.mark.parametrize("file", ["gated", "public"])
@pytest.mark.parametrize("auth", ["xloader_status", "xloader_submit"])
def test_r7_i16_a_files_load_is_its_departments(world, auth, file):
    """xloader asks ``resource_update`` for both (a load's status is the department's); our
    chain refuses first whoever may not use (status) or write (submit) the file."""
    assert who_may(auth, world["users"], resource_id=world["files"][file]) == WRITERS
