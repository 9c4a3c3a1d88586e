"""Catalog management (F-10, F-11): the CKAN-facing service behind the catalog actions and pages.

The rules are pure code in ``policy.catalog_workflow``; this module adds what needs CKAN and the
database: locking an entry while it changes state, saving the state through ``package_update``
(so validation, the search index, permission labels and the activity stream all follow), the
audit trail, duplicate and one-data-one-source checks, change events with working-day deadlines,
and the mails that tell departments what happened.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.types import Context

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.access import audience
from ckanext.dongchang.calendar import deadlines
from ckanext.dongchang.catalog import duplicates as dup
from ckanext.dongchang.catalog.model import CatalogChange
from ckanext.dongchang.catalog.revision_model import PendingRevision
from ckanext.dongchang.catalog.rules import classes, workflow
from ckanext.dongchang.kernel import mail
from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.kernel.messages import Message, render
from ckanext.dongchang.kernel.rows import of_entry, one_or_not_found, page_of, row_by_id
from ckanext.dongchang.kernel.rules import parse_date
from ckanext.dongchang.kernel.schema import invalid, refuse_errors

OBJECT_TYPE = "dataset"
# Audit actions of the review workflow, in the order an entry meets them.
SUBMIT_ACTIONS = ("catalog_submit", "catalog_resubmit_on_change")
# Shown with every entry of the review queue (issue 17 item 10).
REVIEW_CLASS_FIELDS = ("share_class", "share_conditions", "share_legal_basis", "open_class",
                       "open_conditions", "open_legal_basis", "security_grade")
WORKFLOW_ACTIONS = (*SUBMIT_ACTIONS, "catalog_review_publish", "catalog_review_return",
                    "catalog_mark_duplicate")
CONTEXT_FLAG = "dongchang_workflow"  # read by the catalog_state validator
# The published entry as it was before a publisher's save (set by ``revisions.update``).
STORED_CLASSES = "dongchang_stored_extras"
# Set by ``revisions`` when a save gives a file to fewer people (issue 16 item 1): the
# ``catalog_state`` validator then sends the entry back to review, as a class going down does.
FILES_NARROWED = "dongchang_files_narrowed"


# --- helpers ----------------------------------------------------------------------------------

def _user(context: Context) -> model.User | None:
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    return model.User.get(context.get("user") or "") if context.get("user") else None


def editable_org_ids(user_name: str | None) -> set[str]:
    """Departments where the user edits the catalog (editor or admin); read from the
    request's memberships, so several lists on one page cost no extra query."""
    if not user_name:
        return set()
    return {role.id for role in audience.memberships_for(user_name).editing_departments()}


def may_edit(user_name: str | None, dataset: model.Package) -> bool:
    return audience.department_role_permits(dataset.owner_org, user_name, "update_dataset")


def get_entry(dataset_id: str, for_update: bool = False) -> model.Package:
    """A live catalog entry (not a data product); ``for_update`` locks its row until commit."""
    query = model.Session.query(model.Package).filter(
        sa.or_(model.Package.id == dataset_id, model.Package.name == dataset_id),
        model.Package.type == "dataset", model.Package.state == "active")
    return one_or_not_found(query, tk._("Catalog entry not found"), for_update)


def get_org(org_id: str) -> model.Group:
    org = audience.department_named(org_id)
    if org is None:
        raise tk.ObjectNotFound(tk._("Department not found"))
    return org


def current_entry(dataset_id: str) -> dict[str, Any]:
    """The entry as ``package_show`` gives it to trusted code (no viewer, nothing stripped)."""
    return tk.get_action("package_show")({"ignore_auth": True, "use_cache": False},
                                         {"id": dataset_id})


def _state(dataset: model.Package) -> str:
    return (dataset.extras or {}).get("catalog_state") or "draft"


def _save_state(context: Context, dataset_id: str, state: str) -> dict[str, Any]:
    """Save the new state through ``package_update``: the whole entry is validated again and
    the index, labels and activity stream follow. Commits (with any audit event added before).

    The update starts from the trusted ``package_show`` (not the actor's, which may have
    resource URLs blanked for them) so nothing else of the entry changes.
    """
    entry = current_entry(dataset_id)
    entry["catalog_state"] = state
    user = _user(context)
    update_context = {"user": user.name if user else "", "auth_user_obj": user,
                      "ignore_auth": True, CONTEXT_FLAG: True}
    return tk.get_action("package_update")(update_context, entry)


def record_resubmission(context: Context, entry: dict[str, Any]) -> None:
    """After a publisher's save of a published entry (``after_dataset_update``, so in the save's
    transaction): when the ``catalog_state`` validator sent it back to review because its
    classes changed (Art. 15), the audit log says so and which fields changed. The validator
    only decides; the record is written here."""
    before = context.pop(STORED_CLASSES, None)
    if before is None or entry.get("catalog_state") != "submitted":
        return
    user = _user(context)
    AuditEvent.record(user.id if user else None, "catalog_resubmit_on_change", OBJECT_TYPE,
                      entry["id"], from_state=before.get("catalog_state"), to_state="submitted",
                      changed_fields=workflow.changed_fields(before, entry))


# --- review workflow (Art. 15) ----------------------------------------------------------------

def submit(context: Context, dataset_id: str) -> dict[str, Any]:
    """A department submits a draft or returned entry for the Bureau's review."""
    dataset = get_entry(dataset_id, for_update=True)
    state = _state(dataset)
    refuse_errors(workflow.submit_errors(state))
    entry = current_entry(dataset.id)
    # An entry is submitted to be published: what would stop publication stops submission.
    refuse_errors(classes.classification_errors(dict(entry, catalog_state="published")))
    duplicates = dup.candidates(context, dataset)
    warnings = dup.source_warnings(context, dataset)
    refuse_errors(workflow.recollection_errors(warnings, entry.get("recollection_reason")))
    marked = _duplicate_mark(dataset.id)
    if marked:
        warnings.insert(0, {"kind": "marked_duplicate", "item": "", "org": "", "orgs": [],
                            "datasets": [marked], "message": Message(
                                workflow.MARKED_DUPLICATE,
                                title=marked.get("title") or marked.get("name") or "")})
    user = _user(context)
    AuditEvent.record(user.id if user else None, "catalog_submit", OBJECT_TYPE, dataset.id,
                      from_state=state, to_state="submitted",
                      warnings=[{k: w[k] for k in ("kind", "item", "org")} for w in warnings],
                      duplicate_ids=[d["id"] for d in duplicates])
    _save_state(context, dataset.id, "submitted")
    return {"id": dataset.id, "name": dataset.name, "title": dataset.title,
            "catalog_state": "submitted", "duplicates": duplicates,
            "warnings": _rendered_warnings(warnings)}


def _rendered_warnings(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(w, message=render(w["message"], tk._)) for w in warnings]


def review(context: Context, dataset_id: str, decision: str, reason: str = "") -> dict[str, Any]:
    """The Bureau publishes a submitted entry or returns it with the reason."""
    reason = (reason or "").strip()
    dataset = get_entry(dataset_id, for_update=True)
    state = _state(dataset)
    refuse_errors(workflow.review_errors(state, decision, reason))
    new_state = workflow.decision_state(decision)
    detail: dict[str, Any] = {"from_state": state, "to_state": new_state, "reason": reason}
    if decision == "publish":
        entry = current_entry(dataset.id)
        # What the Bureau approved, so a later review can show what changed since.
        detail["reviewed"] = {name: entry.get(name) for name in workflow.REVIEW_FIELDS}
    user = _user(context)
    AuditEvent.record(user.id if user else None, f"catalog_review_{decision}", OBJECT_TYPE,
                      dataset.id, **detail)
    _save_state(context, dataset.id, new_state)
    notify_department(dataset.id, decision, reason)
    return entry_summary(dataset.id)


def mark_duplicate(context: Context, dataset_id: str, survivor_id: str,
                   reason: str = "") -> dict[str, Any]:
    """Withdraw an entry (back to draft, so private) as a duplicate of ``survivor_id``."""
    survivor = get_entry(survivor_id)
    dataset = get_entry(dataset_id, for_update=True)
    if survivor.id == dataset.id:
        raise invalid("survivor_id", workflow.SURVIVOR_IS_SELF)
    user = _user(context)
    AuditEvent.record(user.id if user else None, "catalog_mark_duplicate", OBJECT_TYPE,
                      dataset.id, from_state=_state(dataset), to_state="draft",
                      survivor_id=survivor.id, survivor_name=survivor.name,
                      survivor_title=survivor.title, reason=(reason or "").strip())
    _save_state(context, dataset.id, "draft")
    notify_department(dataset.id, "duplicate", reason, survivor=survivor)
    return dict(entry_summary(dataset.id), duplicate_of={
        "id": survivor.id, "name": survivor.name, "title": survivor.title})


def withdraw(context: Context, dataset_id: str) -> dict[str, Any]:
    """The Bureau approved a withdrawal: the entry leaves the catalog (back to draft, so
    private again); its department may revise and submit it later."""
    return _save_state(context, dataset_id, "draft")


def entry_summary(dataset_id: str) -> dict[str, Any]:
    dataset = get_entry(dataset_id)
    return {"id": dataset.id, "name": dataset.name, "title": dataset.title,
            "owner_org": dataset.owner_org, "catalog_state": _state(dataset),
            "private": dataset.private}


def _duplicate_mark(dataset_id: str) -> dict[str, Any] | None:
    """The survivor, if the entry's latest workflow event withdrew it as a duplicate."""
    event = _latest_events([dataset_id]).get(dataset_id)
    if event is None or event.action != "catalog_mark_duplicate":
        return None
    detail = event.detail or {}
    return {"id": detail.get("survivor_id"), "name": detail.get("survivor_name"),
            "title": detail.get("survivor_title")}


def _latest_events(dataset_ids: list[str],
                   actions: tuple[str, ...] = WORKFLOW_ACTIONS) -> dict[str, AuditEvent]:
    """The newest workflow audit event of each entry (one query)."""
    if not dataset_ids:
        return {}
    rows = (
        model.Session.query(AuditEvent)
        .filter(AuditEvent.object_id.in_(dataset_ids), AuditEvent.action.in_(actions))
        .order_by(AuditEvent.object_id, AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .distinct(AuditEvent.object_id)
        .all()
    )
    return {row.object_id: row for row in rows}


_BASELINE_SQL = sa.text("""
    SELECT data FROM activity
    WHERE object_id = :id AND activity_type IN ('new package', 'changed package')
      AND (data::jsonb -> 'package' ->> 'catalog_state') = 'published'
    ORDER BY timestamp DESC LIMIT 1
""")


def baseline(dataset_id: str) -> dict[str, Any] | None:
    """The version of the entry last published: the newest activity snapshot whose catalog
    state was ``published`` (the activity plugin keeps a full copy per change), else what the
    last publish decision recorded; ``None`` for an entry never published."""
    row = model.Session.execute(_BASELINE_SQL, {"id": dataset_id}).first()
    if row is not None:
        data = row[0] if isinstance(row[0], dict) else json.loads(row[0])
        return data.get("package") or None
    event = _latest_events([dataset_id], ("catalog_review_publish",)).get(dataset_id)
    return (event.detail or {}).get("reviewed") if event else None


def queue(context: Context, state: str = "submitted", org_id: str | None = None,
          page: int = 1, limit: int = 20, include_checks: bool = False,
          kind: str | None = None,
          submitted_before: dt.datetime | None = None) -> dict[str, Any]:
    """Entries in a catalog state, oldest change first, with what a reviewer needs.

    The Bureau sees every department; anyone else the departments where they edit.
    """
    catalog_state = model.Package.extras["catalog_state"].astext
    in_state = catalog_state == state
    if state == "submitted":  # a published entry with a change awaiting review is in review
        pending = sa.select(PendingRevision.dataset_id).where(PendingRevision.state == "pending")
        in_state = sa.or_(in_state, sa.and_(catalog_state == "published",
                                            model.Package.id.in_(pending)))
    query = model.Session.query(model.Package).filter(
        model.Package.type == "dataset", model.Package.state == "active", in_state)
    if org_id:
        query = query.filter(model.Package.owner_org == org_id)
    if state == "submitted" and kind:
        query = query.filter(catalog_state == ("submitted" if kind == "new" else "published"))
    if state == "submitted" and submitted_before is not None:
        query = query.filter(_waiting_since_before(catalog_state, submitted_before))
    if not audience.is_bureau(context):
        query = query.filter(model.Package.owner_org.in_(editable_org_ids(context.get("user"))))
    count = query.count()
    rows = (query.order_by(model.Package.metadata_modified, model.Package.id)
            .offset((page - 1) * limit).limit(limit).all())
    events = _latest_events([row.id for row in rows])
    submitted = _latest_events([row.id for row in rows], SUBMIT_ACTIONS)
    revisions = _pending_revisions([row.id for row in rows]) if state == "submitted" else {}
    orgs = {o.id: o for o in model.Session.query(model.Group)
            .filter(model.Group.id.in_({row.owner_org for row in rows if row.owner_org}))}
    results = []
    for dataset in rows:
        item = _queue_item(context, dataset, orgs.get(dataset.owner_org),
                           events.get(dataset.id), submitted.get(dataset.id), include_checks)
        revision = revisions.get(dataset.id)
        if revision is not None and _state(dataset) == "published":
            _add_revision(item, dataset, revision, include_checks)
        results.append(item)
    return {"count": count, "page": page, "limit": limit, "results": results}


def _waiting_since_before(catalog_state: Any, moment: dt.datetime) -> Any:
    """In the queue since before ``moment``: a new entry by its latest submission, a change of
    a published entry by the change's latest update (the review queue's age filter)."""
    entries = (sa.select(AuditEvent.object_id)
               .where(AuditEvent.action.in_(SUBMIT_ACTIONS))
               .group_by(AuditEvent.object_id)
               .having(sa.func.max(AuditEvent.occurred_at) < moment))
    changes = sa.select(PendingRevision.dataset_id).where(
        PendingRevision.state == "pending", PendingRevision.updated_at < moment)
    return sa.or_(sa.and_(catalog_state == "submitted", model.Package.id.in_(entries)),
                  sa.and_(catalog_state == "published", model.Package.id.in_(changes)))


def _pending_revisions(dataset_ids: list[str]) -> dict[str, PendingRevision]:
    if not dataset_ids:
        return {}
    rows = model.Session.query(PendingRevision).filter(
        PendingRevision.dataset_id.in_(dataset_ids), PendingRevision.state == "pending")
    return {row.dataset_id: row for row in rows}


def _add_revision(item: dict[str, Any], dataset: model.Package, revision: PendingRevision,
                  include_checks: bool) -> None:
    """A published entry in the queue for a change: the diff is published → proposed (the
    published version is what the public sees until the Bureau decides)."""
    submitter = model.User.get(revision.submitted_by) if revision.submitted_by else None
    item["revision"] = dict(revision.summary(),
                            submitted_by_name=submitter.display_name if submitter else "")
    item["submitted_at"] = revision.updated_at.isoformat()
    if include_checks:
        item["first_review"] = False
        item["changes"] = workflow.revision_diff(current_entry(dataset.id), revision.proposed)


def _queue_item(context: Context, dataset: model.Package, org: model.Group | None,
                event: AuditEvent | None, submitted: AuditEvent | None,
                include_checks: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": dataset.id, "name": dataset.name, "title": dataset.title,
        "owner_org": dataset.owner_org, "org_name": org.name if org else "",
        "org_title": (org.title or org.name) if org else "", "catalog_state": _state(dataset),
        "metadata_modified": dataset.metadata_modified.isoformat(),
        "submitted_at": submitted.occurred_at.isoformat() if submitted else None,
        "last_event": _event_dict(event),
    }
    if include_checks:
        before = baseline(dataset.id)
        item["first_review"] = before is None
        item["changes"] = workflow.review_diff(before, current_entry(dataset.id))
        item["duplicates"] = dup.candidates(context, dataset)
        item["warnings"] = _rendered_warnings(dup.source_warnings(context, dataset))
        # The classes and their legal bases, so the reviewer sees them beside the diff.
        item["classes"] = {field: (dataset.extras or {}).get(field) or ""
                           for field in REVIEW_CLASS_FIELDS}
        item["recollection_reason"] = (dataset.extras or {}).get("recollection_reason") or ""
    return item


def last_workflow_event(dataset_id: str) -> dict[str, Any] | None:
    """The entry's newest workflow event (submit, publish, return, duplicate mark) with its
    reason: the entry page tells its department why the Bureau returned it."""
    return _event_dict(_latest_events([dataset_id]).get(dataset_id))


def _event_dict(event: AuditEvent | None) -> dict[str, Any] | None:
    if event is None:
        return None
    actor = model.User.get(event.actor_id) if event.actor_id else None
    detail = event.detail or {}
    return {"action": event.action, "at": event.occurred_at.isoformat(),
            "actor": actor.display_name if actor else "", "reason": detail.get("reason", ""),
            "changed_fields": detail.get("changed_fields", []),
            "survivor": {"id": detail.get("survivor_id"), "name": detail.get("survivor_name"),
                         "title": detail.get("survivor_title")}
            if event.action == "catalog_mark_duplicate" else None}


# --- mails ------------------------------------------------------------------------------------

def _site_url(path: str) -> str:
    return tk.config["ckan.site_url"].rstrip("/") + path


_DECISION_MAILS = {
    "publish": (
        lambda: tk._("Catalog entry published: %(title)s"),
        lambda: tk._("The Big Data Bureau published “%(title)s”. %(url)s"),
    ),
    "return": (
        lambda: tk._("Catalog entry returned: %(title)s"),
        lambda: tk._("The Big Data Bureau returned “%(title)s” for revision: %(reason)s"
                     " Revise it and submit it again: %(url)s"),
    ),
    "duplicate": (
        lambda: tk._("Catalog entry withdrawn as a duplicate: %(title)s"),
        lambda: tk._("The Big Data Bureau withdrew “%(title)s” as a duplicate of"
                     " “%(survivor)s”. %(reason)s %(url)s"),
    ),
    "revision_publish": (
        lambda: tk._("Change published: %(title)s"),
        lambda: tk._("The Big Data Bureau approved your change to “%(title)s”; the new version"
                     " is now public. %(url)s"),
    ),
    "revision_return": (
        lambda: tk._("Change returned: %(title)s"),
        lambda: tk._("The Big Data Bureau returned your change to “%(title)s”: %(reason)s The"
                     " published version stays as it was. %(url)s"),
    ),
    "withdrawal_publish": (
        lambda: tk._("Catalog entry withdrawn: %(title)s"),
        lambda: tk._("The Big Data Bureau approved the withdrawal of “%(title)s”: it has left"
                     " the catalog and is a draft of your department again. %(reason)s %(url)s"),
    ),
    "withdrawal_return": (
        lambda: tk._("Withdrawal refused: %(title)s"),
        lambda: tk._("The Big Data Bureau refused to withdraw “%(title)s”: %(reason)s The entry"
                     " stays published. %(url)s"),
    ),
}


def notify_department(dataset_id: str, decision: str, reason: str,
                      survivor: model.Package | None = None) -> None:
    """Mail the department's editors and admins a decision on one of its entries."""
    dataset = model.Package.get(dataset_id)
    if dataset is None or not dataset.owner_org:
        return
    facts = {"title": dataset.title, "reason": reason or "",
             "survivor": survivor.title if survivor else "",
             "url": _site_url(f"/dataset/{dataset.name}")}
    subject, body = _DECISION_MAILS[decision]
    mail.send(mail.editors_of(dataset.owner_org), lambda: subject() % facts,
              lambda: body() % facts)


# --- update deadlines (Art. 16) ---------------------------------------------------------------

def create_change(context: Context, data: dict[str, Any]) -> CatalogChange:
    dataset = get_entry(data["dataset_id"])
    today = dt.date.today()
    refuse_errors(workflow.change_errors(data.get("trigger"), data.get("occurred_on"), today))
    occurred_on = parse_date(data["occurred_on"])
    due_on, provisional = deadlines.due_date(occurred_on, "catalog_update")
    user = _user(context)
    change = CatalogChange(dataset_id=dataset.id, trigger=data["trigger"],
                           occurred_on=occurred_on, note=(data.get("note") or "").strip(),
                           due_on=due_on, due_on_provisional=provisional,
                           created_by=user.id if user else None)
    model.Session.add(change)
    model.Session.flush()
    AuditEvent.record(user.id if user else None, "catalog_change_create", "catalog_change",
                      change.id, dataset_id=dataset.id, trigger=change.trigger,
                      occurred_on=occurred_on.isoformat(), due_on=due_on.isoformat())
    model.Session.commit()
    return change


def _updated_on(dataset_id: str) -> dt.date | None:
    """The day the department last updated the entry: its last save, or the last change it
    submitted for a published entry (pending or approved; the Bureau's review time does not
    count against the department's deadline)."""
    dataset = model.Package.get(dataset_id)
    days = [dataset.metadata_modified.date()] if dataset and dataset.metadata_modified else []
    submitted = model.Session.query(sa.func.max(PendingRevision.updated_at)).filter(
        PendingRevision.dataset_id == dataset_id,
        PendingRevision.state.in_(("pending", "approved"))).scalar()
    if submitted is not None:
        days.append(submitted.date())
    return max(days, default=None)


def get_change(change_id: str, for_update: bool = False) -> CatalogChange:
    return row_by_id(CatalogChange, change_id, tk._("Catalog change not found"), for_update)


def report_change(context: Context, change_id: str) -> CatalogChange:
    """Close a change: the entry was updated after it happened; the Bureau is told (Art. 16)."""
    change = get_change(change_id, for_update=True)
    modified = _updated_on(change.dataset_id)
    refuse_errors(workflow.report_errors(change.occurred_on, change.reported_on, modified),
                  rollback=True)
    user = _user(context)
    change.reported_on = dt.date.today()
    change.reported_by = user.id if user else None
    AuditEvent.record(user.id if user else None, "catalog_change_report", "catalog_change",
                      change.id, dataset_id=change.dataset_id,
                      due_on=change.due_on.isoformat(),
                      reported_on=change.reported_on.isoformat())
    model.Session.commit()
    return change


def soon_until(today: dt.date) -> dt.date:
    return deadlines.calendar().add_working_days(today, dc_config.working_days("due_soon"))


def list_changes(context: Context, filters: dict[str, Any]) -> dict[str, Any]:
    today = dt.date.today()
    query = model.Session.query(CatalogChange).join(
        model.Package, model.Package.id == CatalogChange.dataset_id)
    if filters.get("org"):
        query = query.filter(model.Package.owner_org == get_org(filters["org"]).id)
    if not audience.is_bureau(context):
        query = query.filter(model.Package.owner_org.in_(editable_org_ids(context.get("user"))))
    if filters.get("dataset_id"):
        query = of_entry(query, CatalogChange.dataset_id, filters["dataset_id"])
    state = filters.get("state")
    if state == "open":
        query = query.filter(CatalogChange.reported_on.is_(None))
    elif state == "closed":
        query = query.filter(CatalogChange.reported_on.isnot(None))
    if filters.get("overdue"):
        query = query.filter(CatalogChange.reported_on.is_(None), CatalogChange.due_on < today)
    limit_day = soon_until(today)
    if filters.get("due_soon"):
        query = query.filter(CatalogChange.reported_on.is_(None),
                             CatalogChange.due_on >= today, CatalogChange.due_on <= limit_day)
    query = query.order_by(sa.case((CatalogChange.reported_on.is_(None), 0), else_=1),
                           CatalogChange.due_on, CatalogChange.created)
    return page_of(query, filters["page"], filters["limit"],
                   lambda rows: change_dicts(rows, today, limit_day))


def change_dicts(rows: list[CatalogChange], today: dt.date,
                 limit_day: dt.date) -> list[dict[str, Any]]:
    datasets = {p.id: p for p in model.Session.query(model.Package)
                .filter(model.Package.id.in_({r.dataset_id for r in rows}))} if rows else {}
    orgs = {g.id: g for g in model.Session.query(model.Group)
            .filter(model.Group.id.in_({p.owner_org for p in datasets.values()}))} \
        if datasets else {}
    days = deadlines.calendar()
    out = []
    for change in rows:
        dataset = datasets.get(change.dataset_id)
        org = orgs.get(dataset.owner_org) if dataset else None
        status = workflow.change_status(change.due_on, change.reported_on, today, limit_day)
        item = change.as_dict()
        item.update(
            dataset_name=dataset.name if dataset else None,
            dataset_title=dataset.title if dataset else None,
            owner_org=dataset.owner_org if dataset else None,
            org_name=org.name if org else None, org_title=(org.title or org.name) if org else None,
            status=status, overdue=status == "overdue",
            late=bool(change.reported_on and change.reported_on > change.due_on),
            working_days_left=days.working_days_between(today, change.due_on)
            if status in ("open", "due_soon") else 0,
            working_days_overdue=days.working_days_between(change.due_on, today)
            if status == "overdue" else 0,
        )
        out.append(item)
    return out


def pressing_changes(today: dt.date | None = None) -> list[dict[str, Any]]:
    """Open changes that are overdue or due within the due-soon window, every department."""
    today = today or dt.date.today()
    limit_day = soon_until(today)
    rows = (model.Session.query(CatalogChange)
            .filter(CatalogChange.reported_on.is_(None), CatalogChange.due_on <= limit_day)
            .order_by(CatalogChange.due_on).all())
    return change_dicts(rows, today, limit_day)


_REMINDER = {
    "subject": lambda: tk._("Catalog updates due: %(org)s"),
    "body": lambda: tk._(
        "These catalog entries must be updated and reported to the Big Data Bureau within"
        " %(days)s working days of the change (Art. 16):\n%(lines)s\n\nSee every open change:"
        " %(url)s"),
    "line": lambda: tk._("- %(title)s: due %(due_on)s (%(status)s)"),
    "overdue": lambda: tk._("overdue"),
    "due_soon": lambda: tk._("due soon"),
}


def remind(today: dt.date | None = None) -> int:
    """Mail each department's editors and admins its overdue and due-soon changes (one mail
    per person). Returns the number of mails queued."""
    by_org: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for change in pressing_changes(today):
        if change["owner_org"]:
            by_org[change["owner_org"]].append(change)
    sent = 0
    for org_id, changes in by_org.items():
        org = model.Group.get(org_id)
        facts = {"org": org.title or org.name, "days": dc_config.working_days("catalog_update"),
                 "url": _site_url(f"/organization/{org.name}/changes")}
        sent += mail.digest(org_id, _REMINDER, facts, lambda changes=changes: [{
            "title": c["dataset_title"], "due_on": c["due_on"],
            "status": _REMINDER[c["status"]]()} for c in changes])
    return sent
