"""The access-request auth functions called directly (``call_auth``), on the real database:
who may apply, see, decide, withdraw and sign (Art. 20, 25; issue 15 rule 7).

The request is a citizen's, for a conditionally open entry of 区市场监督管理局, so the
providing department decides (``rules.deciding_authority``).
"""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from tests.conftest import PLUGINS
from tests.entries import conditional
from tests.factories import AccessRequest, Bureau, CatalogEntry, Department, Official

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]


@pytest.fixture
def people():
    """Everyone towards one submitted request, by role; ``anonymous`` is nobody."""
    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    rsj = Department(name="dcf-rsj", title="区人力资源和社会保障局")
    bureau = Bureau()
    names = {"scjg-admin": (scjg, "admin"), "scjg-editor": (scjg, "editor"),
             "scjg-member": (scjg, "member"), "rsj-official": (rsj, "member"),
             "bureau-admin": (bureau, "admin"), "applicant": (None, "member"),
             "stranger": (None, "member")}
    users = {name: Official(name=name, department=org, capacity=capacity)
             for name, (org, capacity) in names.items()}
    entry = CatalogEntry(owner_org=scjg, **conditional(share_class="unconditional"))
    request = AccessRequest(user=users["applicant"], dataset_id=entry["id"])
    return {"users": users, "request": request, "orgs": {"scjg": scjg, "rsj": rsj}}


def _may(auth: str, who: str, people: dict, **data) -> bool:
    user = people["users"][who]["name"] if who != "anonymous" else ""
    try:
        return helpers.call_auth(auth, {"user": user}, **data)
    except tk.NotAuthorized:
        return False


PEOPLE = ["applicant", "scjg-admin", "scjg-editor", "scjg-member", "rsj-official",
          "bureau-admin", "stranger", "anonymous"]


def _row(allowed: set[str]) -> dict[str, bool]:
    """One row of the matrix: who (of ``PEOPLE``) is allowed."""
    return {who: who in allowed for who in PEOPLE}


DECIDERS = _row({"scjg-admin", "scjg-editor"})
APPLICANT = _row({"applicant"})

ON_THE_REQUEST = {
    "dongchang_access_request_show": _row({"applicant", "scjg-admin", "scjg-editor",
                                           "bureau-admin"}),
    "dongchang_access_request_approve": DECIDERS,
    "dongchang_access_request_refuse": DECIDERS,
    "dongchang_access_request_return": DECIDERS,
    "dongchang_access_request_withdraw": APPLICANT,
    "dongchang_access_request_resubmit": APPLICANT,
    "dongchang_agreement_sign": _row({"applicant", "scjg-admin", "scjg-editor"}),
}


@pytest.mark.parametrize(("auth", "row"), ON_THE_REQUEST.items(), ids=list(ON_THE_REQUEST))
def test_r7_who_may_act_on_a_citizens_request(people, auth, row):
    assert {who: _may(auth, who, people, id=people["request"]["id"]) for who in PEOPLE} == row


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
