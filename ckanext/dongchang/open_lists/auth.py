"""Auth of the open lists (Art. 23): published lists are for everyone."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["dongchang_open_list"]


@tk.auth_allow_anonymous_access
def dongchang_open_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone, logged in or not: the lists only contain what the public may already see."""
    return {"success": True}
