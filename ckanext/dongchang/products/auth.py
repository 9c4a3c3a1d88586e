"""Auth of data products (F-7). Same names as the actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.dongchang.access import audience

__all__ = [
    "dongchang_product_register", "dongchang_product_citation",
    "dongchang_product_proposed_source", "dongchang_product_list", "dongchang_utilisation",
]


def dongchang_product_register(context: Context, data_dict: DataDict) -> AuthResult:
    """Any registered user: the registrant must be known (their grants back the sources)."""
    if not context.get("user"):
        return {"success": False, "msg": tk._("Log in to register a data product.")}
    return {"success": True}


dongchang_product_proposed_source = dongchang_product_register


@tk.auth_allow_anonymous_access
def dongchang_product_citation(context: Context, data_dict: DataDict) -> AuthResult:
    """Product records are public; the action still applies ``package_show`` to the product
    and cites hidden sources without their details."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def dongchang_product_list(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def dongchang_utilisation(context: Context, data_dict: DataDict) -> AuthResult:
    if audience.is_bureau(context):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the Big Data Bureau tracks the utilisation of granted data.")}
