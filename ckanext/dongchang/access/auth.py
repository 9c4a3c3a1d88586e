"""Auth around CKAN's dataset collaborators (issue 14 item 9).

CKAN's own auth functions for listing, adding and removing collaborators *assert* that the
caller is a logged-in user and that the entry exists, so an anonymous call (or one naming no
entry) failed with a 500 instead of a refusal. Refuse those here, before CKAN's asserts run;
everyone else is judged by CKAN as before.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthFunction, AuthResult, Context, DataDict

__all__ = [
    "package_collaborator_list", "package_collaborator_create", "package_collaborator_delete",
]


def _refusal(context: Context, data_dict: DataDict | None) -> AuthResult | None:
    """A refusal when CKAN's auth function could not judge the call, else None."""
    user = context.get("auth_user_obj") or model.User.get(str(context.get("user") or ""))
    if not isinstance(user, model.User):
        return {"success": False, "msg": tk._("Log in to manage collaborators.")}
    entry_id = (data_dict or {}).get("id")
    if not isinstance(entry_id, str) or model.Package.get(entry_id) is None:
        return {"success": False, "msg": tk._("Not found")}
    return None


@tk.chained_auth_function
def package_collaborator_list(next_auth: AuthFunction, context: Context,
                              data_dict: DataDict | None = None) -> AuthResult:
    return _refusal(context, data_dict) or next_auth(context, data_dict)


@tk.chained_auth_function
def package_collaborator_create(next_auth: AuthFunction, context: Context,
                                data_dict: DataDict | None = None) -> AuthResult:
    return _refusal(context, data_dict) or next_auth(context, data_dict)


@tk.chained_auth_function
def package_collaborator_delete(next_auth: AuthFunction, context: Context,
                                data_dict: DataDict | None = None) -> AuthResult:
    return _refusal(context, data_dict) or next_auth(context, data_dict)
