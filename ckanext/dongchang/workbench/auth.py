"""Auth of the workbench: every signed-in user has one (it lists only their own work)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["dongchang_workbench"]


def dongchang_workbench(context: Context, data_dict: DataDict) -> AuthResult:
    if context.get("user"):
        return {"success": True}
    return {"success": False, "msg": tk._("Log in to see your workbench.")}
