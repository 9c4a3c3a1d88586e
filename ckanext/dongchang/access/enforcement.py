"""DESIGN §4 enforced through CKAN's own mechanisms (F-3).

* Metadata: ``private`` (set by the schema from the classes) plus permission labels, which
  CKAN's ``package_show`` auth and ``package_search`` both obey.
* Data: resource URLs are removed from every dict a viewer receives unless policy lets that
  viewer see the data; downloads are refused outright.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.types import Context, DataDict

from ckanext.dongchang.access import audience
from ckanext.dongchang.access.rules import publication, visibility
from ckanext.dongchang.kernel import request_memo

RESTRICTED_FLAG = "dongchang_restricted"
AUDIENCE_FIELD = "audience"  # who each file is for (issue 16): open, shared or owner
DOWNLOAD_ENDPOINTS = frozenset({"resource.download", "dataset_resource.download"})

# Sent when a download lets gated data through (a file the public may not use), with
# ``dataset_id``, ``resource_id`` and ``request_id`` (the covering grant; None for the department
# and the Bureau). The access log listens (``delivery/service.note_served``).
gated_file_served = tk.signals.ckanext.signal(
    "dongchang_gated_file_served", "a download is letting gated data through")


# --- metadata: permission labels -------------------------------------------------------------
def dataset_labels(dataset: model.Package) -> list[str]:
    """A deleted (or CKAN-draft) entry counts as unpublished: only its department and the
    Bureau still see it, so they can tell what was withdrawn and undo a mistaken deletion;
    for everyone else it no longer exists (issue 14 item 8)."""
    return _labels(dataset, listed=dataset.state == "active")


def _labels(dataset: model.Package, listed: bool) -> list[str]:
    extras = dataset.extras or {}
    return visibility.dataset_labels(
        dataset.id, dataset.owner_org, extras.get("share_class", ""),
        extras.get("open_class", ""), listed and publication.is_published(extras),
    )


def user_labels(user: model.User | None) -> list[str]:
    if user is None:
        return visibility.user_labels(False, (), False)
    memberships = audience.memberships_for(user)
    return visibility.user_labels(True, memberships.org_ids, memberships.is_bureau)


@contextmanager
def hidden_as_missing() -> Iterator[None]:
    """An entry the viewer may not see answers as a missing one does (404, the same words).

    CKAN refuses it with 403 and a message naming its id, which tells an outsider that the
    entry (or one of its resources) exists.
    """
    try:
        yield
    except tk.NotAuthorized:
        raise tk.ObjectNotFound() from None


# --- metadata: references to other entries ---------------------------------------------------
# A product's sources and a relationship's other end name entries by id; an entry the viewer may
# not see must not be named, or its existence (and a grant on it) would be told (issue 14 items
# 7 and 8). Search results never carry them: ``indexing`` keeps them out of the index.
RELATIONSHIP_ENDS = (("relationships_as_subject", "object_package_id"),
                     ("relationships_as_object", "subject_package_id"))
SOURCES_FIELD = "sources"
SOURCE_REFERENCES = ("dataset_id", "access_request_id")


def visible_dataset_ids(context: Context, dataset_ids: Iterable[Any]) -> set[str]:
    """Which of these entries the context's user may see: the permission labels' answer, as
    ``package_show`` and ``package_search`` give it."""
    ids = {i for i in dataset_ids if isinstance(i, str) and i}
    if not ids:
        return set()
    memberships = audience.memberships_for(_context_user(context), context)
    viewer_labels = set(visibility.user_labels(memberships.user_id is not None,
                                               memberships.org_ids, memberships.is_bureau))
    datasets = model.Session.query(model.Package).filter(model.Package.id.in_(ids)).all()
    return {d.id for d in datasets if viewer_labels.intersection(dataset_labels(d))}


def strip_references(context: Context, dataset: dict[str, Any]) -> None:
    """Remove relationships to, and product sources' ids of, entries the viewer may not see."""
    sources, extra = product_sources(dataset)
    relationships = [(end, r) for field, end in RELATIONSHIP_ENDS
                     for r in dataset.get(field) or [] if isinstance(r, dict)]
    named = {_other_end(r, end) for end, r in relationships}
    named |= {s.get("dataset_id") for s in sources}
    named.discard(None)
    if not named:
        return
    visible = visible_dataset_ids(context, named)
    for field, end in RELATIONSHIP_ENDS:
        if isinstance(dataset.get(field), list):
            dataset[field] = [r for r in dataset[field]
                              if isinstance(r, dict) and _other_end(r, end) in visible]
    _unname_sources(sources, extra, lambda source: source.get("dataset_id") in visible)


def _unname_sources(sources: list[dict[str, Any]], extra: dict[str, Any] | None,
                    may_name: Callable[[dict[str, Any]], bool]) -> None:
    """Remove the entry references of each source ``may_name`` refuses; a default-schema
    product keeps its sources as JSON in an extra, written back here."""
    for source in sources:
        if not may_name(source):
            for key in SOURCE_REFERENCES:
                source.pop(key, None)
    if extra is not None:
        extra["value"] = json.dumps(sources, ensure_ascii=False)


def _other_end(relationship: dict[str, Any], end: str) -> Any:
    """The related entry's id: a top-level key as CKAN dictizes it, under ``__extras`` once
    the dataset schema has validated the dict."""
    return relationship.get(end) or (relationship.get("__extras") or {}).get(end)


def drop_references(dataset: dict[str, Any]) -> None:
    """For the search index, which answers everyone: no relationship and no source id at all
    (whether an entry may be named depends on the viewer and on the entry's classes today)."""
    sources, extra = product_sources(dataset)
    for field, _end in RELATIONSHIP_ENDS:
        if field in dataset:
            dataset[field] = []
    _unname_sources(sources, extra, lambda source: False)


def product_sources(dataset: dict[str, Any]
                    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """A product's sources: the schema's list, or (default schema) the JSON in its extra."""
    if isinstance(dataset.get(SOURCES_FIELD), list):
        return [s for s in dataset[SOURCES_FIELD] if isinstance(s, dict)], None
    for extra in dataset.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == SOURCES_FIELD:
            try:
                sources = json.loads(extra.get("value") or "[]")
            except (TypeError, ValueError):
                sources = []
            if isinstance(sources, list):
                return [s for s in sources if isinstance(s, dict)], extra
    return [], None


# --- data: resource URLs ----------------------------------------------------------------------
# ``resource.extras`` by name, as JSON text: CKAN's JSON type of that column is not marked safe
# for SQLAlchemy's statement cache, so a query naming the column is compiled again on every run.
_STORED_FILE_EXTRAS = sa.literal_column("resource.extras", sa.Text)


def _freshness_statement() -> sa.Select:
    """The entry (its extras hold its classes), whether it has a relationship, and its active
    files' stored extras (their declared audiences); the entry bound by id or name. Built once:
    it runs before every cached read of an entry.

    It loads the entry as an ORM object, so ``package_show``'s own ``Package.get(id)`` finds it
    in the session instead of reading the row a second time."""
    entry = sa.bindparam("entry")
    package, resource = model.Package, model.resource_table
    relationship = model.package_relationship_table
    related = sa.exists().where(sa.or_(relationship.c.subject_package_id == package.id,
                                       relationship.c.object_package_id == package.id))
    file_extras = (sa.select(sa.func.array_agg(_STORED_FILE_EXTRAS)).select_from(resource)
                   .where(resource.c.package_id == package.id, resource.c.state == "active")
                   .scalar_subquery())
    return (sa.select(package, related, file_extras)
            .where(sa.or_(package.id == entry, package.name == entry))
            .order_by((package.id == entry).desc()).limit(1))  # by id first, as CKAN looks


_FRESHNESS = _freshness_statement()
_LOADED_ENTRY = "dongchang_entry_loaded"


def needs_fresh_read(dataset_id_or_name: str, for_the_public: bool = False,
                     keep_in: dict[str, Any] | None = None) -> bool:
    """Whether ``package_show`` must read from the database instead of Solr's stored copy.

    The index holds gated entries without their resource URLs, and products and related
    entries without the ids of the entries they name (see ``indexing``), so a viewer who may
    see those must get the entry from the database. One prepared query (``_FRESHNESS``) asks
    all of it before every cached read of an entry.

    ``for_the_public``: the reader is an anonymous visitor. The index holds what the
    least-privileged finder may know of the files, so for an entry the public finds that copy
    *is* the visitor's view, and only the references it lacks send the read to the database
    (issue 20: a conditionally open entry's show was read from the database for everyone, 12
    statements against stock's 5).

    ``keep_in``: the action's context, which holds on to the entry the query loaded. The
    session keeps loaded objects only while something refers to them; held there, CKAN's own
    ``Package.get(id)`` in the same action finds it without reading the row again (see
    :func:`asked_by_loaded_id`).
    """
    if not dataset_id_or_name:
        return False
    found = model.Session.execute(_FRESHNESS, {"entry": dataset_id_or_name}).first()
    if keep_in is not None:
        keep_in[_LOADED_ENTRY] = found[0] if found is not None else None
    if found is None:
        return False
    entry, has_relationships, files = found
    extras = entry.extras or {}
    references = has_relationships or bool(extras.get(SOURCES_FIELD))
    if for_the_public and publication.least_viewer(extras) == publication.PUBLIC_VIEWER:
        return references
    return (references or not publication.data_is_public(extras) or _has_file_not_for_all(
        extras, (_declared_audience_of(stored) for stored in files or ())))


def asked_by_loaded_id(context: Context, data_dict: DataDict) -> DataDict:
    """``data_dict`` asking for the entry :func:`needs_fresh_read` loaded into ``context`` by
    its id: CKAN's ``Package.get`` finds an id in the session, but looks a name up twice (as
    an id, then as a name)."""
    entry = context.get(_LOADED_ENTRY)  # type: ignore[misc]
    asked = data_dict.get("id") or data_dict.get("name_or_id")
    if entry is None or asked == entry.id or asked != entry.name:
        return data_dict  # (a context used again may hold the entry of an earlier ask)
    return {**data_dict, "id": entry.id}


def _declared_audience_of(stored_extras: str | None) -> Any:
    """A file's declared audience from its stored extras (JSON text, as CKAN keeps them)."""
    try:
        return (json.loads(stored_extras) if stored_extras else {}).get(AUDIENCE_FIELD)
    except (TypeError, ValueError, AttributeError):
        return None


def _has_file_not_for_all(extras: dict[str, Any], declared: Iterable[Any]) -> bool:
    """A file that is not the open version leaves the index (``indexing``): the entry's
    department must get the entry from the database to see it."""
    share, open_ = extras.get("share_class"), extras.get("open_class")
    return any(visibility.file_audience(audience_, share, open_) != visibility.FILE_OPEN
               for audience_ in declared)


def _context_user(context: Context) -> Any:
    return context.get("auth_user_obj") or context.get("user")


def is_anonymous(context: Context) -> bool:
    """The caller is a visitor who has not signed in (not an internal call: those run with
    ``ignore_auth`` and no user, and see everything)."""
    if _trusted(context):
        return False
    user = _context_user(context)
    return not user or not getattr(user, "is_authenticated", True)


def _trusted(context: Context) -> bool:
    """Internal calls (indexing, activity snapshots) run with ignore_auth and no user."""
    return bool(context.get("ignore_auth")) and not context.get("user")


@dataclass(frozen=True)
class FileAccess:
    """What one viewer may do with each file of one entry (issue 16: audience per file).

    Answers from ``visibility.may_use_file``/``file_listed`` with the file's declared
    ``audience`` and the viewer's grants on the entry, read once.
    """

    viewer: frozenset[str]
    share_class: str
    open_class: str
    published: bool
    grants: tuple[tuple[str, frozenset[str], str], ...]

    @property
    def everything(self) -> bool:
        """The owner department and the Bureau use every file."""
        return bool(self.viewer & {visibility.OWNER, visibility.BUREAU})

    def _covered(self, resource_id: Any, declared: Any) -> bool:
        return visibility.grant_covers(self.grants, resource_id, self._audience(declared))

    def _audience(self, declared: Any) -> str:
        return visibility.file_audience(declared, self.share_class, self.open_class)

    def grant_for(self, resource_id: Any, declared: Any) -> str | None:
        """The request id of the viewer's grant that covers this file, if one does."""
        return visibility.covering_grant(self.grants, resource_id, self._audience(declared))

    def public(self, declared: Any) -> bool:
        """Whether anyone at all may use this file's data (then a download is not logged)."""
        return visibility.may_use_file(frozenset({visibility.PUBLIC}), self.share_class,
                                       self.open_class, self.published, declared, False)

    def _asks(self, rule: Any, resource_id: Any, declared: Any) -> bool:
        """A file rule of ``visibility`` asked for this viewer, entry and file."""
        return rule(self.viewer, self.share_class, self.open_class, self.published, declared,
                    self._covered(resource_id, declared))

    def uses(self, resource_id: Any, declared: Any) -> bool:
        return self._asks(visibility.may_use_file, resource_id, declared)

    def lists(self, resource_id: Any, declared: Any) -> bool:
        return self._asks(visibility.file_listed, resource_id, declared)


def file_access(context: Context, dataset: dict[str, Any]) -> FileAccess:
    """The viewer's rights on the files of ``dataset`` (its classes, state and owner)."""
    memberships = audience.memberships_for(_context_user(context), context)
    dataset_id = dataset.get("id", "")
    return FileAccess(
        viewer=memberships.viewer(dataset.get("owner_org"), dataset_id),
        share_class=str(dataset.get("share_class") or ""),
        open_class=str(dataset.get("open_class") or ""),
        published=publication.is_published(dataset),
        grants=memberships.grants_on(dataset_id),
    )


def declared_audience(resource: Any) -> Any:
    """A file's declared audience, from a resource dict or a ``model.Resource``."""
    if isinstance(resource, dict):
        return resource.get(AUDIENCE_FIELD)
    return (getattr(resource, "extras", None) or {}).get(AUDIENCE_FIELD)


def strip_dataset(context: Context, dataset: dict[str, Any]) -> dict[str, Any]:
    """Remove the URLs of files the viewer may not use, and the files the viewer may not know
    of at all (in place; returns the dict)."""
    if _trusted(context):
        return dataset
    strip_references(context, dataset)
    _strip_files(file_access(context, dataset), dataset, declared_audience)
    return dataset


def _strip_files(access: FileAccess, holder: dict[str, Any],
                 declared_of: Callable[[dict[str, Any]], Any]) -> None:
    """Per file: keep it whole, keep it without its URL (the viewer could ask for it), or drop
    it (an owner file, or a shared file for the public: name and URL reach nobody else)."""
    resources = holder.get("resources")
    if access.everything or not isinstance(resources, list):
        return
    kept = []
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        declared = declared_of(resource)
        if access.uses(resource.get("id"), declared):
            kept.append(resource)
        elif access.lists(resource.get("id"), declared):
            _strip_resource(resource)
            kept.append(resource)
    resources[:] = kept
    if "num_resources" in holder:
        holder["num_resources"] = len(kept)


def _strip_resource(resource: dict[str, Any]) -> None:
    resource["url"] = ""
    resource[RESTRICTED_FLAG] = True


def strip_resource(context: Context, resource: dict[str, Any]) -> dict[str, Any]:
    """``resource_show``: strip the URL and refuse a download; a file the viewer may not know
    of answers as missing."""
    if _trusted(context):
        return resource
    access = file_access(context, _dataset_fields(resource["package_id"]))
    declared = declared_audience(resource)
    if access.everything or access.uses(resource["id"], declared):
        if _is_download_request() and not access.public(declared):
            gated_file_served.send(None, dataset_id=resource["package_id"],
                                   resource_id=resource["id"],
                                   request_id=access.grant_for(resource["id"], declared))
        return resource
    if not access.lists(resource["id"], declared):
        raise tk.ObjectNotFound()
    if _is_download_request():
        raise tk.NotAuthorized(tk._(
            "This data is not open to you. Conditionally open data can be requested from"
            " the dataset page."))
    _strip_resource(resource)
    return resource


def usable_resources(context: Context, resources: Iterable[Any]) -> list[Any]:
    """Only the resources (model objects or dicts) whose data the viewer may use, in order.

    For searches: a gated resource must not take part in matching or ordering at all, or its
    position among the viewer's own resources would reveal its URL (issue 14, item 3).
    """
    resources = list(resources)
    if _trusted(context):
        return resources

    def field(resource: Any, name: str) -> Any:
        return resource.get(name) if isinstance(resource, dict) else getattr(resource, name)

    datasets = {d["id"]: d for d in _datasets_fields(
        {field(r, "package_id") for r in resources if field(r, "package_id")})}
    access_by_dataset = {dataset_id: file_access(context, dataset)
                         for dataset_id, dataset in datasets.items()}
    usable = []
    for resource in resources:
        access = access_by_dataset.get(field(resource, "package_id"))
        if access is not None and access.uses(field(resource, "id"),
                                              declared_audience(resource)):
            usable.append(resource)
    return usable


def current_file_audiences(dataset_id: str) -> dict[str, Any]:
    """The entry's active files today: ``{resource id: declared audience}`` (one query)."""
    if not dataset_id:
        return {}
    resource = model.resource_table
    rows = (model.Session.query(resource.c.id, _STORED_FILE_EXTRAS)
            .filter(resource.c.package_id == dataset_id, resource.c.state == "active").all())
    return {file_id: _declared_audience_of(stored) for file_id, stored in rows}


def _is_download_request() -> bool:
    try:
        return tk.request.endpoint in DOWNLOAD_ENDPOINTS
    except RuntimeError:  # no request: an action called from code
        return False


# --- downloads: CKAN shows the entry twice ----------------------------------------------------
_SHOWN = "dongchang_download_package_show"
_PLAIN_SHOW = frozenset({"id", "name"})
_SHAPING_CONTEXT = ("schema", "for_view", "for_update", "ignore_auth")


def _show_key(context: Context, data_dict: DataDict) -> tuple[str, str] | None:
    """Within a download only, a plain ``package_show`` (CKAN's download view asks once inside
    ``resource_show`` and once itself, the same reader and entry each time) is asked again with
    the same answer: key it by reader and entry; None for any other call."""
    if not _is_download_request() or not set(data_dict) <= _PLAIN_SHOW \
            or any(context.get(key) for key in _SHAPING_CONTEXT) \
            or context.get("validate", True) is False:
        return None
    entry = data_dict.get("id") or data_dict.get("name")
    return (str(_context_user(context) or ""), str(entry)) if entry else None


def shown_in_this_download(context: Context, data_dict: DataDict) -> dict[str, Any] | None:
    """The entry as this reader was already shown it in this download (a copy); None when not
    (``kernel/request_memo``: forgotten on any write)."""
    key = _show_key(context, data_dict)
    shown = request_memo.memo(_SHOWN).get(key) if key else None
    return copy.deepcopy(shown) if shown is not None else None


def remember_shown(context: Context, data_dict: DataDict, dataset: Any) -> None:
    key = _show_key(context, data_dict)
    if key is None or not isinstance(dataset, dict):
        return
    kept = copy.deepcopy(dataset)
    shown = request_memo.memo(_SHOWN)
    for entry in {key[1], str(dataset.get("id")), str(dataset.get("name"))}:
        shown[(key[0], entry)] = kept


def _dataset_fields(dataset_id: str) -> dict[str, Any]:
    found = current_dataset_fields(dataset_id)
    if found is None:
        raise tk.ObjectNotFound()
    return found


def _datasets_fields(dataset_ids: set[str]) -> list[dict[str, Any]]:
    if not dataset_ids:
        return []
    rows = (
        model.Session.query(model.Package.id, model.Package.owner_org, model.Package.extras)
        .filter(model.Package.id.in_(dataset_ids))
        .all()
    )
    return [dict(row.extras or {}, id=row.id, owner_org=row.owner_org) for row in rows]


# --- activity: snapshots hold whole dataset dicts ---------------------------------------------
def strip_activities(context: Context, activities: Iterable[dict[str, Any]]) -> None:
    """Strip resource URLs (and files the viewer may not know of) from the dataset snapshots
    inside activities.

    CKAN stores a full ``package_show`` in each activity and returns it from every activity
    list; the viewer's *current* rights on the entry, and each file's *current* audience,
    decide what the snapshot may show.
    """
    activities = [a for a in activities if isinstance((a.get("data") or {}).get("package"), dict)]
    if _trusted(context) or not activities:
        return
    current = {d["id"]: d for d in _datasets_fields({a["object_id"] for a in activities})}
    files: dict[str, dict[str, Any]] = {}
    for activity in activities:
        dataset_id = activity["object_id"]
        if dataset_id in current and dataset_id not in files:
            files[dataset_id] = current_file_audiences(dataset_id)
        strip_snapshot(context, current.get(dataset_id), activity["data"]["package"],
                       files.get(dataset_id))


def strip_snapshot(context: Context, current: dict[str, Any] | None,
                   snapshot: dict[str, Any], files: dict[str, Any] | None = None) -> None:
    """A past version, as the viewer may see it today. A file still on the entry has its
    current audience; one deleted since keeps the audience it had."""
    strip_references(context, snapshot)
    if current is None:  # the entry is gone: no URL for anyone
        for resource in snapshot.get("resources") or []:
            if isinstance(resource, dict):
                _strip_resource(resource)
        return
    if files is None:
        files = current_file_audiences(current["id"])

    def declared_of(resource: dict[str, Any]) -> Any:
        resource_id = resource.get("id")
        return files[resource_id] if resource_id in files else declared_audience(resource)

    _strip_files(file_access(context, current), snapshot, declared_of)


def may_see_all_data(context: Context, dataset_id: str) -> bool:
    """Whether the viewer may use every file the entry has, had or may get: only those
    who use every file whatever its audience (owner department, Bureau), or the public on an
    entry whose files are all open to everyone."""
    access = entry_file_access(context, dataset_id)
    if access is None:
        return False
    return access.everything or access.uses(None, visibility.FILE_OPEN) and all(
        visibility.file_audience(declared, access.share_class, access.open_class)
        == visibility.FILE_OPEN for declared in current_file_audiences(dataset_id).values())


def entry_file_access(context: Context, dataset_id: str) -> FileAccess | None:
    """The viewer's rights on the files of the entry as it is now (see
    :func:`current_dataset_fields`); None when there is no such entry."""
    current = current_dataset_fields(dataset_id)
    return None if current is None else file_access(context, current)


def current_dataset_fields(dataset_id: str) -> dict[str, Any] | None:
    """The entry's id, owner and extras (classes, state), from the session's own copy of the
    entry: CKAN's auth loads the same entry in the same request (``resource_show``,
    ``package_show``), so a download or DataStore call reads it once, shared with CKAN's
    check, and a write (commit) makes the next read load it again. The session keeps only
    weak references: the request's memo holds the entry so that CKAN's own ``Package.get``
    finds it (``kernel/request_memo``, forgotten on any write)."""
    held = request_memo.memo("dongchang_entries")
    dataset = held.get(dataset_id) or (
        model.Session.get(model.Package, dataset_id) if dataset_id else None)
    if dataset is None:
        return None
    held[dataset_id] = dataset
    return dict(dataset.extras or {}, id=dataset.id, owner_org=dataset.owner_org)


# --- activity: labels follow the entry's current classes --------------------------------------
def refresh_activity_labels(dataset_id: str, deleting: bool = False) -> None:
    """Give the entry's past activities its current labels.

    CKAN stamps each activity with the dataset's labels when it happens; after a class change
    old activities would otherwise stay visible to an audience that lost the entry.
    ``deleting``: CKAN calls the delete hooks while the entry is still active.
    """
    from ckanext.activity.model import Activity

    dataset = model.Package.get(dataset_id)
    if dataset is None:
        return
    model.Session.query(Activity).filter(Activity.object_id == dataset.id).update(
        {Activity.permission_labels: _labels(dataset, listed=not deleting
                                             and dataset.state == "active")},
        synchronize_session=False
    )
