"""navl schemas of the extension's actions: types and sizes; the rules come after."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema, Validator


def validated(data_dict: DataDict, schema: Schema, context: Context) -> dict[str, Any]:
    """``data_dict`` checked against ``schema``, or a ``ValidationError`` naming each field."""
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _list_of_ids(value: Any) -> list[str]:
    """Resource ids as a list, or one comma-separated string from a form."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.replace("，", ",").split(",")]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise tk.Invalid(tk._("Give a list of resource ids."))
    return [item.strip() for item in value if item.strip()]


def _text(limit: int) -> list[Validator]:
    return [tk.get_validator("ignore_missing"), tk.get_validator("unicode_safe"),
            tk.get_validator("dongchang_max_length")(limit)]


def _date() -> list[Validator]:
    return [tk.get_validator("ignore_empty"), tk.get_validator("isodate")]


def _strict_flag(value: Any) -> bool:
    """Yes or no, in the spellings forms and clients use; anything else is an error."""
    text = tk.get_validator("dongchang_bool_string")(value)
    return text == "true"


def _flag() -> list[Validator]:
    return [tk.get_validator("default")(False), _strict_flag]


# --- paging: one schema for every list action ------------------------------------------------
MAX_PAGE = 100_000


def _whole_number(low: int, high: int) -> Validator:
    """A whole number from ``low`` to ``high``, or its digits as text (URL parameters); a
    float, a boolean, a list or a number beyond ``high`` is an error, never a crash later
    (``int(10**30)`` pages overflow PostgreSQL's OFFSET, ``int("x")`` raises)."""
    def validator(value: Any) -> int:
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str):
            text = value.strip()
            if text.isascii() and text.isdigit() and len(text) <= len(str(high)):
                number = int(text)
        if number is None or not low <= number <= high:
            raise tk.Invalid(tk._("Give a whole number from %(low)s to %(high)s.")
                             % {"low": low, "high": high})
        return number
    return validator


def file_content(value: Any) -> Any:
    """A file's content given in the call itself: text or bytes, nothing else."""
    if not isinstance(value, (str, bytes)):
        raise tk.Invalid(tk._("Give the file's content as text."))
    return value


def paging_schema(max_limit: int, default_limit: int = 20) -> Schema:
    """``page`` (from 1, default 1) and ``limit`` (from 1 to ``max_limit``) of a list action,
    as whole numbers: merge it into the action's schema and read ``data["page"]`` and
    ``data["limit"]`` as they are."""
    default = tk.get_validator("default")
    return {"page": [default(1), _whole_number(1, MAX_PAGE)],
            "limit": [default(default_limit), _whole_number(1, max_limit)]}


@tk.validator_args
def access_request_create(not_empty, unicode_safe, ignore_missing, one_of) -> Schema:
    return {
        "dataset_id": [not_empty, unicode_safe],
        "resource_ids": [ignore_missing, _list_of_ids],
        "applicant_kind": [ignore_missing, unicode_safe],
        "applicant_org_id": [ignore_missing, unicode_safe],
        "purpose": [not_empty, unicode_safe],
        "use_scenario": _text(4000),
        "security_measures": _text(4000),
        "institution": _text(200),
        "tender_id": _text(100),
        "period_start": _date(),
        "period_end": _date(),
        "public_interest_attested": _flag(),
        "agreement_accepted": _flag(),
    }


@tk.validator_args
def access_request_resubmit(not_empty, unicode_safe, ignore_missing) -> Schema:
    schema = access_request_create()
    for field in ("dataset_id", "resource_ids", "applicant_kind", "applicant_org_id", "purpose",
                  "tender_id"):
        schema.pop(field)
    for flag in ("public_interest_attested", "agreement_accepted"):
        schema[flag] = [ignore_missing, _strict_flag]
    schema["id"] = [not_empty, unicode_safe]
    return schema


@tk.validator_args
def access_request_decision(not_empty, unicode_safe) -> Schema:
    return {"id": [not_empty, unicode_safe], "reason": _text(4000)}


@tk.validator_args
def access_request_approval(not_empty, unicode_safe, ignore_missing) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "reason": _text(4000),
        "valid_until": _date(),
        "resource_ids": [ignore_missing, _list_of_ids],
    }


@tk.validator_args
def access_request_list(ignore_missing, unicode_safe, boolean_validator) -> Schema:
    return {
        "org": [ignore_missing, unicode_safe],
        "mine": [ignore_missing, boolean_validator],
        "state": [ignore_missing, unicode_safe],
        "overdue": [ignore_missing, boolean_validator],
        "dataset_id": [ignore_missing, unicode_safe],
        **paging_schema(max_limit=100),
    }
