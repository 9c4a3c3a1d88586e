"""API of catalog management (F-10, F-11): review, duplicates, change deadlines, spreadsheets.

Every page of the review and change workflow calls one of these actions. ``package_update`` is
*not* chained here (``core`` chains it): the class-change rule lives in the ``catalog_state``
validator instead.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.dongchang.catalog import duplicates, revisions, service, spreadsheet
from ckanext.dongchang.catalog.revision_model import REVISION_STATES
from ckanext.dongchang.catalog.rules.classes import CATALOG_STATES
from ckanext.dongchang.catalog.rules.workflow import CHANGE_STATES
from ckanext.dongchang.kernel import schema
from ckanext.dongchang.kernel.messages import N_

__all__ = [
    "dongchang_catalog_submit", "dongchang_catalog_review", "dongchang_catalog_mark_duplicate",
    "dongchang_catalog_withdraw",
    "dongchang_catalog_list", "dongchang_catalog_revision_list", "dongchang_duplicate_candidates",
    "dongchang_catalog_change_create", "dongchang_catalog_change_list",
    "dongchang_catalog_change_report", "dongchang_catalog_import", "dongchang_catalog_export",
]


# --- navl schemas (types and sizes; the rules are in policy.catalog_workflow) -----------------

@tk.validator_args
def _review_schema(not_empty, unicode_safe) -> Schema:
    return schema.row_schema(decision=[not_empty, unicode_safe], reason=schema.text_field(4000))


@tk.validator_args
def _duplicate_schema(not_empty, unicode_safe) -> Schema:
    return schema.row_schema(survivor_id=[not_empty, unicode_safe], reason=schema.text_field(4000))


QUEUE_KINDS = ("new", "change")
MAX_WAITING_DAYS = 3650


def _days_ago(days: int) -> dt.datetime:
    """A moment ``days`` ago, naive UTC as the audit log stores times."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)


@tk.validator_args
def _list_schema(ignore_missing, unicode_safe, boolean_validator, one_of,
                 is_positive_integer) -> Schema:
    return {"state": [ignore_missing, unicode_safe,
                      schema.choice(CATALOG_STATES, N_("Unknown catalog state."))],
            "org": [ignore_missing, unicode_safe],
            **schema.paging_schema(max_limit=100),
            "include_checks": [ignore_missing, boolean_validator],
            "kind": [ignore_missing, unicode_safe, one_of(list(QUEUE_KINDS))],
            "waiting_days": [ignore_missing, is_positive_integer, _at_most_waiting_days]}


def _at_most_waiting_days(value: Any) -> Any:
    # navl runs every validator of a field: after a refused value this one has nothing to add
    if isinstance(value, int) and value > MAX_WAITING_DAYS:
        raise tk.Invalid(tk._("Give a number of days from 1 to %(max)s.")
                         % {"max": MAX_WAITING_DAYS})
    return value


@tk.validator_args
def _revision_list_schema(ignore_missing, unicode_safe, boolean_validator) -> Schema:
    return {"state": [ignore_missing, unicode_safe,
                      schema.choice(REVISION_STATES, N_("Unknown state of a change."))],
            "org": [ignore_missing, unicode_safe],
            "dataset_id": [ignore_missing, unicode_safe],
            "include_diff": [ignore_missing, boolean_validator],
            **schema.paging_schema(max_limit=100)}


@tk.validator_args
def _candidates_schema(not_empty, unicode_safe) -> Schema:
    return {"id": [not_empty, unicode_safe],
            "limit": schema.paging_schema(max_limit=50, default_limit=10)["limit"]}


@tk.validator_args
def _change_schema(not_empty, unicode_safe) -> Schema:
    return {"dataset_id": [not_empty, unicode_safe], "trigger": [not_empty, unicode_safe],
            "occurred_on": [not_empty, unicode_safe], "note": schema.text_field(4000)}


@tk.validator_args
def _change_list_schema(ignore_missing, unicode_safe, boolean_validator) -> Schema:
    return {"org": [ignore_missing, unicode_safe], "dataset_id": [ignore_missing, unicode_safe],
            "state": [ignore_missing, unicode_safe,
                      schema.choice(CHANGE_STATES, N_("The state must be open or closed."))],
            "overdue": [ignore_missing, boolean_validator],
            "due_soon": [ignore_missing, boolean_validator],
            **schema.paging_schema(max_limit=100)}


@tk.validator_args
def _import_schema(not_empty, unicode_safe, ignore_missing, boolean_validator) -> Schema:
    return {"org": [not_empty, unicode_safe], "upload": [ignore_missing],
            "content": [ignore_missing, schema.file_content],
            "filename": [ignore_missing, unicode_safe],
            "dry_run": [ignore_missing, boolean_validator]}


@tk.validator_args
def _org_schema(not_empty, unicode_safe) -> Schema:
    return {"org": [not_empty, unicode_safe]}



# --- review workflow (Art. 15, 17) ------------------------------------------------------------

def dongchang_catalog_submit(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Submit a draft or returned catalog entry to the Big Data Bureau for review.

    The entry must be complete enough to publish (classes, reasons, legal bases, a passed
    confidentiality review when it goes beyond the department).

    :param id: id or name of the catalog entry
    :returns: ``{"id", "name", "title", "catalog_state": "submitted", "duplicates": [...],
        "warnings": [...]}``; ``duplicates`` as :func:`dongchang_duplicate_candidates`,
        ``warnings`` the one-data-one-source notices (Art. 17), one per data item:
        ``kind`` (``source_elsewhere``: the item's source is another department;
        ``published_elsewhere``: other departments publish it as their own source;
        ``marked_duplicate``: the Bureau withdrew the entry as a duplicate), ``item``,
        ``orgs`` (department names; ``org`` the first), ``datasets`` (their entries that the
        caller may see) and ``message``
    """
    data = schema.validated(data_dict, schema.row_schema(), context)
    tk.check_access("dongchang_catalog_submit", context, data)
    return service.submit(context, data["id"])


def dongchang_catalog_review(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Publish a submitted entry, or return it to its department (the Bureau only).

    :param id: id or name of the catalog entry
    :param decision: ``publish`` or ``return``
    :param reason: required to return: what the department must change
    :returns: the entry's ``id``, ``name``, ``title``, ``catalog_state`` and ``private``

    A published entry with a pending change (see ``dongchang_catalog_revision_list``) is
    decided the same way: ``publish`` applies the change, ``return`` discards it with the
    reason; the entry stays published either way (plus ``revision``: the decided change).
    """
    data = schema.validated(data_dict, _review_schema(), context)
    tk.check_access("dongchang_catalog_review", context, data)
    entry = service.get_entry(data["id"])
    if revisions.pending_for(entry.id) is not None \
            and (entry.extras or {}).get("catalog_state") == "published":
        return revisions.review(context, entry.id, data["decision"], data.get("reason", ""))
    return service.review(context, data["id"], data["decision"], data.get("reason", ""))


def dongchang_catalog_mark_duplicate(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Withdraw an entry as a duplicate of another (the Bureau only, Art. 15).

    The entry goes back to draft (so it is private again) and its department is told which
    entry survives; the link is kept in the audit log.

    :param id: id or name of the duplicate entry
    :param survivor_id: id or name of the entry that stays
    :param reason: optional note to the department
    """
    data = schema.validated(data_dict, _duplicate_schema(), context)
    tk.check_access("dongchang_catalog_mark_duplicate", context, data)
    return service.mark_duplicate(context, data["id"], data["survivor_id"],
                                  data.get("reason", ""))


def dongchang_catalog_withdraw(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask the Big Data Bureau to take a published entry out of the catalog (issue 17 item 5).

    The entry stays public until the Bureau decides: ``dongchang_catalog_review`` with
    ``publish`` approves (the entry goes back to draft, so private), ``return`` refuses with a
    reason. The request is held as the entry's pending revision (``fields: ["withdrawal"]``)
    and replaces a pending change. CKAN's own unpublish, delete and visibility controls are
    refused on published and submitted entries; this is the way out.

    :param id: id or name of the published catalog entry
    :param reason: why the entry should leave the catalog (required)
    :returns: the entry's ``id``, ``name``, ``title``, ``catalog_state`` and ``private``, and
        ``revision`` (the request)
    """
    data = schema.validated(data_dict, _withdraw_schema(), context)
    tk.check_access("dongchang_catalog_withdraw", context, data)
    return revisions.request_withdrawal(context, data["id"], data.get("reason", ""))


_withdraw_schema = schema.decision_schema


@tk.side_effect_free
def dongchang_catalog_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Catalog entries by workflow state: the Bureau's review queue, a department's returns.

    The Bureau sees every department; editors and admins see their own departments.

    :param state: ``submitted`` (default), ``returned``, ``draft`` or ``published``
    :param org: only this department (id or name)
    :param include_checks: add ``changes`` (what changed since the last publication),
        ``first_review``, ``duplicates``, ``warnings`` and ``classes`` (the share and open
        classes, conditions and legal bases, the security grade) to each entry
    :param kind: the review queue only: ``new`` (entries never or no longer published) or
        ``change`` (changes of published entries)
    :param waiting_days: the review queue only: submitted at least this many days ago
    :param page: page number (20 per page unless ``limit``, at most 100)
    :returns: ``{"count", "page", "limit", "results"}``; each result has ``submitted_at`` and
        ``last_event`` (the latest submit, decision or duplicate mark, with its ``reason``)
    """
    data = schema.validated(data_dict, _list_schema(), context)
    tk.check_access("dongchang_catalog_list", context, data)
    org = service.get_org(data["org"]).id if data.get("org") else None
    waiting = data.get("waiting_days")
    return service.queue(context, data.get("state") or "submitted", org,
                         page=data["page"], limit=data["limit"],
                         include_checks=bool(data.get("include_checks")),
                         kind=data.get("kind"),
                         submitted_before=_days_ago(waiting) if waiting else None)


@tk.side_effect_free
def dongchang_catalog_revision_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Changes to published entries held for the Bureau's review (F-10), newest first.

    A department's change to what the public sees of a published entry (title, abstract,
    tags, data items, classes, conditions, reasons, legal bases, resources …) waits here; the
    published version stays public until the Bureau publishes the change with
    ``dongchang_catalog_review``. The Bureau sees every department; editors and admins see
    their own departments' entries (the proposal may hold text and URLs nobody reviewed).

    :param state: ``pending``, ``approved``, ``returned`` or ``withdrawn`` (default: all)
    :param org: only this department (id or name)
    :param dataset_id: only this entry
    :param include_diff: add ``changes``: ``[{"field", "before", "after"}]``, published
        against proposed
    :param page: page number (20 per page unless ``limit``, at most 100)
    :returns: ``{"count", "page", "limit", "results"}``; each result has ``id``,
        ``dataset_id``, ``dataset_name``, ``dataset_title``, ``state``, ``fields``,
        ``field_labels``, ``submitted_at``, ``updated_at``, ``reason`` (why it was returned),
        ``decided_at``
    """
    data = schema.validated(data_dict, _revision_list_schema(), context)
    tk.check_access("dongchang_catalog_revision_list", context, data)
    return revisions.list_revisions(context, data)


@tk.side_effect_free
def dongchang_duplicate_candidates(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Entries across the whole catalog that may duplicate this one (Art. 15), best first.

    Titles, abstracts and data item names are compared by trigram similarity (0–1); a
    candidate is listed when one of them reaches 0.5. Only entries the caller may see are
    listed (the Bureau sees all).

    :param id: id or name of the catalog entry
    :param limit: at most this many (default 10, at most 50)
    :returns: ``[{"id", "name", "title", "owner_org", "org_name", "org_title",
        "catalog_state", "score", "scores": {"title", "notes", "data_items"}, "matched":
        [fields, best first], "shared_items", "same_department"}]``
    """
    data = schema.validated(data_dict, _candidates_schema(), context)
    tk.check_access("dongchang_duplicate_candidates", context, data)
    dataset = service.get_entry(data["id"])
    return duplicates.candidates(context, dataset, data["limit"])


# --- update deadlines (Art. 16) ---------------------------------------------------------------

def dongchang_catalog_change_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record a change that obliges the department to update an entry (Art. 16).

    :param dataset_id: id or name of the catalog entry
    :param trigger: ``legal_basis``, ``functions``, ``system_update`` or ``other``
    :param occurred_on: the day the change happened (YYYY-MM-DD, not in the future)
    :param note: what changed
    :returns: the change with ``due_on`` (15 Chinese working days later by default) and
        ``due_on_provisional`` (the holiday calendar of that year is not official yet)
    """
    data = schema.validated(data_dict, _change_schema(), context)
    tk.check_access("dongchang_catalog_change_create", context, data)
    change = service.create_change(context, data)
    return service.change_dicts([change], *_today_and_soon())[0]


def _today_and_soon() -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    return today, service.soon_until(today)


@tk.side_effect_free
def dongchang_catalog_change_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change events, open ones first by due date.

    :param org: only this department (id or name)
    :param dataset_id: only this entry
    :param state: ``open`` or ``closed``
    :param overdue: only open events past ``due_on``
    :param due_soon: only open events due within the due-soon window
        (``ckanext.dongchang.due_soon_working_days``, 3 by default)
    :param page: page number (20 per page unless ``limit``, at most 100)
    :returns: ``{"count", "page", "limit", "results"}``; each result has ``status``
        (``open``, ``due_soon``, ``overdue``, ``closed``), ``working_days_left`` and ``late``
    """
    data = schema.validated(data_dict, _change_list_schema(), context)
    tk.check_access("dongchang_catalog_change_list", context, data)
    return service.list_changes(context, data)


def dongchang_catalog_change_report(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Report to the Bureau that the entry was updated after the change; closes the event.

    :param id: the change event id
    """
    data = schema.validated(data_dict, schema.row_schema(), context)
    tk.check_access("dongchang_catalog_change_report", context, data)
    change = service.report_change(context, data["id"])
    return service.change_dicts([change], *_today_and_soon())[0]


# --- spreadsheets -----------------------------------------------------------------------------

def dongchang_catalog_import(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Import a department's catalog from an .xlsx or .csv file: every row or none.

    Rows are validated exactly as ``package_create`` validates them; a dry run only reports.

    :param org: the department (id or name)
    :param upload: the file (multipart upload), or ``content`` (bytes) and ``filename``
    :param dry_run: only check the file (default false)
    :returns: ``{"dry_run", "rows", "errors": [{"sheet", "row", "column", "field",
        "message"}], "created": [{"id", "name", "row"}]}``; nothing is created when
        ``errors`` is not empty
    """
    data = schema.validated(data_dict, _import_schema(), context)
    org = service.get_org(data["org"])
    tk.check_access("dongchang_catalog_import", context, {"org": org.id})
    upload = data.get("upload")
    if upload is not None and hasattr(upload, "read"):
        content, filename = upload.read(), getattr(upload, "filename", "") or ""
    else:
        content, filename = data.get("content") or b"", data.get("filename") or ""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if not content:
        raise tk.ValidationError({"upload": [tk._("Choose a file to import.")]})
    return spreadsheet.run_import(context, org.id, content, filename,
                                  bool(data.get("dry_run")))


@tk.side_effect_free
def dongchang_catalog_export(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A department's catalog in the import format, as JSON (the download is
    ``/organization/<org>/export.xlsx`` or ``.csv``).

    :param org: the department (id or name)
    :returns: ``{"columns", "rows", "items"}``
    """
    data = schema.validated(data_dict, _org_schema(), context)
    org = service.get_org(data["org"])
    tk.check_access("dongchang_catalog_export", context, {"org": org.id})
    return spreadsheet.export_rows(context, org.id)
