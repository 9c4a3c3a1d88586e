"""Auth of catalog management: same names as the actions they guard.

The Bureau (sysadmins and admins of the Bureau's organisation) reviews; a department's editors
and admins submit, record and report changes; its admins import.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.catalog import actions, service
from ckanext.dongchang.kernel.auth import allowed, allowed_if, anyone, refused
from ckanext.dongchang.kernel.messages import N_

# One auth function per action, under its name (the entry picker's action is in pickers.py).
__all__ = [*actions.__all__, "dongchang_entry_autocomplete"]

# The entry picker searches as the caller: what it names is filtered, not refused (item 8).
dongchang_entry_autocomplete = anyone


def _entry(dataset_id: object) -> model.Package | None:
    try:
        return service.get_entry(str(dataset_id or ""))
    except tk.ObjectNotFound:
        return None


def _bureau_or_editor(entry_key: str, refusal: str) -> AuthFunction:
    """The auth of an action on one entry (named by ``entry_key``) that the Bureau and the
    entry's department's editors and admins may call; others get ``refusal`` (a msgid)."""
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        dataset = _entry(data_dict.get(entry_key))
        return allowed_if(dataset is not None and context.get("user") and (
            audience.is_bureau(context) or service.may_edit(context["user"], dataset)),
            tk._(refusal))
    return auth


dongchang_catalog_submit = _bureau_or_editor(
    "id", N_("Only the department's editors and admins can submit its entries."))
dongchang_catalog_withdraw = _bureau_or_editor(
    "id", N_("Only the department's editors and admins can ask to withdraw its entries."))

dongchang_catalog_review = audience.bureau_only(N_("Only the Big Data Bureau reviews the catalog."))
dongchang_catalog_mark_duplicate = dongchang_catalog_review


def dongchang_catalog_list(context: Context, data_dict: DataDict) -> AuthResult:
    if not context.get("user"):
        return refused(tk._("Log in to see catalog entries under review."))
    org = data_dict.get("org")
    if audience.is_bureau(context):
        return allowed()
    group = model.Group.get(org) if org else None
    if org and (group is None or not audience.department_role_permits(
            group.id, context["user"], "update_dataset")):
        return refused(tk._("Only the department's editors and the Bureau can see its entries"
                        " under review."))
    return allowed()


# Held changes are listed by the same rule: the Bureau, and editors for their own departments.
dongchang_catalog_revision_list = dongchang_catalog_list


dongchang_duplicate_candidates = _bureau_or_editor(
    "id", N_("Only the Bureau and the entry's department can look for its duplicates."))
dongchang_catalog_change_create = _bureau_or_editor(
    "dataset_id", N_("Only the department's editors and admins can record changes to its"
                     " entries."))


def dongchang_catalog_change_list(context: Context, data_dict: DataDict) -> AuthResult:
    if not context.get("user"):
        return refused(tk._("Log in to see catalog changes."))
    if audience.is_bureau(context):
        return allowed()
    org = data_dict.get("org")
    if org:
        group = model.Group.get(org)
        return allowed_if(group is not None and audience.department_role_permits(
            group.id, context["user"], "update_dataset"),
            tk._("Only the department's editors and the Bureau can see its changes."))
    return allowed_if(service.editable_org_ids(context["user"]),
                      tk._("Only department editors and the Bureau can see catalog changes."))


_reports_on_entry = _bureau_or_editor(
    "dataset_id", N_("Only the department's editors and admins can report its changes."))


def dongchang_catalog_change_report(context: Context, data_dict: DataDict) -> AuthResult:
    """The Bureau and the editors and admins of the changed entry's department."""
    try:
        change = service.get_change(str(data_dict.get("id") or ""))
    except tk.ObjectNotFound:
        change = None
    return _reports_on_entry(context, {"dataset_id": change.dataset_id if change else None})


def dongchang_catalog_import(context: Context, data_dict: DataDict) -> AuthResult:
    """Department admins import (a bulk change of the department's catalog); so do
    sysadmins. A Bureau admin who is not a sysadmin is a reviewer, not a publisher."""
    user = context.get("user")
    org = model.Group.get(str(data_dict.get("org") or ""))
    return allowed_if(
        user and org is not None and audience.department_role_permits(org.id, user, "admin"),
        tk._("Only the department's admins can import its catalog."))


def dongchang_catalog_export(context: Context, data_dict: DataDict) -> AuthResult:
    user = context.get("user")
    org = model.Group.get(str(data_dict.get("org") or ""))
    return allowed_if(user and org is not None and (
        audience.is_bureau(context)
        or audience.department_role_permits(org.id, user, "update_dataset")),
        tk._("Only the department's editors and the Bureau can export its catalog."))
