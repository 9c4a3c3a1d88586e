"""Actions of ckanext-dongchang, and the core actions it chains."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

__all__ = ["package_create", "package_update"]

# Fields whose value navl flattens as a list of objects; any other shape makes CKAN raise a
# bare "Integrity Error" (HTTP 400) that names no field.
_LIST_OF_OBJECTS = ("data_items", "resources", "tags", "extras", "groups")


def _shape_errors(data_dict: DataDict) -> dict[str, list[str]]:
    errors = {}
    for field in _LIST_OF_OBJECTS:
        value = data_dict.get(field)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            errors[field] = [tk._("Give a list of entries, each with its own fields.")]
    return errors


def _check_shape(data_dict: DataDict) -> None:
    errors = _shape_errors(data_dict)
    if errors:
        raise tk.ValidationError(errors)


@tk.chained_action
def package_create(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    _check_shape(data_dict)
    return up_func(context, data_dict)


@tk.chained_action
def package_update(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    _check_shape(data_dict)
    return up_func(context, data_dict)
