"""Auth of the portal figures: public, like the home page that shows them."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["dongchang_portal_figures"]


@tk.auth_allow_anonymous_access
def dongchang_portal_figures(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}
