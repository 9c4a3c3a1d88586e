"""Answers kept for the rest of one web request, forgotten as soon as the session writes.

Some reads are asked twice within one request with the same answer (CKAN's download view shows
the entry once inside ``resource_show`` and once more itself). A memo lives on ``flask.g``: never
across requests or processes, and any flush, commit or rollback empties every memo, so a write
(an approval, a revocation, a class change) is seen by the very next read.
"""
from __future__ import annotations

from typing import Any

import flask
import sqlalchemy as sa
from ckan import model

_KEY = "dongchang_request_memos"


def memo(name: str) -> dict[Any, Any]:
    """The memo called ``name`` of the current web request; a throwaway one outside a
    request (nothing is kept)."""
    if not flask.has_request_context():
        return {}
    return flask.g.setdefault(_KEY, {}).setdefault(name, {})


def kept(key: str) -> dict[Any, Any]:
    """``flask.g``'s ``key`` of the current request, for a memo with its own
    :func:`forget_on_write` rules; a throwaway one outside a request (CLI, jobs)."""
    if not keeping():
        return {}
    return flask.g.setdefault(key, {})


def keeping() -> bool:
    """Whether a memo kept now would last: inside a request (or app context), not in the CLI
    or a job, where :func:`kept` hands out throwaway ones."""
    return flask.has_app_context()


def forget_on_write(key: str, tables: frozenset[str] | None = None,
                    across_commit: bool = False) -> None:
    """Empty ``flask.g``'s ``key`` whenever the session commits or rolls back, and whenever it
    flushes — or, with ``tables``, flushes a row of one of those tables: what was kept there
    for the request is read again after any write it may depend on.

    ``across_commit``: kept when the session commits (a commit writes nothing a flush has not
    already written), for what was kept while that transaction was being committed."""
    def forget(*_args: Any) -> None:
        if flask.has_app_context():
            flask.g.pop(key, None)

    def forget_if_touched(session: Any, _flush_context: Any) -> None:
        changed = (*session.new, *(row for row in session.dirty if session.is_modified(row)),
                   *session.deleted)  # a "dirty" row with no net change writes nothing
        if tables is None or any(_table_of(row) in tables for row in changed):
            forget()

    sa.event.listen(model.Session, "after_flush", forget_if_touched)
    for event in ("after_soft_rollback",) if across_commit else ("after_commit",
                                                                  "after_soft_rollback"):
        sa.event.listen(model.Session, event, forget)


def _table_of(row: Any) -> str | None:
    """The name of the table a flushed object is a row of. CKAN's ``member`` table holds two
    kinds of row: a user's membership of a group, and an entry's place in one (``table_name``
    ``package``, added by every ``package_create``); the second is named ``member/package``,
    so that saving an entry does not forget what depends on users' memberships only."""
    table = getattr(getattr(sa.inspect(row).mapper, "local_table", None), "name", None)
    if table == "member" and getattr(row, "table_name", None) == "package":
        return "member/package"
    return table


forget_on_write(_KEY)
