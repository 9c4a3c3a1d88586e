"""Merging duplicate entries (Art. 15): the CKAN-facing work behind the merge task actions.

The Bureau marks two entries as duplicates (:func:`mark`); the departments that compile them
get a task with a deadline in working days (the catalog update deadline, Art. 16), a mail and an
audit row. A department editor of the entry to keep (or the Bureau) merges (:func:`merge`): the
other entry's data items (by name) and files (as new files of the kept entry) move to it
through ``package_update`` as the actor, so a published kept entry's change waits for the
Bureau's review like any other change (``revisions.update``); the other entry is deleted and
its old address leads to the kept entry for whoever may see it (:func:`redirect_target`).
Either department may decline with a reason instead (:func:`decline`).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.types import Context
from sqlalchemy.orm import aliased

from ckanext.dongchang.access import audience, enforcement
from ckanext.dongchang.access.rules import doors
from ckanext.dongchang.calendar import deadlines
from ckanext.dongchang.catalog import revisions, service
from ckanext.dongchang.catalog.merge_model import DuplicateMergeTask
from ckanext.dongchang.catalog.revision_model import PendingRevision
from ckanext.dongchang.catalog.rules import merge as rules
from ckanext.dongchang.catalog.rules import workflow
from ckanext.dongchang.delivery import upstream
from ckanext.dongchang.kernel import mail
from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.kernel.rows import row_by_id
from ckanext.dongchang.kernel.schema import invalid, refuse_errors

OBJECT_TYPE = "duplicate_merge"
# What a moved file keeps: what describes it, who may use it, and where it is.
_MOVED_RESOURCE_FIELDS = (*workflow.REVIEWED_RESOURCE_FIELDS, "mimetype", "size", "hash")


def _user(context: Context) -> model.User | None:
    return service._user(context)  # noqa: SLF001 - the catalog's one way to read the actor


def _entry_or_field_error(field: str, dataset_id: str) -> model.Package:
    """A live entry, or a ``ValidationError`` naming ``field`` (only the Bureau asks, and it
    sees every entry, so saying "not found" tells nobody anything)."""
    try:
        return service.get_entry(dataset_id)
    except tk.ObjectNotFound:
        raise invalid(field, rules.ENTRY_GONE) from None


def get_task(task_id: str, for_update: bool = False) -> DuplicateMergeTask:
    return row_by_id(DuplicateMergeTask, task_id, tk._("Merge task not found"), for_update)


def task_orgs(task: DuplicateMergeTask) -> set[str]:
    """The departments the task is addressed to: those compiling either entry."""
    rows = model.Session.query(model.Package.owner_org).filter(
        model.Package.id.in_(task.pair)).all()
    return {org for (org,) in rows if org}


def _open_task_exists(first: str, second: str) -> bool:
    return model.Session.query(DuplicateMergeTask.id).filter(
        DuplicateMergeTask.state == "open",
        sa.or_(sa.and_(DuplicateMergeTask.entry_id == first,
                       DuplicateMergeTask.duplicate_id == second),
               sa.and_(DuplicateMergeTask.entry_id == second,
                       DuplicateMergeTask.duplicate_id == first))).first() is not None


# --- the Bureau marks -------------------------------------------------------------------------

def mark(context: Context, data: dict[str, Any]) -> DuplicateMergeTask:
    entry = _entry_or_field_error("entry_id", data["entry_id"])
    duplicate = _entry_or_field_error("duplicate_id", data["duplicate_id"])
    keep = _entry_or_field_error("keep_id", data["keep_id"]) if data.get("keep_id") else None
    refuse_errors(rules.mark_errors(entry.id, duplicate.id, keep.id if keep else None,
                                    _open_task_exists(entry.id, duplicate.id)))
    due_on, provisional = deadlines.due_date(dt.date.today(), "catalog_update")
    user = _user(context)
    task = DuplicateMergeTask(entry_id=entry.id, duplicate_id=duplicate.id,
                              keep_id=keep.id if keep else None,
                              note=(data.get("note") or "").strip(), due_on=due_on,
                              due_on_provisional=provisional,
                              created_by=user.id if user else None)
    model.Session.add(task)
    model.Session.flush()
    AuditEvent.record(user.id if user else None, "duplicate_mark", OBJECT_TYPE, task.id,
                      entry_id=entry.id, duplicate_id=duplicate.id, keep_id=task.keep_id,
                      due_on=due_on.isoformat(), note=task.note)
    model.Session.commit()
    _notify_marked(task, entry, duplicate, keep)
    return task


_MARKED_MAIL = (
    lambda: tk._("Duplicate catalog entries to merge: %(entry)s / %(duplicate)s"),
    lambda: tk._(
        "The Big Data Bureau found that “%(entry)s” (%(entry_org)s) and “%(duplicate)s”"
        " (%(duplicate_org)s) describe the same data (Art. 15). The compiling department keeps"
        " one entry and moves the other's data items and files into it by %(due_on)s."
        " %(keep)s%(note)s\n\nMerge them or say why not: %(url)s"),
    lambda: tk._("The Bureau suggests keeping “%(title)s”. "),
    lambda: tk._("an entry your department may not see"),
)


def _notify_marked(task: DuplicateMergeTask, entry: model.Package, duplicate: model.Package,
                   keep: model.Package | None) -> int:
    """One bilingual mail to each editor and admin of either department; an entry the reader
    may not see is named only by its department (Art. 15 concerns them, DESIGN §4 still holds)."""
    orgs = {org.id: org for org in model.Session.query(model.Group).filter(
        model.Group.id.in_({entry.owner_org, duplicate.owner_org}))}

    def org_title(dataset: model.Package) -> str:
        org = orgs.get(dataset.owner_org)
        return (org.title or org.name) if org else ""

    subject, body, keep_line, unseen = _MARKED_MAIL
    users = {user.id: user for org_id in orgs for user in mail.editors_of(org_id)}
    sent = 0
    for user in users.values():
        seen = enforcement.visible_dataset_ids(audience.reader_context(user), task.pair)

        def title(dataset: model.Package, seen: set[str] = seen) -> str:
            return dataset.title if dataset.id in seen else unseen()

        def facts(seen: set[str] = seen, title: Any = title) -> dict[str, Any]:
            keep_text = keep_line() % {"title": title(keep)} if keep else ""
            return {"entry": title(entry), "duplicate": title(duplicate),
                    "entry_org": org_title(entry), "duplicate_org": org_title(duplicate),
                    "due_on": task.due_on.isoformat(), "note": task.note, "keep": keep_text,
                    "url": tk.config["ckan.site_url"].rstrip("/")
                    + f"/dongchang/merges/{task.id}"}

        sent += mail.send([user], lambda facts=facts: subject() % facts(),
                          lambda facts=facts: body() % facts())
    return sent


# --- the department merges or declines -------------------------------------------------------

def merge(context: Context, task_id: str, keep_id: str | None) -> DuplicateMergeTask:
    task = _current(get_task(task_id, for_update=True))
    keep = _resolve(keep_id or task.keep_id, task)
    refuse_errors(rules.merge_errors(task.state, task.pair, keep), rollback=True)
    assert keep is not None
    kept = _entry_or_field_error("keep_id", keep)
    other = _entry_or_field_error("id", rules.other_of(task.pair, keep))
    refuse_errors(rules.removal_errors(_published(other), _published(kept),
                                       _sees_whole(context, other.id), audience.is_bureau(context)),
                  rollback=True)
    service.get_entry(kept.id, for_update=True)
    service.get_entry(other.id, for_update=True)
    user = _user(context)
    # Out of ``open`` before the kept entry's save commits, so a second merge of the task
    # waiting on its lock finds it taken.
    task.state, task.kept_id = "in_review", kept.id
    task.removed_id, task.removed_name = other.id, other.name
    try:
        saved = _move_into(user, kept, other)  # commits (and indexes) the kept entry
    except Exception:
        model.Session.rollback()
        raise
    held = saved.get(revisions.HELD_KEY) if isinstance(saved, dict) else None
    task = get_task(task_id, for_update=True)
    if held:
        # The removed entry stays public until the Bureau publishes the kept entry's change
        # (:func:`on_review`): its data is never out of the catalog in between.
        task.revision_id = held["id"]
        AuditEvent.record(user.id if user else None, "duplicate_merge_submit", OBJECT_TYPE,
                          task.id, kept_id=kept.id, removed_id=other.id,
                          revision_id=task.revision_id)
        model.Session.commit()
        return task
    _finish(task, user)
    return task


def _finish(task: DuplicateMergeTask, user: model.User | None) -> None:
    """Close the task and delete the entry not kept (which commits): its address now leads
    to the kept entry."""
    task.state = "merged"
    task.closed_on, task.closed_by = dt.date.today(), user.id if user else None
    AuditEvent.record(user.id if user else None, "duplicate_merge", OBJECT_TYPE, task.id,
                      kept_id=task.kept_id, removed_id=task.removed_id,
                      removed_name=task.removed_name, revision_id=task.revision_id)
    tk.get_action("package_delete")(_trusted(user), {"id": task.removed_id})


def on_review(sender: str, **kwargs: Any) -> None:
    """``action_succeeded`` receiver: the Bureau decided a change that carries a merge. Published,
    the merge is finished; returned, the task is open again with the Bureau's reason."""
    if sender != "dongchang_catalog_review":
        return
    revision = (kwargs.get("result") or {}).get("revision") or {}
    if revision.get("state") not in ("approved", "returned"):
        return
    task = (model.Session.query(DuplicateMergeTask)
            .filter(DuplicateMergeTask.revision_id == revision.get("id"),
                    DuplicateMergeTask.state == "in_review")
            .with_for_update().one_or_none())
    if task is None:
        return
    user = _user(kwargs.get("context") or {})
    if revision["state"] == "approved":
        _finish(task, user)
        return
    task.state, task.reason = "open", revision.get("reason") or ""
    task.kept_id = task.removed_id = task.removed_name = task.revision_id = None
    AuditEvent.record(user.id if user else None, "duplicate_merge_returned", OBJECT_TYPE,
                      task.id, revision_id=revision.get("id"), reason=task.reason)
    model.Session.commit()


def _revision_state(task: DuplicateMergeTask) -> str | None:
    if not task.revision_id:
        return None
    revision = model.Session.get(PendingRevision, task.revision_id)
    return revision.state if revision is not None else None


def _current(task: DuplicateMergeTask) -> DuplicateMergeTask:
    """The locked task, open again if its held change was withdrawn meanwhile."""
    if rules.effective_state(task.state, _revision_state(task)) == "open" \
            and task.state == "in_review":
        task.state = "open"
        task.kept_id = task.removed_id = task.removed_name = task.revision_id = None
    return task


def _sees_whole(context: Context, dataset_id: str) -> bool:
    """Whether the actor may see the entry and every one of its files as they are (a file of
    another version, or withheld, would move data to the actor's department it was not given)."""
    try:
        seen = tk.get_action("package_show")(audience.reader_context(context),
                                             {"id": dataset_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return False
    whole = service.current_entry(dataset_id)
    urls = {r["id"]: r.get("url") for r in seen.get("resources") or []}
    return all(urls.get(r["id"]) == r.get("url") for r in whole.get("resources") or [])


def _published(dataset: model.Package) -> bool:
    return (dataset.extras or {}).get("catalog_state") == "published"


def _resolve(dataset_id: str | None, task: DuplicateMergeTask) -> str | None:
    """An id or name of one of the task's entries as its id (a name of any other entry stays
    as given, and the rules refuse it)."""
    if not dataset_id:
        return None
    dataset = model.Package.get(dataset_id)
    return dataset.id if dataset is not None and dataset.id in task.pair else dataset_id


def _trusted(user: model.User | None) -> Context:
    """The actor's name (for the activity stream and the review hold) with the checks done:
    the merge action already checked that this person may merge this task."""
    return {"user": user.name if user else "", "auth_user_obj": user, "ignore_auth": True}


def _move_into(user: model.User | None, kept: model.Package, other: model.Package) -> Any:
    """The kept entry with the other's data items (by name) and files, saved as the actor: a
    department's change of a published entry is held for the Bureau's review."""
    kept_dict = service.current_entry(kept.id)
    other_dict = service.current_entry(other.id)
    update = dict(kept_dict,
                  data_items=rules.merged_items(kept_dict.get("data_items"),
                                                other_dict.get("data_items")),
                  resources=list(kept_dict.get("resources") or [])
                  + [_moved_file(resource) for resource in other_dict.get("resources") or []])
    return tk.get_action("package_update")(_trusted(user), update)


def _moved_file(resource: dict[str, Any]) -> dict[str, Any]:
    """A file of the removed entry as a new file of the kept one (CKAN gives a resource id to
    one entry only): what describes it and where it is. The catalog links its data; a file
    uploaded to the site cannot move with its address, so the department moves it by hand.
    A registered upstream moves with its registration (:func:`_carried_upstream`)."""
    if resource.get("url_type") == "upload":
        raise invalid("resources", rules.UPLOADED_FILE)
    moved = {name: resource[name] for name in _MOVED_RESOURCE_FIELDS if name in resource}
    if resource.get("url_type") == doors.UPSTREAM:
        moved = _carried_upstream(resource["id"], moved)
    return moved


def _carried_upstream(old_id: str, moved: dict[str, Any]) -> dict[str, Any]:
    """The moved file as an upstream at the address kept for its old id: ``package_update``
    takes the address out first (``upstream.take_addresses``) and registers it under the id the
    file gets, in the merge's own change, so it is never stored, shown or held as text. The
    old id's row stays with the removed entry (deleted: nothing downloads through it)."""
    moved = {name: value for name, value in moved.items() if name != "url"}
    moved["url_type"] = doors.UPSTREAM
    address = upstream.address_of(old_id)
    if address:
        moved[upstream.ADDRESS_FIELD] = address
    return moved


def decline(context: Context, task_id: str, reason: str) -> DuplicateMergeTask:
    task = _current(get_task(task_id, for_update=True))
    refuse_errors(rules.decline_errors(task.state, reason), rollback=True)
    user = _user(context)
    task.state, task.reason = "declined", reason.strip()
    task.closed_on, task.closed_by = dt.date.today(), user.id if user else None
    AuditEvent.record(user.id if user else None, "duplicate_decline", OBJECT_TYPE, task.id,
                      reason=task.reason)
    model.Session.commit()
    return task


# --- reading ----------------------------------------------------------------------------------

def list_tasks(context: Context, filters: dict[str, Any]) -> dict[str, Any]:
    """The Bureau's every task, a department's own (either entry is its), open ones first by
    due date."""
    today = dt.date.today()
    entry, duplicate = aliased(model.Package), aliased(model.Package)
    query = (model.Session.query(DuplicateMergeTask)
             .join(entry, entry.id == DuplicateMergeTask.entry_id)
             .join(duplicate, duplicate.id == DuplicateMergeTask.duplicate_id))
    if not audience.is_bureau(context):
        orgs = service.editable_org_ids(context.get("user"))
        query = query.filter(sa.or_(entry.owner_org.in_(orgs), duplicate.owner_org.in_(orgs)))
    if filters.get("org"):
        org_id = service.get_org(filters["org"]).id
        query = query.filter(sa.or_(entry.owner_org == org_id, duplicate.owner_org == org_id))
    state = filters.get("state")
    if state == "overdue":
        query = query.filter(DuplicateMergeTask.state == "open",
                             DuplicateMergeTask.due_on < today)
    elif state:
        query = query.filter(DuplicateMergeTask.state == state)
    limit, page = filters["limit"], filters["page"]
    count = query.count()
    rows = (query.order_by(sa.case((DuplicateMergeTask.state == "open", 0), else_=1),
                           DuplicateMergeTask.due_on, DuplicateMergeTask.created,
                           DuplicateMergeTask.id)
            .offset((page - 1) * limit).limit(limit).all())
    return {"count": count, "page": page, "limit": limit,
            "results": task_dicts(rows, context, today)}


def task_dicts(rows: list[DuplicateMergeTask], context: Context | None = None,
               today: dt.date | None = None) -> list[dict[str, Any]]:
    """The tasks as the API gives them. With the reader's ``context`` (not the Bureau's), an
    entry the reader may not see is named by its department only: no id, name or title."""
    today = today or dt.date.today()
    ids = {i for task in rows for i in (*task.pair, task.keep_id, task.kept_id) if i}
    datasets = {p.id: p for p in model.Session.query(model.Package)
                .filter(model.Package.id.in_(ids))} if ids else {}
    orgs = {g.id: g for g in model.Session.query(model.Group).filter(
        model.Group.id.in_({p.owner_org for p in datasets.values() if p.owner_org}))} \
        if datasets else {}
    users = {u.id: u for u in model.Session.query(model.User).filter(model.User.id.in_(
        {i for task in rows for i in (task.created_by, task.closed_by) if i}))} if rows else {}
    hidden: set[str] = set()
    if context is not None and not audience.is_bureau(context):
        hidden = set(datasets) - enforcement.visible_dataset_ids(context, datasets)
    held = [task.revision_id for task in rows if task.revision_id]
    revisions_states = dict(model.Session.query(PendingRevision.id, PendingRevision.state)
                            .filter(PendingRevision.id.in_(held)).all()) if held else {}
    days = deadlines.calendar()
    out = []
    for task in rows:
        state = rules.effective_state(task.state, revisions_states.get(task.revision_id))
        status = rules.task_status(state, task.due_on, today)
        item = _masked(task.as_dict(), hidden)
        item.update(
            state=state,
            entry=_entry_brief(datasets.get(task.entry_id), orgs, hidden),
            duplicate=_entry_brief(datasets.get(task.duplicate_id), orgs, hidden),
            status=status, overdue=status == "overdue",
            working_days_overdue=days.working_days_between(task.due_on, today)
            if status == "overdue" else 0,
            created_by_name=_name(users.get(task.created_by)),
            closed_by_name=_name(users.get(task.closed_by)),
        )
        out.append(item)
    return out


def _masked(item: dict[str, Any], hidden: set[str]) -> dict[str, Any]:
    for field in ("entry_id", "duplicate_id", "keep_id", "kept_id", "removed_id"):
        if item.get(field) in hidden:
            if field == "removed_id":
                item["removed_name"] = ""
            item[field] = ""
    return item


def _name(user: model.User | None) -> str:
    return user.display_name if user else ""


def _entry_brief(dataset: model.Package | None, orgs: dict[str, model.Group],
                 hidden: set[str]) -> dict[str, Any]:
    if dataset is None:
        return {}
    org = orgs.get(dataset.owner_org)
    brief = {"owner_org": dataset.owner_org, "org_title": (org.title or org.name) if org else "",
             "hidden": dataset.id in hidden}
    if brief["hidden"]:
        return dict(brief, id="", name="", title="", state="", catalog_state="")
    return dict(brief, id=dataset.id, name=dataset.name, title=dataset.title,
                state=dataset.state,
                catalog_state=(dataset.extras or {}).get("catalog_state") or "draft")


def redirect_target(name_or_id: str, context: Context) -> str | None:
    """The kept entry's name when ``name_or_id`` names an entry removed by a merge and the
    viewer may see the kept entry; otherwise ``None`` (the old address answers as a missing
    entry would, so it tells nobody that a hidden entry exists)."""
    task = (model.Session.query(DuplicateMergeTask)
            .filter(DuplicateMergeTask.state == "merged",
                    sa.or_(DuplicateMergeTask.removed_name == name_or_id,
                           DuplicateMergeTask.removed_id == name_or_id))
            .order_by(DuplicateMergeTask.closed_on.desc()).first())
    if task is None or not task.kept_id:
        return None
    removed = model.Package.get(task.removed_id) if task.removed_id else None
    if removed is None or removed.state != "deleted":
        return None  # the name was given back to a live entry
    try:
        kept = tk.get_action("package_show")(context, {"id": task.kept_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    return kept["name"]
