"""The two answers of every auth function, written once."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict


def allowed() -> AuthResult:
    return {"success": True}


def refused(message: str) -> AuthResult:
    """Refused, saying why (a translated message: the caller sees it in the 403)."""
    return {"success": False, "msg": message}


def allowed_if(condition: object, refusal: str) -> AuthResult:
    """Allowed when ``condition`` holds, else refused saying why (``refusal``, translated):
    the answer of every auth function that is one question."""
    return allowed() if condition else refused(refusal)


@tk.auth_allow_anonymous_access
def anyone(context: Context, data_dict: DataDict) -> AuthResult:
    """The auth of a public action: anyone, logged in or not (what it shows is filtered by
    who reads it, not refused)."""
    return allowed()


def registered_users(refusal: str) -> AuthFunction:
    """The auth of an action any logged-in user may call (the caller must be known, e.g. as
    applicant or registrant); a visitor is refused with ``refusal`` (a msgid, ``N_``)."""
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        return allowed_if(bool(context.get("user")), tk._(refusal))
    return auth
