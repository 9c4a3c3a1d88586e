"""The evaluation's auth functions called directly (``call_auth``), on the real database: the
Bureau evaluates and records rectification items; departments see their own figures, items and
freshness (the actions narrow the rows), the public none (Art. 6, F-12; issue 15 rule 7)."""
from __future__ import annotations

import pytest

from tests.conftest import PLUGINS
from tests.factories import cast, district, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

BUREAU = {"bureau-admin", "sysadmin"}
DEPARTMENTS_AND_BUREAU = {"scjg-admin", "scjg-editor", "scjg-member", "rsj-admin",
                          "bureau-member", *BUREAU}

ROWS = {
    "dongchang_evaluation": DEPARTMENTS_AND_BUREAU,
    "dongchang_rectification_list": DEPARTMENTS_AND_BUREAU,
    "dongchang_freshness_list": DEPARTMENTS_AND_BUREAU,
    "dongchang_rectification_create": BUREAU,
    "dongchang_rectification_close": BUREAU,
}


@pytest.fixture
def people():
    return cast(district())


@pytest.mark.parametrize(("auth", "row"), ROWS.items(), ids=list(ROWS))
def test_r7_f12_who_may_see_and_keep_the_evaluation(people, auth, row):
    assert who_may(auth, people) == row
