"""The version of an entry the search index has just read, kept for the activity snapshot.

Saving an entry reads it twice more, both times as an internal (trusted) caller: CKAN reads it
from the database for the search index, then ckanext-activity asks ``package_show`` for the
snapshot it stores. Stock CKAN answers the second from the index it has just written; we can't
for a gated entry, whose index copy has no URLs (``indexing``), so that entry was read from the
database and validated a second time (issue 20: ``package_create`` 48 statements against
stock's 31).

The index's read is already the trusted view of the same version: the last one is kept here,
for the rest of the request, and given to the next internal ``package_show`` of that entry *and
version* (``metadata_modified``). Kept only

* from the index's own read (validated with the dataset schema, before any viewer's
  stripping: ``plugin.after_dataset_show`` keeps it before ``strip_dataset``, and dongchang is
  the first package plugin),
* for an entry without relationships (the index's read leaves them out, ``chained``),
* until the session flushes or rolls back; kept across the commit that followed the index's
  read (``request_memo.forget_on_write(…, across_commit=True)``),

and given only to an internal caller (``ignore_auth``: the activity snapshot) asking plainly by
id or name; the show plugins then shape it for that caller as they would a database read.
"""
from __future__ import annotations

import copy
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import apply_after_dataset_show_plugins
from ckan.types import Context, DataDict

from ckanext.dongchang.kernel import request_memo

_KEPT = "dongchang_indexed_versions"  # on flask.g: {entry id: (metadata_modified, dict)}
_HAS_RELATIONSHIPS = "dongchang_index_read_had_relationships"  # in the index read's context
_PLAIN_ASK = frozenset({"id", "name", "include_tracking"})
_SHAPING_CONTEXT = ("schema", "for_view", "for_update")  # (use_default_schema: not a plain ask)

request_memo.forget_on_write(_KEPT, across_commit=True)


def is_search_index_read(context: Context) -> bool:
    """CKAN reads an entry for the search index unvalidated and uncached
    (``logic.package_show_default_and_custom_schemas``, used by ``package_create``/``_update``
    and ``search-index rebuild``); no other caller asks for that."""
    return context.get("validate") is False and context.get("use_cache") is False


def settle_before_index_read(context: Context) -> None:
    """Flush before the index's read. ``package_create`` sets the new entry's
    ``metadata_modified`` and adds its department membership after its last flush, and the
    read's queries do not flush: the index would copy the older stamp (so CKAN's next cached
    read of the entry misses it and reads the database) and the version kept here would not
    be the one committed a moment later."""
    if is_search_index_read(context):
        model.Session.flush()


def note_relationships(context: Context, dataset: dict[str, Any], fields: tuple[str, ...]
                       ) -> None:
    """The index's read is about to lose the entry's relationships: such an entry is not kept."""
    if any(dataset.get(field) for field in fields):
        context[_HAS_RELATIONSHIPS] = True  # type: ignore[literal-required]


def keep(context: Context, dataset: dict[str, Any]) -> None:
    """Called with every shown entry before it is stripped for its viewer; keeps the index's."""
    if not request_memo.keeping() or not is_search_index_read(context) \
            or context.get(_HAS_RELATIONSHIPS) \
            or not dataset.get("id") or not dataset.get("metadata_modified"):
        return
    kept = request_memo.kept(_KEPT)
    kept.clear()  # the last read only: a rebuild reads thousands in one context, never flushing
    kept[dataset["id"]] = (dataset["metadata_modified"], copy.deepcopy(dataset))


def given(context: Context, data_dict: DataDict) -> dict[str, Any] | None:
    """The kept version for this ``package_show``, as ``package_show`` would end it (after
    the show plugins); None when the call is not an internal plain ask that may be answered
    from a copy, or nothing current is kept."""
    kept = request_memo.kept(_KEPT)
    if not kept or not context.get("ignore_auth") or not set(data_dict) <= _PLAIN_ASK \
            or any(context.get(key) for key in _SHAPING_CONTEXT) \
            or context.get("validate", True) is False or context.get("use_cache", True) is False:
        return None
    entry = model.Package.get(str(data_dict.get("id") or data_dict.get("name") or ""))
    version = kept.get(entry.id) if entry is not None else None
    if version is None or entry.metadata_modified is None \
            or version[0] != entry.metadata_modified.isoformat():
        return None
    context["package"] = entry
    tk.check_access("package_show", context, data_dict)
    dataset = copy.deepcopy(version[1])
    apply_after_dataset_show_plugins(context, dataset)
    return dataset
