"""The department auth function called directly (``call_auth``), on the real database: the
Bureau creates departments although the site lets no one else create organisations (F-1;
issue 15 rule 7)."""
from __future__ import annotations

import pytest

from tests.conftest import PLUGINS
from tests.factories import cast, district, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", "false")
def test_r7_f1_only_the_bureau_creates_departments():
    assert who_may("organization_create", cast(district()), name="dcf-new") == {
        "bureau-admin", "sysadmin"}


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", "true")
def test_r7_f1_where_the_site_lets_users_create_organisations_ckan_decides():
    people = cast(district())
    assert who_may("organization_create", people, name="dcf-new") == set(people)
