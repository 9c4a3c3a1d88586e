"""Auth of the evaluation (F-12): the Bureau, and department members for their own figures."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.dongchang.access import audience

__all__ = ["dongchang_evaluation"]


def dongchang_evaluation(context: Context, data_dict: DataDict) -> AuthResult:
    memberships = audience.memberships_for(context.get("user"))
    if memberships.is_bureau or memberships.org_ids:
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the Big Data Bureau and departments can see evaluation figures.")}
