"""Auth of merge tasks (Art. 15): the Bureau marks duplicates; the departments compiling them
merge (an editor of the kept entry's department) or decline (either department)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.catalog import merges, service
from ckanext.dongchang.catalog.merge_model import DuplicateMergeTask
from ckanext.dongchang.kernel.auth import allowed, allowed_if, refused
from ckanext.dongchang.kernel.messages import N_

__all__ = ["dongchang_duplicate_mark", "dongchang_duplicate_merge",
           "dongchang_duplicate_decline", "dongchang_duplicate_task_list",
           "dongchang_duplicate_task_show"]


def _bureau(context: Context) -> bool:
    return bool(context.get("user")) and audience.is_bureau(context)


def _task(data_dict: DataDict) -> DuplicateMergeTask | None:
    try:
        return merges.get_task(str(data_dict.get("id") or ""))
    except tk.ObjectNotFound:
        return None


def _edits_one_of(context: Context, org_ids: set[str]) -> bool:
    user = context.get("user")
    return bool(user) and any(audience.department_role_permits(org_id, user, "update_dataset")
                              for org_id in org_ids)


def dongchang_duplicate_mark(context: Context, data_dict: DataDict) -> AuthResult:
    return allowed_if(_bureau(context),
                      tk._("Only the Big Data Bureau marks duplicate catalog entries."))


def dongchang_duplicate_merge(context: Context, data_dict: DataDict) -> AuthResult:
    """The Bureau, or an editor of the department compiling the entry kept (while no entry is
    chosen, of either department: the merge then asks which to keep)."""
    task = _task(data_dict)
    if task is not None and _bureau(context):
        return allowed()
    if task is not None:
        keep = data_dict.get("keep_id") or task.keep_id
        kept = model.Package.get(str(keep)) if keep else None
        if kept is not None and kept.id in task.pair:
            orgs = {kept.owner_org} if kept.owner_org else set()
        else:
            orgs = merges.task_orgs(task)
        if _edits_one_of(context, orgs):
            return allowed()
    return refused(tk._("Only the department compiling the entry kept, or the Big Data Bureau,"
                        " merges duplicate entries."))


def _concerned_only(refusal: str) -> AuthFunction:
    """The auth of an action on a task that only its departments and the Bureau may call;
    others are refused with ``refusal`` (a msgid)."""
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        task = _task(data_dict)
        return allowed_if(task is not None and (
            _bureau(context) or _edits_one_of(context, merges.task_orgs(task))), tk._(refusal))
    return auth


dongchang_duplicate_decline = _concerned_only(N_(
    "Only the departments compiling the duplicate entries can decline their merge."))
dongchang_duplicate_task_show = _concerned_only(N_(
    "Only the departments concerned and the Big Data Bureau can see a merge task."))


def dongchang_duplicate_task_list(context: Context, data_dict: DataDict) -> AuthResult:
    if _bureau(context):
        return allowed()
    org = data_dict.get("org")
    if org:
        group = model.Group.get(str(org))
        if group is not None and _edits_one_of(context, {group.id}):
            return allowed()
    elif context.get("user") and service.editable_org_ids(context["user"]):
        return allowed()
    return refused(tk._("Only department editors and the Big Data Bureau can see merge"
                        " tasks."))
