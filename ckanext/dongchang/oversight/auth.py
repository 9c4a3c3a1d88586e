"""Auth of the evaluation (F-12): the Bureau, and department members for their own figures."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel.auth import allowed_if
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.oversight import actions

# One auth function per action, under its name.
__all__ = actions.__all__


def dongchang_evaluation(context: Context, data_dict: DataDict) -> AuthResult:
    memberships = audience.memberships_for(context.get("user"))
    return allowed_if(memberships.is_bureau or memberships.org_ids,
                      tk._("Only the Big Data Bureau and departments can see evaluation figures."))


dongchang_rectification_create = audience.bureau_only(
    N_("Only the Big Data Bureau records and closes rectification items."))
dongchang_rectification_close = dongchang_rectification_create


def dongchang_rectification_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The Bureau, and department members for their own department's items."""
    return dongchang_evaluation(context, data_dict)


def dongchang_freshness_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The Bureau, and department members for their own department's entries."""
    return dongchang_evaluation(context, data_dict)
