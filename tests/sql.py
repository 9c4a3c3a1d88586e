"""The SQL a piece of code sends, for tests that hold a page or a badge to a cost."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa
from ckan import model


@contextlib.contextmanager
def statements() -> Iterator[list[str]]:
    """Every statement sent on CKAN's engine inside the block, whitespace folded."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    engine = model.meta.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
