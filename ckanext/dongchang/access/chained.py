"""Actions of ckanext-dongchang, and the core actions it chains."""
from __future__ import annotations

import functools
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.dictization import model_dictize
from ckan.lib.search import SearchError, SearchIndexError
from ckan.types import Action, Context, DataDict

from ckanext.dongchang.access import enforcement, indexed_version
from ckanext.dongchang.catalog import revisions
from ckanext.dongchang.catalog.rules import workflow
from ckanext.dongchang.delivery import upstream
from ckanext.dongchang.kernel import index_batch
from ckanext.dongchang.kernel.chains import (
    chained_read,
    core_messages_translated,
    named,
    translating_core_messages,
)
from ckanext.dongchang.kernel.messages import render
from ckanext.dongchang.kernel.schema import validated

# Core actions that take an image upload: chained only to translate CKAN's size error.
IMAGE_UPLOAD_ACTIONS = ("organization_create", "organization_update", "group_create",
                        "group_update", "user_create", "user_update")

__all__ = [
    "package_create", "package_update", "package_show", "resource_show",
    "current_package_list_with_resources", "resource_search",
    "package_activity_list", "organization_activity_list", "group_activity_list",
    "user_activity_list", "dashboard_activity_list", "recently_changed_packages_activity_list",
    "activity_show", "activity_data_show", "activity_diff",
    "resource_create", "resource_update", "resource_delete",
    "bulk_update_private", "bulk_update_public", "bulk_update_delete",
    *IMAGE_UPLOAD_ACTIONS,
]

# Fields whose value navl flattens as a list of objects; any other shape makes CKAN raise a
# bare "Integrity Error" (HTTP 400) that names no field.
_LIST_OF_OBJECTS = ("data_items", "resources", "tags", "extras", "groups")


def _shape_errors(data_dict: DataDict) -> dict[str, list[str]]:
    errors = {}
    for field in _LIST_OF_OBJECTS:
        value = data_dict.get(field)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            errors[field] = [tk._("Give a list of entries, each with its own fields.")]
    return errors


def _none_as_empty(data_dict: DataDict) -> None:
    """``null`` for a list means none (e.g. ``data_items`` of an entry made without them, sent
    back by a client or ``package_patch``); navl would reject it with an Integrity Error naming
    no field. Resources are the exception: ``null`` must not delete every file, so it is an
    error on ``resources``."""
    for field in _LIST_OF_OBJECTS:
        if field in data_dict and data_dict[field] is None:
            if field == "resources":
                raise tk.ValidationError({field: [tk._(
                    "Give a list of entries, each with its own fields.")]})
            data_dict[field] = []


def _check_shape(data_dict: DataDict) -> None:
    _none_as_empty(data_dict)
    errors = _shape_errors(data_dict)
    if errors:
        raise tk.ValidationError(errors)


def _saved_with_index(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN indexes an entry just before committing it: if Solr is unreachable the whole
    change is rolled back. Say so, on a field, instead of a bare 500."""
    try:
        return up_func(context, data_dict)
    except SearchIndexError as error:
        model.Session.rollback()
        raise tk.ValidationError({"search_index": [tk._(
            "The search service is unavailable, so nothing was saved. Please try again in a"
            " few minutes.")]}) from error


@tk.chained_action
def package_create(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    _check_shape(data_dict)
    upstream.take_addresses(context, data_dict)  # before anything can store or echo them
    with upstream.forgotten_if_refused(context):
        created = _saved_with_index(up_func, context, data_dict)
    index_batch.read_if_batched(context, created)  # before the activity snapshot reads it
    return created


@tk.chained_action
def package_update(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """A department's change to what the public sees of a published entry waits for the
    Bureau (issue 14 item 10); the rest is saved at once. A typed upstream address is taken
    out first, so not even a held proposal keeps it (issue 16 item 3)."""
    _check_shape(data_dict)
    upstream.take_addresses(context, data_dict)
    with upstream.forgotten_if_refused(context):
        return revisions.update(functools.partial(_saved_with_index, up_func), context,
                                data_dict)


def _held_resource_action(kind: str) -> Action:
    """``resource_create``/``_update``/``_delete`` end in ``package_update``, which may hold
    the change: the answer then describes the held resource, not a published one."""
    @tk.chained_action
    def action(up_func: Action, context: Context, data_dict: DataDict) -> Any:
        with core_messages_translated():  # "File upload too large" is not translated by CKAN
            return revisions.resource_change(up_func, context, data_dict, kind)

    return named(action, f"resource_{kind}", _held_resource_action.__doc__)


resource_create, resource_update, resource_delete = map(
    _held_resource_action, ("create", "update", "delete"))

(organization_create, organization_update, group_create, group_update, user_create,
 user_update) = map(translating_core_messages, IMAGE_UPLOAD_ACTIONS)


def _visibility_by_hand(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """The organisation page's 设为公开/设为私有 write ``private`` straight into the table,
    past the schema that derives it from the classes: refused for everyone (issue 17
    item 5)."""
    raise tk.NotAuthorized(render(workflow.VISIBILITY_FOLLOWS_CLASSES, tk._))


bulk_update_private = tk.chained_action(_visibility_by_hand)
bulk_update_public = tk.chained_action(_visibility_by_hand)


@tk.chained_action
def bulk_update_delete(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Bulk delete, entry by entry as ``package_delete`` would allow it: never a published or
    submitted entry of a department (the Bureau decides those)."""
    datasets = data_dict.get("datasets")
    for dataset_id in datasets if isinstance(datasets, list) else []:
        refusal = revisions.delete_refusal(context, dataset_id)
        if refusal:
            raise tk.NotAuthorized(refusal)
    return up_func(context, data_dict)


@chained_read
def package_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    shown = enforcement.shown_in_this_download(context, data_dict)
    if shown is not None:  # the same entry, asked again by CKAN's download view
        tk.check_access("package_show", context, data_dict)
        return shown
    indexed = indexed_version.given(context, data_dict)
    if indexed is not None:  # the activity snapshot of the version the index has just read
        return indexed
    indexed_version.settle_before_index_read(context)
    if context.get("use_cache", True) and enforcement.needs_fresh_read(
            str(data_dict.get("id") or data_dict.get("name") or ""),
            for_the_public=enforcement.is_anonymous(context), keep_in=context):
        context["use_cache"] = False  # (a read already uncached, e.g. the index's, need not ask)
    with enforcement.hidden_as_missing():
        dataset = up_func(context, enforcement.asked_by_loaded_id(context, data_dict))
    if indexed_version.is_search_index_read(context):
        _without_relationships(context, dataset)
    enforcement.remember_shown(context, data_dict, dataset)
    return dataset


def _without_relationships(context: Context, dataset: Any) -> None:
    """Work around a CKAN 2.11+ defect: the indexer validates this dict with the default show
    schema, whose relationship schema moves ``subject_package_id``/``object_package_id`` under
    ``__extras``, then ``lib/search/index.py`` reads ``rel['subject_package_id']``: KeyError, so
    an entry with a relationship could not be updated (500) and ``rebuild`` dropped it.
    Relationships never reach our index anyway (``indexing`` drops them, issue 14 item 8)."""
    if isinstance(dataset, dict):
        indexed_version.note_relationships(
            context, dataset, tuple(field for field, _end in enforcement.RELATIONSHIP_ENDS))
        for field, _end in enforcement.RELATIONSHIP_ENDS:
            if field in dataset:
                dataset[field] = []


@chained_read
def resource_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    with enforcement.hidden_as_missing():
        resource = up_func(context, data_dict)
    return enforcement.strip_resource(context, resource)


@chained_read
def current_package_list_with_resources(up_func: Action, context: Context,
                                        data_dict: DataDict) -> Any:
    datasets = up_func(context, data_dict)
    for dataset in datasets:
        enforcement.strip_dataset(context, dataset)
    return datasets


@chained_read
def resource_search(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Core matches and orders resources of public entries by any column, the URL included.

    A gated resource taking part would reveal its URL one comparison at a time (``url:``
    guesses, or ``order_by=url`` against a URL of one's own, issue 14 item 3). So the search
    runs over the resources the viewer may use only: core finds and orders every match, the
    gated ones are dropped, and only then are count, offset and limit applied.
    """
    paging = _resource_search_paging(data_dict)
    internal = bool(context.get("search_query"))
    try:
        found = up_func(dict(context, search_query=True),
                        dict(data_dict, offset=None, limit=None))
    except SearchError as error:
        if internal:
            raise
        raise tk.ValidationError({"query": [str(error)]}) from error
    usable = enforcement.usable_resources(context, found["results"])
    start = paging.get("offset") or 0
    page = usable[start:start + paging["limit"]] if paging.get("limit") else usable[start:]
    results = page if internal else model_dictize.resource_list_dictize(page, context)
    return {"count": len(usable), "results": results}


def _resource_search_paging(data_dict: DataDict) -> dict[str, Any]:
    """Core's checks of ``query``, ``order_by``, ``offset`` and ``limit``, made before core
    runs (it gets no offset or limit from us) and strict where core would crash."""
    query = data_dict.get("query")
    if query is not None and not (isinstance(query, str) or (
            isinstance(query, list) and all(isinstance(term, str) for term in query))):
        raise tk.ValidationError({"query": [tk._("Give field:value text, or a list of them.")]})
    order_by = data_dict.get("order_by")
    if order_by is not None and order_by not in model.Resource.get_columns():
        raise tk.ValidationError({"order_by": [tk._(
            "Order by one of the resource's fields: %(fields)s.")
            % {"fields": ", ".join(model.Resource.get_columns())}]})
    natural = [tk.get_validator("ignore_missing"), tk.get_validator("natural_number_validator")]
    return validated({"offset": data_dict.get("offset"), "limit": data_dict.get("limit")},
                     {"offset": natural, "limit": natural}, {})


def _stripping_activity_list(name: str) -> Action:
    @chained_read
    def action(up_func: Action, context: Context, data_dict: DataDict) -> Any:
        activities = up_func(context, data_dict)
        enforcement.strip_activities(context, activities)
        return activities

    return named(action, name, "Activity snapshots without the URLs the viewer may not use.")


(package_activity_list, organization_activity_list, group_activity_list, user_activity_list,
 dashboard_activity_list, recently_changed_packages_activity_list) = map(
    _stripping_activity_list, (
        "package_activity_list", "organization_activity_list", "group_activity_list",
        "user_activity_list", "dashboard_activity_list",
        "recently_changed_packages_activity_list"))


@chained_read
def activity_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    activity = up_func(context, data_dict)
    enforcement.strip_activities(context, [activity])
    return activity


@chained_read
def activity_data_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    data = up_func(context, data_dict)
    activity = context.get("activity")
    if activity is not None and activity.activity_type.endswith("package"):
        snapshot = data.get("package", data) if isinstance(data, dict) else None
        if isinstance(snapshot, dict):
            enforcement.strip_snapshot(
                context, enforcement.current_dataset_fields(activity.object_id), snapshot)
    return data


@chained_read
def activity_diff(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """A diff would show changed URLs verbatim: only for those who may use all the data."""
    from ckanext.activity.model import Activity

    activity = model.Session.get(Activity, tk.get_or_bust(data_dict, "id"))
    if activity is not None and activity.activity_type.endswith("package") \
            and not enforcement.may_see_all_data(context, activity.object_id):
        raise tk.NotAuthorized(tk._("The history of this entry's data is not open to you."))
    return up_func(context, data_dict)
