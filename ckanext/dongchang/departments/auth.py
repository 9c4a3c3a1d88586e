"""Auth around departments (F-1): the Bureau creates them whatever the site lets users do."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.dongchang.access import audience

__all__ = ["organization_create"]


@tk.chained_auth_function
def organization_create(next_auth: AuthFunction, context: Context,
                        data_dict: DataDict | None = None) -> AuthResult:
    """The Bureau (sysadmins and Bureau admins) creates departments even where
    ``ckan.auth.user_create_organizations`` is off (as the site config sets it); anyone else
    as CKAN decides — and what they create is no department (``policy.departments``)."""
    if audience.is_bureau(context):
        return {"success": True}
    return next_auth(context, data_dict)
