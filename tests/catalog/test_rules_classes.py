"""Share and open classification (Art. 17, 19, 22, 28)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.dongchang.catalog.rules.classes import (
    CATALOG_STATES,
    OPEN_CLASSES,
    REVIEW_STATUSES,
    SHARE_CLASSES,
    classification_errors,
    is_wider,
    share_at_least,
)
from ckanext.dongchang.kernel.messages import Message, render


def entry(**overrides: Any) -> dict[str, Any]:
    """A complete, valid, published, unconditionally shared and open entry."""
    base: dict[str, Any] = {
        "share_class": "unconditional",
        "open_class": "unconditional",
        "confidentiality_review_status": "passed",
        "confidentiality_reviewer": "Wang Fang",
        "confidentiality_reviewed_on": "2026-03-02",
        "catalog_state": "published",
        "temporary_collection": "false",
        "data_items": [{"name": "Licence number", "type": "string", "description": "",
                        "source_org": "market-supervision"}],
    }
    base.update(overrides)
    return base


RESTRICTED_SHARE = {"share_reason": "Contains personal data",
                    "share_legal_basis": "Personal Information Protection Law, Art. 13"}
RESTRICTED_OPEN = {"open_reason": "Contains personal data",
                   "open_legal_basis": "Personal Information Protection Law, Art. 13"}


def test_valid_entry_has_no_errors():
    assert classification_errors(entry()) == {}


def test_valid_restricted_entry_has_no_errors():
    restricted = entry(share_class="conditional", share_conditions="Only for tax audits",
                       open_class="not_open", **RESTRICTED_SHARE, **RESTRICTED_OPEN)
    assert classification_errors(restricted) == {}


@pytest.mark.parametrize("value", [None, "", "sometimes", 3, ["conditional"], {"a": 1}])
def test_art19_share_class_required_and_known(value):
    errors = classification_errors(entry(share_class=value))
    assert list(errors) == ["share_class"]


@pytest.mark.parametrize("value", [None, "", "not_shared", 0, True, ("unconditional",)])
def test_art22_open_class_required_and_known(value):
    errors = classification_errors(entry(open_class=value))
    assert list(errors) == ["open_class"]


@pytest.mark.parametrize("conditions", [None, "", "   ", 42])
def test_art19_conditional_share_needs_conditions(conditions):
    errors = classification_errors(entry(share_class="conditional", open_class="not_open",
                                         share_conditions=conditions,
                                         **RESTRICTED_SHARE, **RESTRICTED_OPEN))
    assert set(errors) == {"share_conditions"}


@pytest.mark.parametrize("conditions", [None, "", "\t"])
def test_art22_conditional_open_needs_conditions(conditions):
    errors = classification_errors(entry(open_class="conditional", open_conditions=conditions,
                                         **RESTRICTED_OPEN))
    assert set(errors) == {"open_conditions"}


@pytest.mark.parametrize("share_class", ["conditional", "not_shared"])
def test_art19_restricted_share_needs_reason_and_legal_basis(share_class):
    errors = classification_errors(entry(share_class=share_class, share_conditions="x",
                                         open_class="not_open", **RESTRICTED_OPEN))
    assert set(errors) == {"share_reason", "share_legal_basis"}
    assert errors["share_legal_basis"] == [
        "Give the legal basis (law, regulation or rule) for conditional or no sharing."
    ]


def test_art19_reason_and_legal_basis_are_separate_errors():
    only_reason = classification_errors(entry(share_class="not_shared", open_class="not_open",
                                              share_reason="State secret",
                                              **RESTRICTED_OPEN))
    assert set(only_reason) == {"share_legal_basis"}
    only_basis = classification_errors(entry(share_class="not_shared", open_class="not_open",
                                             share_legal_basis="Law on Guarding State Secrets",
                                             **RESTRICTED_OPEN))
    assert set(only_basis) == {"share_reason"}


@pytest.mark.parametrize("open_class", ["conditional", "not_open"])
def test_art22_restricted_open_needs_a_basis_and_no_reason(open_class):
    """Art. 22 asks for a basis in laws and regulations or relevant national documents
    (法律法规或者国家有关文件) and, unlike Art. 19, no reason: the open reason is optional."""
    errors = classification_errors(entry(open_class=open_class, open_conditions="x"))
    assert set(errors) == {"open_legal_basis"}
    assert errors["open_legal_basis"] == [
        "Give the basis in laws and regulations or relevant national documents for conditional"
        " opening or not opening."]


def test_art19_unconditional_needs_no_reason_or_conditions():
    errors = classification_errors(entry(share_reason=None, share_legal_basis="",
                                         share_conditions=None))
    assert errors == {}


# (open class, share class) -> allowed?, written out from Art. 19/22 and DESIGN §4.
WIDTH_TABLE = {
    ("unconditional", "unconditional"): True,
    ("unconditional", "conditional"): False,
    ("unconditional", "not_shared"): False,
    ("conditional", "unconditional"): True,
    ("conditional", "conditional"): True,
    ("conditional", "not_shared"): False,
    ("not_open", "unconditional"): True,
    ("not_open", "conditional"): True,
    ("not_open", "not_shared"): True,
}


@pytest.mark.parametrize(("open_class", "share_class"), list(WIDTH_TABLE))
def test_art22_open_never_wider_than_share(open_class, share_class):
    allowed = WIDTH_TABLE[(open_class, share_class)]
    errors = classification_errors(entry(
        open_class=open_class, share_class=share_class, share_conditions="c",
        open_conditions="c", **RESTRICTED_SHARE, **RESTRICTED_OPEN,
    ))
    assert ("open_class" not in errors) is allowed
    assert set(errors) <= {"open_class"}
    assert is_wider(open_class, share_class) is (not allowed)
    assert (share_class in share_at_least(open_class)) is allowed


def test_share_at_least_lists_permitted_share_classes():
    assert share_at_least("unconditional") == ("unconditional",)
    assert share_at_least("conditional") == ("unconditional", "conditional")
    assert share_at_least("not_open") == SHARE_CLASSES
    assert share_at_least("bogus") == ()
    assert share_at_least(["conditional"]) == ()


def test_is_wider_is_false_for_unknown_values():
    assert is_wider("unconditional", "bogus") is False
    assert is_wider(None, "not_shared") is False


def test_art28_passed_review_needs_reviewer_and_date():
    errors = classification_errors(entry(confidentiality_reviewer=" ",
                                         confidentiality_reviewed_on=None))
    assert set(errors) == {"confidentiality_reviewer", "confidentiality_reviewed_on"}


def test_art28_review_date_may_be_a_date_object():
    errors = classification_errors(entry(confidentiality_reviewed_on=date(2026, 3, 2)))
    assert errors == {}


@pytest.mark.parametrize("status", ["approved", 1, ["passed"]])
def test_art28_review_status_must_be_known(status):
    errors = classification_errors(entry(catalog_state="draft",
                                         confidentiality_review_status=status))
    assert list(errors) == ["confidentiality_review_status"]


@pytest.mark.parametrize(("share_class", "open_class", "needs_review"), [
    ("unconditional", "unconditional", True),
    ("unconditional", "not_open", True),
    ("conditional", "conditional", True),
    ("conditional", "not_open", True),
    ("not_shared", "not_open", False),
])
@pytest.mark.parametrize("status", [None, "", "pending", "failed"])
def test_art28_published_beyond_department_needs_passed_review(
    share_class, open_class, needs_review, status
):
    errors = classification_errors(entry(
        share_class=share_class, open_class=open_class, share_conditions="c",
        open_conditions="c", confidentiality_review_status=status,
        **RESTRICTED_SHARE, **RESTRICTED_OPEN,
    ))
    assert ("confidentiality_review_status" in errors) is needs_review
    assert set(errors) <= {"confidentiality_review_status"}


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_art28_unpublished_entry_may_await_review(state):
    assert classification_errors(entry(catalog_state=state,
                                       confidentiality_review_status="pending")) == {}


@pytest.mark.parametrize("state", ["archived", 7])
def test_f10_catalog_state_must_be_known(state):
    assert list(classification_errors(entry(catalog_state=state))) == ["catalog_state"]


@pytest.mark.parametrize("flag", [True, "true", "True", " on ", "1"])
def test_art17_temporary_collection_needs_reason(flag):
    errors = classification_errors(entry(temporary_collection=flag))
    assert list(errors) == ["temporary_collection_reason"]
    fixed = entry(temporary_collection=flag, temporary_collection_reason="Flood emergency")
    assert classification_errors(fixed) == {}


@pytest.mark.parametrize("flag", [False, "false", "", None, "no"])
def test_art17_regular_collection_needs_no_reason(flag):
    assert classification_errors(entry(temporary_collection=flag)) == {}


def test_art17_each_data_item_needs_name_and_authoritative_source():
    items = [
        {"name": "Name", "source_org": "civil-affairs"},
        {"name": " ", "source_org": "civil-affairs"},
        {"name": "Address", "source_org": None},
        "not an item",
    ]
    errors = classification_errors(entry(data_items=items))
    assert list(errors) == ["data_items"]
    messages = errors["data_items"]
    assert [m.params["position"] for m in messages] == [2, 3, 4]
    assert render(messages[0]) == "Data item 2 needs a name."
    assert render(messages[1]) == (
        "Data item 3 needs the department that is its authoritative source."
    )


@pytest.mark.parametrize("items", ["name,source", 5, {"name": "x"}])
def test_art17_data_items_must_be_a_list(items):
    assert list(classification_errors(entry(data_items=items))) == ["data_items"]


def test_messages_translate_before_filling_placeholders():
    message = Message("Data item %(position)s needs a name.", position=3)
    catalog = {"Data item %(position)s needs a name.": "第%(position)s个信息项缺少名称。"}
    assert message == "Data item %(position)s needs a name."
    assert render(message, catalog.__getitem__) == "第3个信息项缺少名称。"


# --- properties -------------------------------------------------------------------------

GARBAGE = st.one_of(st.none(), st.integers(), st.booleans(), st.text(max_size=5),
                    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(), st.none()))


TEXT = "Law on Data Security, Art. 21"
ITEM = st.fixed_dictionaries({"name": st.just("Licence number"), "source_org": st.just("tax")})
# A fully documented entry with any classes, then up to three fields replaced by values that
# sit on the rules' boundaries (other classes, blanks, booleans as strings) or by garbage, so
# both accepted and rejected entries are common.
DOCUMENTED = st.fixed_dictionaries({
    "share_class": st.sampled_from(SHARE_CLASSES),
    "open_class": st.sampled_from(OPEN_CLASSES),
    **{f"{side}_{part}": st.just(TEXT) for side in ("share", "open")
       for part in ("conditions", "reason", "legal_basis")},
    "confidentiality_review_status": st.sampled_from(REVIEW_STATUSES),
    "confidentiality_reviewer": st.just("Wang Fang"),
    "confidentiality_reviewed_on": st.just("2026-01-05"),
    "catalog_state": st.sampled_from(CATALOG_STATES),
    "temporary_collection": st.sampled_from([True, False, "true", "false"]),
    "temporary_collection_reason": st.just("Flood emergency"),
    "data_items": st.lists(ITEM, max_size=2),
})
BOUNDARY = st.one_of(
    GARBAGE,
    st.sampled_from([*SHARE_CLASSES, *OPEN_CLASSES, *REVIEW_STATUSES, *CATALOG_STATES,
                     "", "  ", True, "true", "false"]),
    st.lists(st.fixed_dictionaries({"name": st.sampled_from(["", "Name", 0]),
                                    "source_org": st.sampled_from(["", "tax", None])}),
             max_size=2),
)


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    e = draw(DOCUMENTED)
    e.update(draw(st.dictionaries(st.sampled_from(sorted(e)), BOUNDARY, max_size=3)))
    return e


FIELDS = {"share_class", "open_class", "share_conditions", "share_reason", "share_legal_basis",
          "open_conditions", "open_reason", "open_legal_basis", "confidentiality_review_status",
          "confidentiality_reviewer", "confidentiality_reviewed_on", "catalog_state",
          "temporary_collection_reason", "data_items"}


ASBOOL_TRUE = {"true", "yes", "on", "y", "t", "1"}  # the strings CKAN's asbool reads as yes


def filled(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


@given(entries())
def test_art19_art22_art28_accepted_entries_satisfy_the_invariants(e):
    errors = classification_errors(e)
    assert set(errors) <= FIELDS
    assert all(isinstance(m, str) and m for msgs in errors.values() for m in msgs)
    assert all(msgs for msgs in errors.values())
    if errors:
        return
    share, open_ = e["share_class"], e["open_class"]
    assert share in SHARE_CLASSES and open_ in OPEN_CLASSES
    assert WIDTH_TABLE[(open_, share)]
    for side, cls in (("share", share), ("open", open_)):
        if cls != "unconditional":  # Art. 19 asks a reason and a basis, Art. 22 a basis only
            assert filled(e[f"{side}_legal_basis"])
            assert side == "open" or filled(e[f"{side}_reason"])
        if cls == "conditional":
            assert filled(e[f"{side}_conditions"])
    if e["catalog_state"] == "published" and (share, open_) != ("not_shared", "not_open"):
        assert e["confidentiality_review_status"] == "passed"
        assert filled(e["confidentiality_reviewer"])
        assert filled(e["confidentiality_reviewed_on"])
    flag = e["temporary_collection"]
    if flag is True or (isinstance(flag, str) and flag.strip().lower() in ASBOOL_TRUE):
        assert filled(e["temporary_collection_reason"])
    if isinstance(e["data_items"], list):
        assert all(filled(i["name"]) and filled(i["source_org"]) for i in e["data_items"])


@given(st.dictionaries(st.sampled_from(sorted(FIELDS | {"temporary_collection"})), GARBAGE))
def test_f2_garbage_never_crashes_and_is_never_accepted_without_classes(e):
    errors = classification_errors(e)
    if e.get("share_class") not in SHARE_CLASSES:
        assert "share_class" in errors
    if e.get("open_class") not in OPEN_CLASSES:
        assert "open_class" in errors


@given(share=st.sampled_from(SHARE_CLASSES), open_=st.sampled_from(OPEN_CLASSES),
       published=st.booleans())
def test_art19_art22_fully_documented_entries_are_accepted(share, open_, published):
    e = entry(share_class=share, open_class=open_, share_conditions="c", open_conditions="c",
              catalog_state="published" if published else "draft",
              **RESTRICTED_SHARE, **RESTRICTED_OPEN)
    assert (classification_errors(e) == {}) is WIDTH_TABLE[(open_, share)]


@pytest.mark.parametrize("start,end,wrong", [
    ("2020-01-01", "2025-12-31", False),
    ("2025-01-01", "2025-01-01", False),
    ("2025-01-02", "2025-01-01", True),
    ("", "2025-01-01", False),
    ("2025-01-01", "", False),
])
def test_f9_temporal_coverage_ends_on_or_after_its_start(start, end, wrong):
    errors = classification_errors(entry(temporal_start=start, temporal_end=end))
    assert ("temporal_end" in errors) is wrong
    if wrong:
        assert "start" in render(errors["temporal_end"][0], lambda s: s)
