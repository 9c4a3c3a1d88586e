"""Auth around CKAN's dataset collaborators (issue 14 item 9).

CKAN's own auth functions for listing, adding and removing collaborators *assert* that the
caller is a logged-in user and that the entry exists, so an anonymous call (or one naming no
entry) failed with a 500 instead of a refusal. Refuse those here, before CKAN's asserts run;
everyone else is judged by CKAN as before.

Deletion (issue 17 item 5): a department may not delete a published or submitted entry (only
the Bureau takes it out of the catalog, on a withdrawal request), and deleting a file of such
an entry is judged as the change it is.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.dongchang.catalog import revisions
from ckanext.dongchang.kernel.chains import refusing_first

__all__ = [
    "package_collaborator_list", "package_collaborator_create", "package_collaborator_delete",
    "package_delete", "resource_delete",
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


# CKAN's collaborator auth functions, once :func:`_refusal` has nothing to say.
package_collaborator_list, package_collaborator_create, package_collaborator_delete = (
    refusing_first(f"package_collaborator_{verb}", _refusal)
    for verb in ("list", "create", "delete"))


@tk.chained_auth_function
def package_delete(next_auth: AuthFunction, context: Context,
                   data_dict: DataDict | None = None) -> AuthResult:
    """A department deletes its drafts and returned entries, never a published or submitted
    one: that leaves the catalog only by a withdrawal the Bureau approves (issue 17 item 5).
    Refusing here also hides CKAN's delete button on the edit form."""
    refusal = revisions.delete_refusal(context, (data_dict or {}).get("id"))
    if refusal:
        return {"success": False, "msg": refusal}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def resource_delete(next_auth: AuthFunction, context: Context,
                    data_dict: DataDict | None = None) -> AuthResult:
    """CKAN lets whoever may delete an entry delete its files. On an entry a department may no
    longer delete (above), deleting a file is a change the Bureau reviews (``catalog.revisions``
    holds it), so it is judged as one: by ``package_update``."""
    resource_id = (data_dict or {}).get("id")
    resource = model.Resource.get(resource_id) if isinstance(resource_id, str) else None
    if resource is not None and revisions.delete_refusal(context, resource.package_id):
        return authz.is_authorized("package_update", context, {"id": resource.package_id})
    return next_auth(context, data_dict)
