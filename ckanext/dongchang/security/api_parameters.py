"""The types of the parameters every API action shares, checked once for all actions.

CKAN core, ckanext-activity and ckanext-dcat read ``id``, ``limit``, ``include_private`` and
their kin without checking the type first: a list, an object, a boolean or ``"maybe"`` ends
in a ``TypeError``, a PostgreSQL type error or an ``asbool`` ``ValueError``, i.e. a 500.
The meaning of these names is the same in every action, so one table of types, checked
before any action runs, answers a clear 400 naming the field instead (issue 14, item 9).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

# Identifiers and search text: one string each (a number would reach a text column as an
# integer, which PostgreSQL refuses).
TEXT = frozenset({
    "id", "name", "q", "fq", "sort", "order_by", "owner_org", "org", "org_id", "object_id",
    "object_type", "user", "username", "user_id", "package_id", "resource_id", "group_id",
    "dataset_id", "tender_id", "capacity", "state", "type", "email", "title", "activity_type",
    "new_id", "old_id", "object", "format", "reason",
})
# Counts, pages and offsets: whole numbers, or their digits as text (URL parameters).
WHOLE_NUMBER = frozenset({"limit", "offset", "page", "rows", "start", "facet.limit"})
MAX_WHOLE_NUMBER = 10**7
# Flags: true or false, or one of the spellings CKAN's asbool reads.
FLAG = frozenset({
    "include_private", "include_data", "include_drafts", "include_deleted", "all_fields",
    "include_extras", "include_users", "include_groups", "include_tags",
    "include_dataset_count", "include_member_count", "include_followers", "include_datasets",
    "include_plugin_extras", "use_default_schema", "include_hidden_activity", "dry_run",
    "overdue", "include_total",
})
_FLAG_WORDS = frozenset({"", "true", "false", "1", "0", "yes", "no", "on", "off", "t", "f",
                         "y", "n"})


def errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """``{field: [message]}`` for each shared parameter of the wrong type."""
    found: dict[str, list[str]] = {}
    for field, value in data.items():
        message = _problem(field, value)
        if message:
            found[field] = [message]
    return found


def _problem(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if field in TEXT and not isinstance(value, str):
        return tk._("Give one text value, not a number, list or object.")
    if field in WHOLE_NUMBER and not _is_whole_number(value):
        return tk._("Give a whole number from 0 to %(limit)s.") % {"limit": MAX_WHOLE_NUMBER}
    if field in FLAG and not _is_flag(value):
        return tk._("Give true or false.")
    return None


def _is_whole_number(value: Any) -> bool:
    if isinstance(value, str):
        text = value.strip()
        if value == "":
            return True
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            return False
        value = int(text)
    return isinstance(value, int) and not isinstance(value, bool) \
        and 0 <= value <= MAX_WHOLE_NUMBER


def _is_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return value in (0, 1)
    return isinstance(value, str) and value.strip().lower() in _FLAG_WORDS
