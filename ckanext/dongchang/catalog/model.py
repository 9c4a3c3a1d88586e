"""A change that obliges a department to update a catalog entry within a deadline (Art. 16)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

from ckanext.dongchang.kernel import columns


class CatalogChange(columns.UuidRow):
    """Open until reported (``reported_on``); ``due_on`` counts Chinese working days."""

    __tablename__ = "dongchang_catalog_change"

    dataset_id: Mapped[str] = columns.reference("package.id")
    trigger: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    occurred_on: Mapped[dt.date] = sa.Column(sa.Date, nullable=False)
    note: Mapped[str] = columns.text_or_blank()
    due_on: Mapped[dt.date] = sa.Column(sa.Date, nullable=False)
    due_on_provisional: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)
    reported_on: Mapped[dt.date | None] = sa.Column(sa.Date)
    reported_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    created_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    created: Mapped[dt.datetime] = columns.timestamp()

    @property
    def state(self) -> str:
        return "closed" if self.reported_on else "open"

    def as_dict(self) -> dict[str, Any]:
        return dict(columns.column_values(self), state=self.state)
