"""Validators for recognised departments (F-1): who sets the flag, who may own catalog entries."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import missing
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.dongchang.access import audience
from ckanext.dongchang.departments import rules
from ckanext.dongchang.kernel.messages import render

__all__ = ["dongchang_department_flag", "dongchang_owner_department"]


def _actor_is_bureau(context: Context) -> bool:
    """Internal calls (``ignore_auth``) are trusted, as for the Bureau flag; anyone else must be
    a sysadmin or an admin of the Bureau's (recognised) organisation."""
    if context.get("ignore_auth"):
        return True
    return audience.is_bureau(context)


def dongchang_department_flag(key: FlattenKey, data: FlattenDataDict,
                              errors: FlattenErrorDict, context: Context) -> None:
    """Settle ``is_department`` (after ``dongchang_bool_string``) by ``policy.departments``.

    Not sent: a new organisation gets the creator's default, an existing one keeps its value
    (CKAN's ``organization_update`` replaces all extras, so an edit that leaves the field out
    must not withdraw a department's recognition).
    """
    value = data.get(key)
    requested = None if value is missing or value in (None, "") else value
    group = context.get("group")  # set by organization_update; absent on create
    stored = (group.extras or {}).get(rules.FLAG) if group is not None else None
    flag, error = rules.department_flag(requested, stored, group is None,
                                              _actor_is_bureau(context))
    data[key] = flag
    if error is not None:
        errors[key].append(render(error, tk._))


def dongchang_owner_department(value: Any, context: Context) -> Any:
    """A catalog entry belongs to a recognised department (after ``owner_org_validator``, which
    has turned a name into an id): an organisation nobody recognised publishes nothing."""
    if value is missing or value in (None, ""):
        return value
    group = model.Group.get(value) if isinstance(value, str) else None
    if not audience.is_recognised_department(group):
        raise tk.Invalid(tk._("Catalog entries belong to departments, and this organisation is"
                              " not a department recognised by the Big Data Bureau."))
    return value
