"""The data products' auth functions called directly (``call_auth``), on the real database:
product records and citations are public, a registrant must be known, only the Bureau follows
the utilisation of granted data (F-7; issue 15 rule 7)."""
from __future__ import annotations

import pytest

from tests.conftest import PLUGINS
from tests.factories import cast, district, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def people():
    return cast(district())


SIGNED_IN = {"scjg-admin", "scjg-editor", "scjg-member", "rsj-admin", "bureau-admin",
             "bureau-member", "citizen", "sysadmin"}

ROWS = {
    "dongchang_product_register": SIGNED_IN,
    "dongchang_product_proposed_source": SIGNED_IN,
    "dongchang_product_citation": {*SIGNED_IN, "anonymous"},
    "dongchang_product_list": {*SIGNED_IN, "anonymous"},
    "dongchang_utilisation": {"bureau-admin", "sysadmin"},
}


@pytest.mark.parametrize(("auth", "row"), ROWS.items(), ids=list(ROWS))
def test_r7_f7_who_may_register_cite_and_follow_products(people, auth, row):
    assert who_may(auth, people) == row
