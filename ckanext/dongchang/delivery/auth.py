"""Auth of the access log (issue 16 item 5): every signed-in user reads the rows about them or
their department's data (the action narrows the rows); anonymous visitors have no use to see."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel.auth import allowed_if

__all__ = ["dongchang_access_log_list", "dongchang_trace_copy"]


def dongchang_access_log_list(context: Context, data_dict: DataDict) -> AuthResult:
    return allowed_if(context.get("user"), tk._("Sign in to see the use of data."))


def dongchang_trace_copy(context: Context, data_dict: DataDict) -> AuthResult:
    """The Bureau traces leaks (Art. 25 ¶4, 28): naming a grant from a file is its task."""
    return allowed_if(audience.is_bureau(context),
                      tk._("Only the Big Data Bureau traces copies of data."))
