"""Changes to published catalog entries wait for the Bureau (issue 14 item 10; F-10, Art. 15).

A department's save of a published entry is split by ``policy.catalog_workflow``: bookkeeping
(:data:`APPLIED_AT_ONCE`) is saved at once; what the public sees (:data:`REREVIEW_FIELDS`) is
kept as a *pending revision* — one per entry, later edits merge into it — and the published
version stays public until the Bureau publishes or returns the revision. A change that only
narrows who gets the data acts at once and sends the entry back to review, as before.

Every way to change an entry ends in ``package_update`` (``package_patch``, ``package_revise``,
the resource actions), which ``core`` chains to :func:`update`; the resource actions are chained
to :func:`resource_change` as well so that their answer describes the held resource instead of
a published one. The proposal is read only by the owner department's editors and the Bureau:
it is never indexed, never in an activity, and the audit log names only the changed fields.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from typing import Any

import ckan.plugins.toolkit as tk
import flask
import sqlalchemy as sa
from ckan import model
from ckan.lib import plugins as lib_plugins
from ckan.lib import uploader
from ckan.types import Action, Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.access.rules import doors
from ckanext.dongchang.catalog import service
from ckanext.dongchang.catalog.revision_model import PendingRevision
from ckanext.dongchang.catalog.rules import workflow
from ckanext.dongchang.delivery import upstream
from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.kernel.messages import Message, render
from ckanext.dongchang.kernel.rows import of_entry, page_of
from ckanext.dongchang.kernel.schema import refuse_errors

HELD_KEY = "dongchang_pending_revision"  # in the answer of a held save
_HELD_IN_CONTEXT = "dongchang_held_revision"


# --- who is held ------------------------------------------------------------------------------

def _reviewer(context: Context) -> bool:
    """The Bureau, the workflow's own saves and trusted internal callers change at once."""
    if context.get(service.CONTEXT_FLAG):
        return True
    if context.get("ignore_auth") and not context.get("user"):
        return True
    return audience.is_bureau(context)


def held_entry(context: Context, dataset_id: Any) -> model.Package | None:
    """The stored entry when this caller's save of it must wait for review, else ``None``."""
    if not isinstance(dataset_id, str) or not dataset_id:
        return None
    dataset = model.Package.get(dataset_id)
    if dataset is None or dataset.type != "dataset" or dataset.state != "active":
        return None
    if (dataset.extras or {}).get("catalog_state") != "published" or _reviewer(context):
        return None
    return dataset


def pending_for(dataset_id: str, for_update: bool = False) -> PendingRevision | None:
    query = model.Session.query(PendingRevision).filter(
        PendingRevision.dataset_id == dataset_id, PendingRevision.state == "pending")
    if for_update:
        query = query.with_for_update().populate_existing()
    return query.one_or_none()


# --- CKAN's stock controls (issue 17 item 5) --------------------------------------------------

def _stored(dataset_id: Any) -> model.Package | None:
    if not isinstance(dataset_id, str) or not dataset_id:
        return None
    dataset = model.Package.get(dataset_id)
    return dataset if dataset is not None and dataset.type == "dataset" else None


def check_package_state(context: Context, data_dict: DataDict) -> None:
    """A publisher's save keeps CKAN's package ``state`` of an entry in the workflow: 取消发布
    (``draft``) or ``deleted`` would pull a published entry, or drop a submitted one from the
    queue, without the Bureau."""
    dataset = _stored(data_dict.get("id") or data_dict.get("name"))
    if dataset is None:
        return
    refuse_errors(workflow.package_state_errors(
        (dataset.extras or {}).get("catalog_state"), dataset.state, data_dict.get("state"),
        reviewer=_reviewer(context)))


def delete_refusal(context: Context, dataset_id: Any) -> str | None:
    """Why this caller may not delete the entry (translated); ``None`` when it may."""
    dataset = _stored(dataset_id)
    if dataset is None:
        return None
    refusal = workflow.stock_control_refusal((dataset.extras or {}).get("catalog_state"),
                                             reviewer=_reviewer(context))
    return render(refusal, tk._) if refusal else None


def pending_withdrawal(dataset_id: str) -> dict[str, Any] | None:
    """The entry's pending withdrawal request (its summary and reason), if any."""
    pending = pending_for(dataset_id)
    if pending is None or not workflow.is_withdrawal(pending.fields):
        return None
    return dict(pending.summary(), request_reason=pending.proposed.get(workflow.WITHDRAWAL, ""))


# --- holding a save ---------------------------------------------------------------------------

def update(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """``package_update``, holding what needs the Bureau's review on a published entry."""
    check_package_state(context, data_dict)
    dataset = held_entry(context, data_dict.get("id") or data_dict.get("name"))
    if dataset is None:
        return up_func(context, data_dict)
    context[service.STORED_CLASSES] = dict(dataset.extras or {})  # for record_resubmission
    tk.check_access("package_update", context, data_dict)
    service.get_entry(dataset.id, for_update=True)  # one editor at a time merges a proposal
    published = service.current_entry(dataset.id)
    if not workflow.rereview_changes(published, data_dict):
        return up_func(context, data_dict)
    pending = pending_for(dataset.id, for_update=True)
    if pending is not None and workflow.is_withdrawal(pending.fields):
        raise tk.ValidationError({"catalog_state": [
            render(workflow.CHANGE_WHILE_WITHDRAWING, tk._)]})
    if workflow.narrows_only(published, data_dict):
        return _narrow_at_once(up_func, context, data_dict, published, pending)
    uploads = _held_uploads(data_dict, published)
    proposal = workflow.merge_revision(pending.proposed if pending else None, published,
                                    data_dict)
    for resource in proposal.get("resources") or []:
        if isinstance(resource, dict) and not resource.get("id"):
            resource["id"] = str(uuid.uuid4())  # so later edits and the answer can name it
    proposal = json.loads(json.dumps(proposal, default=str))
    _validate(context, dataset, proposal)
    for resource_id, upload in uploads:
        upload.upload(resource_id, uploader.get_max_resource_size())
    revision = _store(context, dataset, pending, published, proposal)
    result = up_func(context, _without_reviewed_fields(published, data_dict))
    if not context.get("defer_commit"):
        model.Session.commit()  # also when core found nothing else to save
    return _answer(context, result, revision)


def _narrow_at_once(up_func: Action, context: Context, data_dict: DataDict,
                    published: dict[str, Any], pending: PendingRevision | None) -> Any:
    """A narrowing change is saved whole (the entry goes back to review and leaves the
    public catalog); a pending proposal is folded into it, so no edit is lost."""
    if pending is not None:
        data_dict = workflow.merge_revision(pending.proposed, published, data_dict)
        _close(pending, "withdrawn", context, reason="")
        AuditEvent.record(_user_id(context), "catalog_revision_withdraw", service.OBJECT_TYPE,
                          pending.dataset_id, revision_id=pending.id, fields=pending.fields)
    context[service.FILES_NARROWED] = True  # classes going down do this by themselves
    result = up_func(context, data_dict)
    if flask.has_request_context() and "/api/" not in flask.request.path:
        # Issue 17 item 6: the form warned before; the page says what happened.
        tk.h.flash_notice(tk._(
            "This change gives the data to fewer people: the entry has left the public"
            " catalog and is back in the Big Data Bureau's review."))
    return result


def _held_uploads(data_dict: DataDict, published: dict[str, Any]) -> list[tuple[str, Any]]:
    """The new files uploaded with a held change, each with the id its resource will have.

    CKAN's uploader names the file in the resource (``url``, ``url_type``, size) and the caller
    stores it once the proposal is valid: under an id no resource has yet, so nobody can
    download it before the Bureau publishes the change (gated files must be uploads, issue 16
    item 3, so refusing uploads here would leave a published conditional entry no way to get a
    new file). A replacement for a published file is refused: storing it now would overwrite
    the file the public is getting.
    """
    published_ids = {r.get("id") for r in published.get("resources") or []}
    uploads = []
    for resource in data_dict.get("resources") or []:
        if not isinstance(resource, dict) or not getattr(resource.get("upload"), "filename",
                                                         None):
            continue
        if resource.get("id") in published_ids:
            raise tk.ValidationError({"upload": [tk._(
                "A published file is replaced only after the Big Data Bureau's review, and an"
                " uploaded replacement cannot wait for it: upload the new version as a new file"
                " (and delete the old one in the same change).")]})
        resource["id"] = str(uuid.uuid4())
        uploads.append((resource["id"], uploader.get_resource_uploader(resource)))
    return uploads


def _untaken_held_files(proposal: dict[str, Any], url_type: str) -> set[str]:
    """The ids of the proposal's files of this kind that no resource has: new files held
    with the change, kept under the ids their resources would have had."""
    held = {r["id"] for r in proposal.get("resources") or []
            if isinstance(r, dict) and r.get("url_type") == url_type and r.get("id")}
    if not held:
        return set()
    taken = {row.id for row in model.Session.query(model.Resource.id)
             .filter(model.Resource.id.in_(held))}
    return held - taken


def _discard_held_files(proposal: dict[str, Any]) -> None:
    """What a returned change kept for its new files, and no resource took, goes: the
    upstream addresses registered at hold time (``upstream.take_addresses``), in the return's
    own transaction, which this commits; then the uploads stored in the FileStore
    (``_held_uploads``)."""
    upstream.discard(_untaken_held_files(proposal, doors.UPSTREAM))
    model.Session.commit()
    untaken = _untaken_held_files(proposal, "upload")
    if not untaken:
        return
    store = uploader.get_resource_uploader({})
    for resource_id in untaken:
        path = store.get_path(resource_id) if store.storage_path else None
        if path and os.path.exists(path):
            os.remove(path)


def _validate(context: Context, dataset: model.Package, proposal: dict[str, Any]) -> None:
    """The proposal must be a valid entry now, not when the Bureau approves it. Validation
    only: the workflow flag keeps the state validator from recording anything."""
    plugin = lib_plugins.lookup_package_plugin(dataset.type)
    check_context = dict(context, package=dataset, **{service.CONTEXT_FLAG: True})
    _, errors = lib_plugins.plugin_validate(plugin, check_context, dict(proposal),
                                            plugin.update_package_schema(), "package_update")
    if errors:
        raise tk.ValidationError(errors)


def _without_reviewed_fields(published: dict[str, Any], data_dict: DataDict) -> dict[str, Any]:
    """The save that happens at once: the input with every reviewed field as published."""
    immediate = dict(data_dict)
    for name in workflow.REREVIEW_FIELDS:
        if name == "resources":
            immediate.pop("resources", None)  # package_update keeps them as they are
        elif name == "tag_string":
            immediate.pop("tag_string", None)
            immediate["tags"] = published.get("tags") or []
        else:
            workflow.put(immediate, name, published.get(name))
    return immediate


def _user_id(context: Context) -> str | None:
    user = context.get("auth_user_obj")
    if not isinstance(user, model.User) and context.get("user"):
        user = model.User.get(context["user"])
    return user.id if isinstance(user, model.User) else None


def _store(context: Context, dataset: model.Package, pending: PendingRevision | None,
           published: dict[str, Any], proposal: dict[str, Any]) -> PendingRevision | None:
    """Create or update the entry's pending revision; an edit that undoes every proposed
    change withdraws it. Audited in the same transaction (field names only)."""
    fields = workflow.rereview_changes(published, proposal)
    now = dt.datetime.utcnow()
    if not fields:
        if pending is not None:
            _close(pending, "withdrawn", context, reason="")
            AuditEvent.record(_user_id(context), "catalog_revision_withdraw",
                              service.OBJECT_TYPE, dataset.id, revision_id=pending.id,
                              fields=pending.fields)
        return None
    if pending is None:
        pending = PendingRevision(dataset_id=dataset.id, submitted_at=now)
        model.Session.add(pending)
    pending.proposed, pending.fields = proposal, fields
    pending.submitted_by, pending.updated_at = _user_id(context), now
    model.Session.flush()
    AuditEvent.record(_user_id(context), "catalog_revision_submit", service.OBJECT_TYPE,
                      dataset.id, revision_id=pending.id, fields=fields)
    return pending


def _close(revision: PendingRevision, state: str, context: Context, reason: str) -> None:
    revision.state, revision.reason = state, reason
    revision.decided_by, revision.decided_at = _user_id(context), dt.datetime.utcnow()


def _answer(context: Context, result: Any, revision: PendingRevision | None) -> Any:
    """Say in the answer (and, on a page, in a notice) that the change waits for review."""
    held = held_summary(revision)
    context[_HELD_IN_CONTEXT] = held
    if held and flask.has_request_context() and "/api/" not in flask.request.path:
        tk.h.flash_notice(held["message"])
    if isinstance(result, dict):
        result = dict(result)
        result[HELD_KEY] = held
    return result


def held_summary(revision: PendingRevision | None) -> dict[str, Any] | None:
    if revision is None:
        return None
    message = Message(workflow.REVISION_HELD, fields=", ".join(field_labels(revision.fields)))
    return {"id": revision.id, "state": revision.state, "fields": list(revision.fields),
            "message": render(message, tk._)}


def field_labels(fields: list[str]) -> list[str]:
    """The entry form's labels of ``fields``, in the user's language."""
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    specs = {f["field_name"]: f for f in schema.get("dataset_fields", [])}
    extra = {"resources": tk._("Resources"),
             workflow.WITHDRAWAL: tk._("Withdrawal from the catalog")}
    return [tk.h.scheming_language_text(specs[name]["label"]) if name in specs
            else extra.get(name, name) for name in fields]


# --- the resource actions ---------------------------------------------------------------------

def resource_change(up_func: Action, context: Context, data_dict: DataDict, kind: str) -> Any:
    """``resource_create`` / ``_update`` / ``_delete`` on a published entry: the change goes
    through ``package_update`` (so it is held), and the answer says what was held instead of
    returning a published resource that did not change."""
    if kind == "create":
        dataset_id = data_dict.get("package_id")
    else:
        resource = model.Resource.get(str(data_dict.get("id") or "")) \
            if isinstance(data_dict.get("id"), str) else None
        dataset_id = resource.package_id if resource is not None else None
    dataset = held_entry(context, dataset_id)
    if dataset is None:
        return up_func(context, data_dict)
    tk.check_access(f"resource_{kind}", context, data_dict)
    entry = service.current_entry(dataset.id)
    changed = dict(data_dict, url=data_dict.get("url") or "")
    resources = list(entry.get("resources") or [])
    if kind == "create":
        changed.pop("package_id", None)
        resources.append(changed)
    else:
        old = next((r for r in resources if r["id"] == data_dict["id"]), None)
        if old is None:  # a deleted resource of the entry
            raise tk.ObjectNotFound(tk._("Resource was not found."))
        if kind == "update":
            if "datastore_active" in old and "datastore_active" not in changed:
                changed["datastore_active"] = old["datastore_active"]
            resources = [changed if r["id"] == old["id"] else r for r in resources]
        else:
            resources = [r for r in resources if r["id"] != old["id"]]
    update_context = dict(context)
    update_context.pop(_HELD_IN_CONTEXT, None)
    try:
        result = tk.get_action("package_update")(update_context,
                                                 dict(entry, resources=resources))
    except tk.ValidationError as error:
        raise _resource_errors(error) from None
    held = update_context.get(_HELD_IN_CONTEXT)
    return _resource_answer(kind, data_dict, changed, result, held, dataset.id)


def _resource_errors(error: tk.ValidationError) -> tk.ValidationError:
    """The changed resource's own errors on its fields (``url``, ``audience``...), as CKAN's
    resource actions give them. The positions are those of the held proposal, so the one
    file with errors is taken; errors of the entry as a whole, or of several files, stay as
    they are."""
    found = error.error_dict.get("resources")
    with_errors = [item for item in found if isinstance(item, dict) and item] \
        if isinstance(found, list) else []
    if len(with_errors) != 1 or set(error.error_dict) != {"resources"}:
        return error
    return tk.ValidationError(with_errors[0])


def _resource_answer(kind: str, data_dict: DataDict, changed: dict[str, Any], result: Any,
                     held: dict[str, Any] | None, dataset_id: str) -> Any:
    if held is None:  # only attributes that need no review changed: saved at once
        if kind == "delete" or not isinstance(result, dict):
            return None
        return next((r for r in result.get("resources", []) if r.get("id") == changed.get("id")),
                    changed)
    if kind == "delete":
        return {"id": data_dict["id"], HELD_KEY: held}
    proposal = pending_for(dataset_id)
    proposed = [r for r in (proposal.proposed.get("resources") or [])] if proposal else []
    if kind == "update":
        found = next((r for r in proposed if r.get("id") == data_dict["id"]), changed)
    else:
        found = proposed[-1] if proposed else changed
    return dict(found, package_id=dataset_id, **{HELD_KEY: held})


# --- withdrawal (issue 17 item 5) -------------------------------------------------------------

def request_withdrawal(context: Context, dataset_id: str, reason: str) -> dict[str, Any]:
    """A department asks the Bureau to take its published entry out of the catalog. The entry
    stays public until the Bureau approves; a pending change is replaced by the request."""
    reason = (reason or "").strip()
    dataset = service.get_entry(dataset_id, for_update=True)
    pending = pending_for(dataset.id, for_update=True)
    refuse_errors(workflow.withdrawal_errors((dataset.extras or {}).get("catalog_state"), reason,
                                             pending.fields if pending else None))
    user_id, now = _user_id(context), dt.datetime.utcnow()
    if pending is not None:
        _close(pending, "withdrawn", context, reason="")
        AuditEvent.record(user_id, "catalog_revision_withdraw", service.OBJECT_TYPE,
                          dataset.id, revision_id=pending.id, fields=pending.fields)
        model.Session.flush()  # one pending revision per entry
    revision = PendingRevision(dataset_id=dataset.id, submitted_at=now, updated_at=now,
                               proposed={workflow.WITHDRAWAL: reason},
                               fields=[workflow.WITHDRAWAL], submitted_by=user_id)
    model.Session.add(revision)
    model.Session.flush()
    AuditEvent.record(user_id, "catalog_withdrawal_request", service.OBJECT_TYPE, dataset.id,
                      revision_id=revision.id, reason=reason)
    model.Session.commit()
    return dict(service.entry_summary(dataset.id), revision=revision.summary())


def _decide_withdrawal(context: Context, dataset: model.Package, revision: PendingRevision,
                       decision: str, reason: str) -> None:
    """Approving takes the entry out of the catalog (back to draft, so private); returning
    keeps it published. Audited either way, in the same transaction as the change."""
    _close(revision, "approved" if decision == "publish" else "returned", context, reason)
    action = "approve" if decision == "publish" else "return"
    AuditEvent.record(_user_id(context), f"catalog_withdrawal_{action}", service.OBJECT_TYPE,
                      dataset.id, revision_id=revision.id, reason=reason,
                      requested_reason=revision.proposed.get(workflow.WITHDRAWAL, ""))
    if decision == "publish":
        service.withdraw(context, dataset.id)
    else:
        model.Session.commit()
    service.notify_department(dataset.id, f"withdrawal_{decision}", reason)


# --- the Bureau's decision --------------------------------------------------------------------

def review(context: Context, dataset_id: str, decision: str, reason: str = "") -> dict[str, Any]:
    """Publish a pending revision (the entry takes the proposal's reviewed fields) or return
    it with the reason; either way the department is told."""
    reason = (reason or "").strip()
    dataset = service.get_entry(dataset_id, for_update=True)
    revision = pending_for(dataset.id, for_update=True)
    state = (dataset.extras or {}).get("catalog_state") or "draft"
    refuse_errors(workflow.review_errors(state, decision, reason,
                                         revision_pending=revision is not None))
    assert revision is not None
    if workflow.is_withdrawal(revision.fields):
        _decide_withdrawal(context, dataset, revision, decision, reason)
        return dict(service.entry_summary(dataset.id), revision=revision.summary())
    user_id = _user_id(context)
    if decision == "publish":
        final = workflow.apply_revision(service.current_entry(dataset.id), revision.proposed)
        _close(revision, "approved", context, reason)
        AuditEvent.record(user_id, "catalog_revision_publish", service.OBJECT_TYPE, dataset.id,
                          revision_id=revision.id, fields=revision.fields, reason=reason,
                          reviewed={name: final.get(name) for name in workflow.REVIEW_FIELDS})
        user = model.User.get(user_id) if user_id else None
        tk.get_action("package_update")(
            {"user": user.name if user else "", "auth_user_obj": user, "ignore_auth": True,
             service.CONTEXT_FLAG: True}, final)
    else:
        _close(revision, "returned", context, reason)
        AuditEvent.record(user_id, "catalog_revision_return", service.OBJECT_TYPE, dataset.id,
                          revision_id=revision.id, fields=revision.fields, reason=reason)
        _discard_held_files(revision.proposed)  # commits the return
    service.notify_department(dataset.id, f"revision_{decision}", reason)
    return dict(service.entry_summary(dataset.id), revision=revision.summary())


# --- reading ----------------------------------------------------------------------------------

def list_revisions(context: Context, filters: dict[str, Any]) -> dict[str, Any]:
    """Revisions of the entries the caller edits (the Bureau: all), newest first. With
    ``include_diff`` each carries the field-by-field diff against the published version."""
    query = model.Session.query(PendingRevision, model.Package).join(
        model.Package, model.Package.id == PendingRevision.dataset_id).filter(
        model.Package.state == "active")
    if not audience.is_bureau(context):
        query = query.filter(model.Package.owner_org.in_(
            service.editable_org_ids(context.get("user"))))
    if filters.get("org"):
        query = query.filter(model.Package.owner_org == service.get_org(filters["org"]).id)
    if filters.get("dataset_id"):
        query = of_entry(query, PendingRevision.dataset_id, filters["dataset_id"])
    if filters.get("state"):
        query = query.filter(PendingRevision.state == filters["state"])
    query = query.order_by(sa.desc(PendingRevision.updated_at), PendingRevision.id)

    def shown(rows: list[Any]) -> list[dict[str, Any]]:
        results = []
        for revision, dataset in rows:
            item = dict(revision.summary(), dataset_name=dataset.name,
                        dataset_title=dataset.title, owner_org=dataset.owner_org,
                        field_labels=field_labels(list(revision.fields)))
            if filters.get("include_diff"):
                item["changes"] = workflow.revision_diff(service.current_entry(dataset.id),
                                                      revision.proposed)
            results.append(item)
        return results

    # page and limit were checked by the action's paging schema
    return page_of(query, filters["page"], filters["limit"], shown)

