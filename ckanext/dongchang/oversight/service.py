"""What the evaluation's actions decide about departments: whose figures the caller may see,
and which department a rectification item names (F-12, Art. 6)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.dongchang.access import audience
from ckanext.dongchang.oversight import evaluation


def visible_department_ids(context: Context, org_id: Any) -> list[str] | None:
    """The departments the caller may see figures of (None: all, for the Bureau), narrowed to
    ``org_id`` when given; another department's id is refused."""
    memberships = audience.memberships_for(context.get("user"), context)
    allowed: list[str] | None = None if memberships.is_bureau else sorted(memberships.org_ids)
    if org_id:
        org = audience.department_named(str(org_id))
        if org is None or (allowed is not None and org.id not in allowed):
            raise tk.NotAuthorized(tk._("You can see the figures of your own department only."))
        allowed = [org.id]
    return allowed


def evaluation_for(context: Context, org_id: Any, start: dt.date | None,
                   end: dt.date | None) -> dict[str, Any]:
    """The evaluation as the caller may read it: the district totals include other
    departments' figures, so only the Bureau gets them."""
    result = evaluation.evaluate(visible_department_ids(context, org_id), start, end)
    result["departments"] = [evaluation.public_row(r) for r in result["departments"]]
    result["district"] = evaluation.public_row(result["district"])
    if not audience.is_bureau(context):
        result["district"] = None
    return result


def department(org_id: str) -> model.Group:
    """The recognised department ``org_id`` names, or a field error."""
    return audience.department_or_invalid(org_id, "org_id", tk._("No such department."))
