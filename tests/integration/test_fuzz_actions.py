"""Generated payloads against every ``dongchang_*`` action: never a 500, never a partial write
(issue 10). The action list is read from CKAN at run time, so new actions are fuzzed too."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.logic import _actions
from ckan.tests import factories
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PLUGINS
from tests.entries import conditional, create_entry

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "dongchang_db"),
]

FIELDS = ["id", "dataset_id", "resource_ids", "purpose", "applicant_kind", "use_scenario",
          "reason", "valid_until", "period_start", "period_end", "org", "page", "limit",
          "state", "overdue", "open_class", "tender_id", "decision", "trigger", "occurred_on",
          "dataset_ids", "method", "awardee", "sources", "public_interest_attested"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
    st.text(max_size=30), st.text(min_size=5000, max_size=6000),
    st.sampled_from(["", " ", "2026-02-30", "9999-99-99", "../../etc/passwd", "<script>",
                     "' OR 1=1 --", "submitted", "approved", "commercial", "research",
                     "unconditional", "\u0000", "东昌府区"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6)
PAYLOADS = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6)

_TABLES = ("dongchang_access_request", "dongchang_audit_event", "package")


def _dongchang_actions() -> list[str]:
    from ckan.logic import get_action
    get_action("package_show")  # make sure CKAN has collected the plugins' actions
    return sorted(name for name in _actions if name.startswith("dongchang_"))


def _counts() -> dict[str, int]:
    model.Session.remove()
    return {table: model.Session.execute(sa.text(f"select count(*) from {table}")).scalar()
            for table in _TABLES}


@pytest.fixture
def fuzz_world(sysadmin):
    org = factories.Organization()
    citizen = factories.User()
    entry = create_entry(sysadmin, org["id"], **conditional(share_class="unconditional"))
    return {"citizen": factories.APIToken(user=citizen["name"])["token"],
            "bureau": factories.APIToken(user=sysadmin["name"])["token"], "entry": entry}


def test_f13_every_dongchang_action_survives_generated_payloads(app, fuzz_world):
    actions = _dongchang_actions()
    assert "dongchang_access_request_create" in actions
    failures = []

    for action in actions:  # the shapes that found real 500s, for every action
        for bad_id in ({}, [], 0, None, ["x"]):
            response = app.post(f"/api/3/action/{action}", json={"id": bad_id},
                                headers={"Authorization": fuzz_world["bureau"]},
                                expect_errors=True)
            if response.status_code >= 500:
                failures.append((action, {"id": bad_id}, response.status_code))

    @settings(max_examples=60, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(payload=PAYLOADS, as_bureau=st.booleans(), action=st.sampled_from(actions))
    def run(payload, as_bureau, action):
        token = fuzz_world["bureau" if as_bureau else "citizen"]
        before = _counts()
        response = app.post(f"/api/3/action/{action}", json=payload,
                            headers={"Authorization": token}, expect_errors=True)
        if response.status_code >= 500:
            failures.append((action, payload, response.status_code))
            return
        body = response.json
        if not body.get("success"):
            assert _counts() == before, (action, payload, "partial write on error")

    run()
    assert failures == [], failures
