"""How a row of our tables looks in the API: every column, dates as ISO 8601 strings."""
from __future__ import annotations

from typing import Any


def column_values(row: Any) -> dict[str, Any]:
    out = {}
    for column in row.__table__.columns:
        value = getattr(row, column.name)
        out[column.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out
