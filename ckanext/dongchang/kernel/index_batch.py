"""Entries saved in one transaction, sent to the search index together once it commits.

The spreadsheet import creates a department's catalog, hundreds or thousands of entries, in
one transaction (issue 20 item 2: ≥ 3× the per-entry rate of ``package_create``). CKAN's
``package_create`` with ``defer_commit`` neither reads the new entry for the index nor indexes
it; indexing the entries afterwards (``search.rebuild``) read each one from the database
again, after ckanext-activity had already read and validated it once more for its snapshot,
and sent each to Solr in a request of its own (CKAN opens a new connection for each).

A ``package_create`` whose context carries a batch (:func:`joined`) instead

* reads the new entry for the index at once, exactly as a plain ``package_create`` does
  (``logic.package_show_default_and_custom_schemas``), so the activity snapshot that follows
  takes that version (``indexed_version``) instead of reading the entry again, and
* keeps the read in the batch. After the commit, :func:`send` makes each entry's index
  document with CKAN's own code (``PackageSearchIndex.index_package``: every plugin's
  ``before_dataset_index``, the permission labels) and sends them in a few Solr requests.

The batch is the caller's: nothing is kept in the process or across requests.
"""
from __future__ import annotations

import contextvars
from typing import Any

import pysolr
from ckan import logic
from ckan.lib import search
from ckan.lib.search import SearchIndexError
from ckan.lib.search import common as search_common
from ckan.lib.search import index as search_index
from ckan.types import Context

Batch = list[tuple[dict[str, Any], dict[str, Any]]]  # CKAN's (default, custom schema) reads

_BATCH = "dongchang_index_batch"  # in a package_create context
DOCUMENTS_PER_REQUEST = 250  # a few MB of XML per Solr request for our larger entries


def joined(context: Context, batch: Batch) -> Context:
    """``context`` for a ``package_create`` whose entry goes into ``batch``; it must run with
    ``defer_commit`` (the caller commits, then calls :func:`send`)."""
    return dict(context, **{_BATCH: batch})  # type: ignore[return-value]


def read_if_batched(context: Context, created: Any) -> None:
    """After a batched ``package_create``: the index's read of the new entry, into the batch.
    ``created`` is what the action returned (its id with ``return_id_only``)."""
    batch = context.get(_BATCH)  # type: ignore[misc]
    if batch is None:
        return
    entry_id = created if isinstance(created, str) else created["id"]
    batch.append(logic.package_show_default_and_custom_schemas(context, entry_id))


class _Collector:
    """Stands in for CKAN's Solr connection while documents are made: keeps what
    ``index_package`` would send."""

    def __init__(self) -> None:
        self.documents: list[dict[str, Any]] = []

    def add(self, docs: list[dict[str, Any]], **_options: Any) -> None:
        self.documents.extend(docs)

    @staticmethod
    def delete(**options: Any) -> Any:
        """A deleted entry leaves the index as CKAN removes it, at once."""
        return search_common.make_connection().delete(**options)


_COLLECTING: contextvars.ContextVar[_Collector | None] = contextvars.ContextVar(
    "dongchang_index_collecting", default=None)


def _connection(*args: Any, **kwargs: Any) -> Any:
    """CKAN's ``make_connection`` for ``index_package``, except while this thread is making
    a batch's documents."""
    collector = _COLLECTING.get()
    return collector if collector is not None else search_common.make_connection(*args,
                                                                                 **kwargs)


# ``index_package`` makes and sends a document in one step; this is where the two part.
search_index.make_connection = _connection


def documents(batch: Batch) -> list[dict[str, Any]]:
    """The Solr documents of a batch's entries, made by CKAN's ``index_package``."""
    collector = _Collector()
    token = _COLLECTING.set(collector)
    try:
        package_index = search.index_for("Package")
        for default, custom in batch:
            package_index.index_package(dict(default, with_custom_schema=custom),
                                        defer_commit=True)
    finally:
        _COLLECTING.reset(token)
    return collector.documents


def send(batch: Batch) -> None:
    """Index a committed batch's entries and commit the index; raises ``SearchIndexError``
    as CKAN's own indexing does."""
    docs = documents(batch)
    connection = search_common.make_connection()
    try:
        for start in range(0, len(docs), DOCUMENTS_PER_REQUEST):
            connection.add(docs=docs[start:start + DOCUMENTS_PER_REQUEST], commit=False)
    except pysolr.SolrError as error:
        raise SearchIndexError(f"Solr returned an error: {str(error)[:1000]}") from error
    except OSError as error:
        raise SearchIndexError(f"Could not connect to Solr: {error}") from error
    search.commit()
