"""What every action's schema is made of: validation, field types and sizes, paging.

The domains' own schemas (``requests/schema.py``, the schema functions of the other domains'
actions) build on these; the rules come after.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import missing
from ckan.types import Context, DataDict, Schema, Validator

from ckanext.dongchang.kernel.messages import N_, render
from ckanext.dongchang.kernel.rules import Errors


def validated(data_dict: DataDict, schema: Schema, context: Context) -> dict[str, Any]:
    """``data_dict`` checked against ``schema``, or a ``ValidationError`` naming each field."""
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


# --- errors: the rules speak in msgids, the API in the reader's language ----------------------
def rendered(errors: Errors) -> dict[str, list[str]]:
    """Errors from the rules (msgids or :class:`Message`), translated for a ``ValidationError``."""
    return {field: [render(m, tk._) for m in messages] for field, messages in errors.items()}


def refuse_errors(errors: Errors, rollback: bool = False) -> None:
    """Raise the rules' ``errors``, if there are any, as a ``ValidationError`` in the reader's
    language; ``rollback`` first ends the transaction that locked the row being decided on."""
    if errors:
        if rollback:
            model.Session.rollback()
        raise tk.ValidationError(rendered(errors))


def invalid(field: str, message: str) -> tk.ValidationError:
    """A ``ValidationError`` naming ``field``; ``message`` is a msgid (``N_``, or a rule's
    :class:`Message`), translated here as every other rule message is."""
    return tk.ValidationError(rendered({field: [message]}))


# --- flattened data, as navl gives it to validators -----------------------------------------
def flat_items(data: dict[Any, Any], name: str) -> list[dict[str, Any]]:
    """A repeating field's items rebuilt from the flattened keys ``(name, index, subfield)``;
    a subfield navl marked ``missing`` reads as ``None``."""
    items: dict[int, dict[str, Any]] = {}
    for flat_key, value in data.items():
        if len(flat_key) == 3 and flat_key[0] == name and isinstance(flat_key[1], int):
            items.setdefault(flat_key[1], {})[flat_key[2]] = None if value is missing else value
    return [items[index] for index in sorted(items)]


def add_flat_error(errors: dict[Any, list[str]], key: tuple[Any, ...], message: str) -> None:
    """Record ``message`` once against a flattened ``key`` (a validator may meet it twice)."""
    bucket = errors.setdefault(key, [])
    if message not in bucket:
        bucket.append(message)


# --- field types -----------------------------------------------------------------------------
def is_text(value: Any) -> bool:
    """A string PostgreSQL can store (it refuses NUL characters)."""
    return isinstance(value, str) and "\x00" not in value


def typed_name(value: Any) -> str:
    """What a person typed to name something (an id, URL name, code or user name): stripped, or
    "" when it is not text PostgreSQL can store, so a NUL character never reaches a query."""
    return value.strip() if is_text(value) else ""


def text(limit: int | None = None) -> Validator:
    """A string (of at most ``limit`` characters); other types are an error, not coerced
    (``unicode_safe`` would store a list's repr), and NUL never reaches PostgreSQL."""
    def validator(value: Any) -> Any:
        if value is None:
            return value
        if not is_text(value):
            raise tk.Invalid(tk._("Give this as text."))
        if limit is not None and len(value) > limit:
            raise tk.Invalid(tk._("This text is too long: at most %(limit)s characters.")
                             % {"limit": limit})
        return value
    return validator


def choice(choices: Collection[str], message: str) -> Validator:
    """One of ``choices``; anything else is refused with ``message`` (a msgid, ``N_``; a
    ``%(known)s`` in it names the choices)."""
    def validator(value: Any) -> Any:
        if value not in choices:
            raise tk.Invalid(tk._(message) % {"known": ", ".join(choices)})
        return value
    return validator


def id_list(message: str, distinct: bool = False) -> Validator:
    """Ids (or names, codes) as a list, or one string from a form whose parts are separated by
    commas (, or ，) or new lines: the non-blank parts, stripped, in the order given (once each
    if ``distinct``); anything else is refused with ``message`` (a msgid, ``N_``)."""
    def validator(value: Any) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = value.replace("，", ",").replace("\n", ",").split(",")
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise tk.Invalid(tk._(message))
        ids = [item.strip() for item in value if item.strip()]
        return list(dict.fromkeys(ids)) if distinct else ids
    return validator


def row_schema(**fields: list[Validator]) -> Schema:
    """The schema of an action on one row: its ``id`` (required), and ``fields``."""
    return {"id": [tk.get_validator("not_empty"), tk.get_validator("unicode_safe")], **fields}


def text_field(limit: int) -> list[Validator]:
    """An optional text field of at most ``limit`` characters."""
    return [tk.get_validator("ignore_missing"), text(limit)]


def date_field() -> list[Validator]:
    """An optional day (YYYY-MM-DD), read as a ``datetime.date``: every caller wants the day,
    none the midnight ``isodate`` makes of it."""
    return [tk.get_validator("ignore_empty"), tk.get_validator("isodate"), _day]


def _day(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def decision_schema() -> Schema:
    """The schema of a decision on one row that may say why: ``id`` and ``reason``."""
    return row_schema(reason=text_field(4000))


def period_in_order(start: str, end: str) -> Validator:
    """A schema's ``__after`` check that the period from the day field ``start`` to ``end``
    does not end before it starts (each end may be left open)."""
    def validator(key: Any, data: dict[Any, Any], errors: dict[Any, list[str]],
                  context: Context) -> None:
        first, last = data.get((start,)), data.get((end,))
        if isinstance(first, date) and isinstance(last, date) and last < first:
            errors.setdefault((end,), []).append(tk._("The period cannot end before it starts."))
    return validator


def strict_flag(value: Any) -> bool:
    """Yes or no, in the spellings forms and clients use; anything else is an error."""
    text = tk.get_validator("dongchang_bool_string")(value)
    return text == "true"


def flag_field() -> list[Validator]:
    return [tk.get_validator("default")(False), strict_flag]


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


def of_type(types: tuple[type, ...], message: str) -> Validator:
    """A value of one of ``types``, kept as it is (what it means is the caller's to say);
    anything else is refused with ``message`` (a msgid, ``N_``)."""
    def validator(value: Any) -> Any:
        if not isinstance(value, types):
            raise tk.Invalid(tk._(message))
        return value
    return validator


# A file's content given in the call itself: text or bytes, nothing else.
file_content = of_type((str, bytes), N_("Give the file's content as text."))


def paging_schema(max_limit: int, default_limit: int = 20) -> Schema:
    """``page`` (from 1, default 1) and ``limit`` (from 1 to ``max_limit``) of a list action,
    as whole numbers: merge it into the action's schema and read ``data["page"]`` and
    ``data["limit"]`` as they are."""
    default = tk.get_validator("default")
    return {"page": [default(1), _whole_number(1, MAX_PAGE)],
            "limit": [default(default_limit), _whole_number(1, max_limit)]}
