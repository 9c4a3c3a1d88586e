"""Evaluation of departments (F-12, Art. 6): ``dongchang_evaluation``."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.oversight import evaluation

__all__ = ["dongchang_evaluation"]


def _date(data_dict: DataDict, field: str) -> dt.date | None:
    value = data_dict.get(field)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise tk.ValidationError({field: [tk._("Give a date as YYYY-MM-DD.")]}) from error


@tk.side_effect_free
def dongchang_evaluation(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Evaluation figures per department and for the district.

    The Bureau sees every department; anyone else only the departments they belong to.

    :param org_id: only this department (id or name)
    :param start: period start (YYYY-MM-DD) for requests and catalog updates
    :param end: period end (YYYY-MM-DD)
    :returns: ``{"departments": [...], "district": {...}, "columns": [...], "period": {...}}``
    """
    tk.check_access("dongchang_evaluation", context, data_dict)
    start, end = _date(data_dict, "start"), _date(data_dict, "end")
    if start and end and end < start:
        raise tk.ValidationError({"end": [tk._("The period cannot end before it starts.")]})
    memberships = audience.memberships_for(context.get("user"), context)
    allowed: list[str] | None = None if memberships.is_bureau else sorted(memberships.org_ids)
    if data_dict.get("org_id"):
        org = model.Group.get(str(data_dict["org_id"]))
        if not audience.is_recognised_department(org) or (
                allowed is not None and org.id not in allowed):
            raise tk.NotAuthorized(tk._("You can see the figures of your own department only."))
        allowed = [org.id]
    result = evaluation.evaluate(allowed, start, end)
    result["departments"] = [evaluation.public_row(r) for r in result["departments"]]
    result["district"] = evaluation.public_row(result["district"])
    if not memberships.is_bureau:
        result["district"] = None  # district totals include other departments' figures
    return result
