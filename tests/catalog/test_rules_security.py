"""Scope and security of an entry: state secrets (Art. 2), security grade and personal
information (Art. 21, 28, with this site's grade policy)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ckanext.dongchang.catalog.rules.classes import (
    DEFAULT_GRADE_POLICY,
    GradePolicy,
    classification_errors,
    parse_grade_limits,
)
from ckanext.dongchang.kernel.messages import render
from tests.catalog.test_rules_classes import RESTRICTED_OPEN, RESTRICTED_SHARE, entry

DEMO = Path(__file__).resolve().parents[2] / "demo" / "catalog.json"


def restricted(share_class: str, open_class: str, **overrides: Any) -> dict[str, Any]:
    """A fully documented entry with the given classes."""
    return entry(share_class=share_class, open_class=open_class, share_conditions="c",
                 open_conditions="c", **RESTRICTED_SHARE, **RESTRICTED_OPEN, **overrides)


# --- Art. 2: state secrets are outside this system ---------------------------------------

@pytest.mark.parametrize("flag", [True, "true", "yes", "on", "1"])
def test_art2_an_entry_involving_state_secrets_is_refused(flag):
    errors = classification_errors(entry(involves_state_secrets=flag))
    assert list(errors) == ["involves_state_secrets"]
    message = render(errors["involves_state_secrets"][0])
    assert "Art. 2" in message and "secrecy" in message


@pytest.mark.parametrize("flag", [False, "false", "no", None, ""])
def test_art2_an_entry_without_state_secrets_is_accepted(flag):
    assert classification_errors(entry(involves_state_secrets=flag)) == {}


def test_art2_a_not_open_entry_involving_state_secrets_is_refused_too():
    """Not opening it is not enough: secret data is managed under the secrecy laws."""
    errors = classification_errors(restricted("not_shared", "not_open",
                                              involves_state_secrets="true"))
    assert list(errors) == ["involves_state_secrets"]


def test_art2_demo_catalog_has_no_state_secrets_and_meets_the_default_policy():
    datasets = json.loads(DEMO.read_text(encoding="utf-8"))["datasets"]
    for dataset in datasets:
        assert classification_errors(dataset) == {}, dataset["name"]
        bases = dataset.get("share_legal_basis", "") + dataset.get("open_legal_basis", "")
        assert "保守国家秘密法" not in bases, dataset["name"]
        assert "国家秘密" not in dataset.get("share_reason", "") + dataset.get("open_reason", "")


# --- security grade (Art. 28 分级分类; site policy from the Data Security Law) --------------

@pytest.mark.parametrize(("share_class", "open_class", "fields"), [
    ("unconditional", "not_open", {"share_class"}),
    ("conditional", "conditional", {"open_class"}),
    ("unconditional", "unconditional", {"share_class", "open_class"}),
])
def test_art28_core_data_is_shared_conditionally_at_most_and_not_opened(share_class, open_class,
                                                                       fields):
    errors = classification_errors(restricted(share_class, open_class, security_grade="core"))
    assert set(errors) == fields


@pytest.mark.parametrize(("share_class", "open_class"), [
    ("conditional", "not_open"), ("not_shared", "not_open")])
def test_art28_core_data_within_the_policy_is_accepted(share_class, open_class):
    assert classification_errors(restricted(share_class, open_class,
                                            security_grade="core")) == {}


def test_art28_important_data_is_opened_conditionally_at_most():
    errors = classification_errors(entry(security_grade="important"))
    assert list(errors) == ["open_class"]
    message = render(errors["open_class"][0])
    assert "important" in message.lower() and "site" in message.lower()
    assert classification_errors(restricted("unconditional", "conditional",
                                            security_grade="important")) == {}


@pytest.mark.parametrize("grade", ["general", None, ""])
def test_art28_general_or_ungraded_data_has_no_grade_limit(grade):
    assert classification_errors(entry(security_grade=grade)) == {}


def test_art28_the_grade_policy_is_configurable():
    lenient = GradePolicy(widest_share={}, widest_open={})
    assert classification_errors(entry(security_grade="core"), grade_policy=lenient) == {}
    strict = GradePolicy(widest_share={}, widest_open={"general": "conditional"})
    assert list(classification_errors(entry(security_grade="general"),
                                      grade_policy=strict)) == ["open_class"]


def test_art28_default_grade_policy_is_the_documented_one():
    assert DEFAULT_GRADE_POLICY.widest_share == {"core": "conditional"}
    assert DEFAULT_GRADE_POLICY.widest_open == {"core": "not_open", "important": "conditional"}


def test_art28_grade_limits_are_parsed_from_grade_class_pairs():
    assert parse_grade_limits(["core:not_open", "important:conditional"], "open") == {
        "core": "not_open", "important": "conditional"}
    assert parse_grade_limits([], "share") == {}


@pytest.mark.parametrize(("pairs", "side"), [
    (["core"], "open"), (["secret:not_open"], "open"), (["core:not_shared"], "open"),
    (["core:not_open"], "share"), (["core:conditional", "core:not_open"], "open")])
def test_art28_bad_grade_limits_are_refused_with_the_pair_named(pairs, side):
    with pytest.raises(ValueError, match=pairs[-1].split(":")[0]):
        parse_grade_limits(pairs, side)


# --- personal information per data item (Art. 28 ¶2, Personal Information Protection Law) ---

def _item(kind: Any) -> dict[str, Any]:
    return {"name": "姓名", "type": "string", "source_org": "dcf-rsj",
            "personal_information": kind}


@pytest.mark.parametrize("kind", ["personal", "sensitive"])
def test_art28_personal_items_are_not_opened_unconditionally_without_deidentification(kind):
    errors = classification_errors(entry(data_items=[_item("none"), _item(kind)]))
    assert list(errors) == ["deidentification_statement"]
    message = render(errors["deidentification_statement"][0])
    assert "personal information" in message and "de-identif" in message
    stated = entry(data_items=[_item(kind)],
                   deidentification_statement="姓名已替换为不可逆的标识码")
    assert classification_errors(stated) == {}


@pytest.mark.parametrize("kind", ["personal", "sensitive"])
def test_art28_personal_items_may_be_opened_conditionally_without_a_statement(kind):
    e = restricted("unconditional", "conditional", data_items=[_item(kind)])
    assert classification_errors(e) == {}


@pytest.mark.parametrize("kind", ["none", "", None])
def test_art28_items_without_personal_information_need_no_statement(kind):
    assert classification_errors(entry(data_items=[_item(kind)])) == {}


def test_art28_an_unknown_personal_information_kind_is_an_item_error():
    errors = classification_errors(entry(data_items=[_item("maybe")]))
    assert list(errors) == ["data_items"]
    assert errors["data_items"][0].params["subfield"] == "personal_information"


def test_art28_grade_messages_translate_the_grade_and_class_names():
    message = classification_errors(entry(security_grade="core"))["open_class"][0]
    catalog = {str(message): "%(grade)s数据只能%(allowed)s。", "core": "核心",
               "not opening": "不予开放"}
    assert render(message, lambda msgid: catalog.get(msgid, msgid)) == "核心数据只能不予开放。"
