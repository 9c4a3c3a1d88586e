"""Auth functions: same names as the actions they guard."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel.auth import allowed, allowed_if, refused, registered_users
from ckanext.dongchang.kernel.chains import named
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.requests import actions, authority, service

# One auth function per action, under its name; the audit log's action is oversight/audit.py's,
# the request picker's is pickers.py's.
__all__ = [*actions.__all__, "dongchang_audit_list", "dongchang_request_autocomplete"]


# Any registered user; anonymous visitors are asked to log in (the applicant must be known).
dongchang_access_request_create = registered_users(N_("Log in to apply for access."))
# The request picker names the caller's own requests only (issue 17 item 8).
dongchang_request_autocomplete = registered_users(N_("Log in to choose your requests."))


def _request(data_dict: DataDict):
    try:
        return service.get_request(data_dict.get("id"))
    except (tk.ObjectNotFound, tk.ValidationError):
        return None


def dongchang_access_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    request = _request(data_dict)
    return allowed_if(request is not None and service.may_view(context.get("user", ""), request),
                      tk._("Only the applicant and the providing department can see this request."))


def dongchang_access_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    user = context.get("user")
    if not user:
        return refused(tk._("Log in to see your requests."))
    org = data_dict.get("org")
    if not org:
        return allowed()
    group = model.Group.get(org)
    city = authority.city_bureau_org()
    return allowed_if(group is not None and (
        audience.department_role_permits(group.id, user, "update_dataset")
        or audience.memberships_for(user).is_bureau
        or (city is not None and group.id == city.id
            and authority.acts_for_city_bureau(model.User.get(user)))),
        tk._("Only the department's editors and the Bureau can see its requests."))


def _decider(action: str):
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        request = _request(data_dict)
        return allowed_if(
            request is not None and service.may_decide(context.get("user", ""), request, action),
            tk._("Only the deciding side decides on a request (the providing department; the city"
                 " Big Data Bureau for a non-government applicant's share request), and never"
                 " on its own."))

    return named(auth, f"dongchang_access_request_{action}")


(dongchang_access_request_approve, dongchang_access_request_refuse,
 dongchang_access_request_return, dongchang_access_request_revoke,
 dongchang_access_request_extend, dongchang_access_request_verify) = map(
    _decider, ("approve", "refuse", "return", "revoke", "extend", "verify"))


def dongchang_access_request_opinion(context: Context, data_dict: DataDict) -> AuthResult:
    request = _request(data_dict)
    return allowed_if(
        request is not None and authority.may(context.get("user", ""), request, "opinion"),
        tk._("Only the providing department gives an opinion, on requests the city Big Data"
             " Bureau decides."))


def dongchang_agreement_sign(context: Context, data_dict: DataDict) -> AuthResult:
    """The applicant and the deciding side sign; nobody else."""
    request = _request(data_dict)
    user = model.User.get(context.get("user") or "")
    return allowed_if(request is not None and user is not None and (
        user.id == request.requester_id or authority.may(user.name, request, "sign")),
        tk._("Only the deciding side and the applicant sign the agreement."))


def _applicant(context: Context, data_dict: DataDict) -> AuthResult:
    request = _request(data_dict)
    user = model.User.get(context.get("user") or "")
    return allowed_if(request is not None and user is not None and user.id == request.requester_id,
                      tk._("Only the applicant can do this."))


dongchang_access_request_withdraw = _applicant
dongchang_access_request_resubmit = _applicant


def dongchang_audit_list(context: Context, data_dict: DataDict) -> AuthResult:
    return allowed_if(audience.is_bureau(context),
                      tk._("Only the Big Data Bureau can read the audit log."))
