"""The SQL a piece of code sends, for tests that hold a page or a badge to a cost."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from ckan import model
from sqlalchemy.engine.default import NO_CACHE_KEY


def statements() -> contextlib.AbstractContextManager[list[str]]:
    """Every statement sent on CKAN's engine inside the block, whitespace folded."""
    return _recorded(lambda _context: True)


def compiled_every_time() -> contextlib.AbstractContextManager[list[str]]:
    """The statements sent inside the block that SQLAlchemy cannot keep compiled (no cache
    key: a column type not marked ``cache_ok``), so they are compiled again on every run."""
    return _recorded(lambda context: context is not None and context.compiled is not None
                     and context.cache_hit is NO_CACHE_KEY)


@contextlib.contextmanager
def _recorded(kept: Callable[[Any], bool]) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, context, _many):
        if kept(context):
            seen.append(" ".join(statement.split()))

    engine = model.meta.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
