"""Reading the one row an action is about, or one page of the rows a list action is about."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model


def page_of(query: Any, page: int, limit: int,
            shown: Callable[[list[Any]], list[Any]] = list) -> dict[str, Any]:
    """Page ``page`` of ``limit`` rows of an ordered ``query``, as every list action answers
    (``count``, ``page``, ``limit``, ``results``); ``shown`` turns the rows into results."""
    count = query.count()
    rows = query.offset((page - 1) * limit).limit(limit).all()
    return {"count": count, "page": page, "limit": limit, "results": shown(rows)}


def of_entry(query: Any, column: Any, entry: str) -> Any:
    """``query`` narrowed to rows whose ``column`` holds the id of the catalog entry ``entry``
    names (id or URL name); an unknown entry matches no row."""
    dataset = model.Package.get(entry)
    return query.filter(column == (dataset.id if dataset else ""))


def one_or_not_found(query: Any, not_found: str, for_update: bool = False) -> Any:
    """The row ``query`` finds, or ``ObjectNotFound(not_found)``.

    ``for_update`` locks the row until the transaction ends and reads it again once the lock is
    held (``populate_existing``), so a decision is taken on what a concurrent one committed, not
    on the session's older copy.
    """
    if for_update:
        query = query.with_for_update().populate_existing()
    found = query.one_or_none()
    if found is None:
        raise tk.ObjectNotFound(not_found)
    return found


def row_by_id(table: Any, row_id: Any, not_found: str, for_update: bool = False) -> Any:
    """The row of ``table`` with this ``id``, or ``ObjectNotFound(not_found)`` (``for_update``:
    see :func:`one_or_not_found`)."""
    return one_or_not_found(model.Session.query(table).filter(table.id == row_id), not_found,
                            for_update)
