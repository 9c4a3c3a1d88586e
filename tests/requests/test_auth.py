"""The access-request auth functions called directly (``call_auth``), on the real database:
who may apply, see, decide, withdraw and sign (Art. 20, 25; issue 15 rule 7).

The request is a citizen's, for a conditionally open entry of 区市场监督管理局, so the
providing department decides (``rules.deciding_authority``).
"""
from __future__ import annotations

import pytest

from tests.conftest import PLUGINS
from tests.entries import conditional
from tests.factories import AccessRequest, CatalogEntry, district, grant, may, staff, who_may

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def people():
    """Everyone towards one submitted request, by role (``who_may`` adds ``anonymous``)."""
    orgs = district()
    users = staff(orgs, ("scjg-admin", "scjg", "admin"), ("scjg-editor", "scjg", "editor"),
                  ("scjg-member", "scjg", "member"), ("rsj-official", "rsj", "member"),
                  ("bureau-admin", "bureau", "admin"), ("applicant", None, "member"),
                  ("stranger", None, "member"))
    entry = CatalogEntry(owner_org=orgs["scjg"], **conditional(share_class="unconditional"))
    request = AccessRequest(user=users["applicant"], dataset_id=entry["id"])
    return {"users": users, "request": request, "orgs": orgs, "entry": entry}


def _may(auth: str, who: str, people: dict, **data) -> bool:
    return may(auth, people["users"].get(who), **data)  # "anonymous" is nobody


DECIDERS = {"scjg-admin", "scjg-editor"}
APPLICANT = {"applicant"}

ON_THE_REQUEST = {
    "dongchang_access_request_show": {"applicant", "scjg-admin", "scjg-editor",
                                           "bureau-admin"},
    "dongchang_access_request_approve": DECIDERS,
    "dongchang_access_request_refuse": DECIDERS,
    "dongchang_access_request_return": DECIDERS,
    "dongchang_access_request_extend": DECIDERS,
    "dongchang_access_request_verify": DECIDERS,
    # the Bureau's security oversight may revoke any grant (Art. 27, site policy)
    "dongchang_access_request_revoke": {*DECIDERS, "bureau-admin"},
    # the providing department decides this one itself: there is no opinion to give
    "dongchang_access_request_opinion": set(),
    "dongchang_access_request_withdraw": APPLICANT,
    "dongchang_access_request_resubmit": APPLICANT,
    "dongchang_agreement_sign": {"applicant", "scjg-admin", "scjg-editor"},
}


@pytest.mark.parametrize(("auth", "row"), ON_THE_REQUEST.items(), ids=list(ON_THE_REQUEST))
def test_r7_who_may_act_on_a_citizens_request(people, auth, row):
    assert who_may(auth, people["users"], id=people["request"]["id"]) == row


@pytest.mark.parametrize("auth", ["dongchang_access_request_show",
                                  "dongchang_access_request_approve",
                                  "dongchang_access_request_withdraw",
                                  "dongchang_agreement_sign"])
def test_r7_an_unknown_request_is_refused_to_everyone(people, auth):
    assert not _may(auth, "scjg-admin", people, id="no-such-request")
    assert not _may(auth, "applicant", people, id="no-such-request")


@pytest.mark.parametrize(("who", "expected"), [("applicant", True), ("rsj-official", True),
                                               ("anonymous", False)])
def test_r7_any_logged_in_user_may_apply(people, who, expected):
    assert _may("dongchang_access_request_create", who, people) is expected


@pytest.mark.parametrize(("who", "org", "expected"), [
    ("applicant", None, True), ("anonymous", None, False),
    ("scjg-editor", "scjg", True), ("bureau-admin", "scjg", True),
    ("scjg-member", "scjg", False), ("rsj-official", "scjg", False), ("applicant", "scjg", False),
])
def test_r7_a_departments_request_list_is_its_editors_and_the_bureaus(people, who, org,
                                                                      expected):
    data = {"org": people["orgs"][org]["name"]} if org else {}
    assert _may("dongchang_access_request_list", who, people, **data) is expected


@pytest.mark.parametrize(("who", "expected"), [("bureau-admin", True), ("scjg-admin", False),
                                               ("applicant", False), ("anonymous", False)])
def test_r7_only_the_bureau_reads_the_audit_log(people, who, expected):
    assert _may("dongchang_audit_list", who, people) is expected


SHARE_ROWS = {
    # a company's share request: the city Bureau decides (the district Bureau stands in while
    # no city organisation is configured), the providing department gives its opinion
    "dongchang_access_request_approve": {"bureau-admin"},
    "dongchang_access_request_revoke": {"bureau-admin"},
    "dongchang_access_request_opinion": DECIDERS,
    "dongchang_access_request_show": {"applicant", "bureau-admin", *DECIDERS},
}


@pytest.mark.parametrize(("auth", "row"), SHARE_ROWS.items(), ids=list(SHARE_ROWS))
def test_r7_art20_the_city_bureau_decides_a_companys_share_request(people, auth, row):
    shared = grant(people["entry"], people["users"]["applicant"], [], kind="share",
                   applicant_kind="legal_person")
    assert who_may(auth, people["users"], id=shared.id) == row


def test_r7_the_request_picker_is_for_signed_in_users(people):
    assert who_may("dongchang_request_autocomplete", people["users"], q="养老") == set(
        people["users"])
