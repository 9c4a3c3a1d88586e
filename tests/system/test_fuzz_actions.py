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


# --- issue 14, item 9: every registered action, every payload class, three audiences ---------

def _all_actions() -> list[str]:
    from ckan.logic import get_action
    get_action("package_show")
    return sorted(_actions)


NUL = "a\u0000b"
_NUL_FIELDS = ("id", "name", "org", "state", "reason", "object_id", "org_id", "q", "query",
               "user", "dataset_id", "title")
# One entry per class; JSON payloads go through the action, raw bodies through the guard.
PAYLOAD_CLASSES: list[tuple[str, object]] = [
    ("nul in every string field", {field: NUL for field in _NUL_FIELDS}),
    ("nul in a key", {NUL: "x"}),
    ("lists for scalars", {"id": ["x"], "limit": ["x"], "page": ["x"], "rows": [],
                           "query": [1, {}], "offset": []}),
    ("objects for scalars", {"id": {}, "owner_org": {}, "limit": {}, "page": {}, "q": {},
                             "tags": {}, "order_by": {}}),
    ("huge and odd numbers", {"page": 1e308, "limit": 2**64, "rows": 2**64, "offset": -1,
                              "owner_org": 2**64, "content": 1.5, "include_data": 2**64}),
    ("number strings", {"page": "99999999999999999999", "limit": " ", "rows": "\n",
                        "offset": "1e999", "include_private": "maybe", "order_by": "__class__"}),
    ("booleans for text", {"id": True, "owner_org": True, "tags": "x", "org": False,
                           "name": True, "query": True, "order_by": "__init__"}),
    ("deep nesting", b'{"id": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
    ("invalid utf-8", b'{"id": "\xff\xfe\xc3("}'),
    ("non-finite numbers", b'{"id": "x", "limit": 1e999, "page": NaN, "offset": -Infinity}'),
    ("not an object", b'[1, 2, 3]'),
    ("form body with nul", None),
]
_AUDIENCES = ("anonymous", "citizen", "bureau")
# Deterministic order; the exceptions are actions that would end the test's own session.
_SKIPPED = {"api_token_revoke", "user_delete", "job_clear"}


class _Crashed:
    """The test client re-raises a view's exception; in production that is a 500."""

    def __init__(self, error: Exception):
        self.status_code = f"500 {type(error).__name__}: {str(error)[:120]}"


def _answer(send):
    try:
        return send()
    except Exception as error:  # noqa: BLE001 - any uncaught exception is the failure we count
        return _Crashed(error)


def _is_5xx(response) -> bool:
    return isinstance(response, _Crashed) or response.status_code >= 500


def _post(app, action, payload, token):
    return _answer(lambda: _send(app, action, payload, token))


def _send(app, action, payload, token):
    headers = {"Authorization": token} if token else {}
    url = f"/api/3/action/{action}"
    if payload is None:
        return app.post(url, data={"id": NUL, "q": NUL}, headers=headers, expect_errors=True)
    if isinstance(payload, bytes):
        headers["Content-Type"] = "application/json"
        return app.post(url, data=payload, headers=headers, expect_errors=True)
    return app.post(url, json=payload, headers=headers, expect_errors=True)


def test_f13_every_registered_action_answers_each_payload_class_without_5xx(app, fuzz_world):
    """Every action CKAN has (core, activity, dcat, ours) × every payload class, each class
    once per action, the audience rotating: no 5xx, and an error never leaves a write."""
    actions = [a for a in _all_actions() if a not in _SKIPPED]
    assert "package_search" in actions and "dongchang_open_list" in actions
    tokens = {"anonymous": None, **fuzz_world}
    failures = []
    for index, action in enumerate(actions):
        for number, (name, payload) in enumerate(PAYLOAD_CLASSES):
            audience = _AUDIENCES[(index + number) % len(_AUDIENCES)]
            mine = action.startswith("dongchang_")
            before = _counts() if mine else None
            response = _post(app, action, payload, tokens[audience])
            if _is_5xx(response):
                failures.append((action, name, audience, response.status_code))
            elif mine and response.status_code >= 400 and _counts() != before:
                failures.append((action, name, audience, "partial write on error"))
    assert failures == [], "\n".join(map(str, failures))


def test_f13_our_actions_answer_each_payload_class_for_every_audience(app, fuzz_world):
    tokens = {"anonymous": None, **fuzz_world}
    failures = []
    for action in _dongchang_actions():
        for name, payload in PAYLOAD_CLASSES:
            for audience in _AUDIENCES:
                response = _post(app, action, payload, tokens[audience])
                if _is_5xx(response):
                    failures.append((action, name, audience, response.status_code))
    assert failures == [], "\n".join(map(str, failures))


def test_f13_the_guard_answers_in_the_api_error_shape(app):
    """A bad field is a validation error (409, as CKAN answers one); an unreadable body a 400."""
    response = app.post("/api/3/action/package_show", json={"id": NUL}, expect_errors=True)
    assert response.status_code == 409
    body = response.json
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert "id" in body["error"]
    zh = app.post("/zh_Hans_CN/api/3/action/package_show", data=b'{"id": "\xff"}',
                  headers={"Content-Type": "application/json"}, expect_errors=True)
    assert zh.status_code == 400 and zh.json["success"] is False


PAGES = [
    "/api/2/util/user/autocomplete", "/api/2/util/user/autocomplete?q=a",
    "/dataset/changes_multiple", "/dataset/changes_multiple?new_id=x&old_id=y",
    "/catalog.ttl?q=a%20b", "/catalog.ttl?q=a b&page=2", "/catalog.rdf?q=%22x%22%20y",
    "/catalog.ttl?page=99999999999999999999", "/dataset/a%00b", "/dataset/?q=a%00b",
    "/dataset/?page=99999999999999999999", "/organization/a%00b", "/open-list/?org=a%00b",
    "/api/3/action/package_search?q=a%00b", "/api/3/action/package_search?rows=x",
    "/api/3/action/package_search?include_private=maybe",
    "/api/3/action/package_show?id=%ff%fe", "/dataset/%ff%fe",
    "/catalog.ttl?q=%E4%B8%9C%E6%98%8C%E5%BA%9C%E5%8C%BA%20%E6%B5%8B%E8%AF%95",
    "/catalog.xml?q=entry%20x&fq=a%20b&modified_since=2020-01-01%20x", "/catalog.jsonld?q=a%20b",
    "/catalog.ttl?q=*:*&page=2", "/dataset/?page=-1", "/organization/?page=x",
    "/api/3/action/package_search?rows=-1",
]


def test_f13_listed_pages_answer_without_5xx(app, fuzz_world):
    failures = []
    for audience in _AUDIENCES:
        token = {"anonymous": None, **fuzz_world}[audience]
        headers = {"Authorization": token} if token else {}
        for url in PAGES:
            response = _answer(lambda url=url, headers=headers: app.get(
                url, headers=headers, expect_errors=True))
            if _is_5xx(response):
                failures.append((url, audience, response.status_code))
    assert failures == [], "\n".join(map(str, failures))
