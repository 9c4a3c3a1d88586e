"""Tenders for commercial use (F-6), and the sources each data product registered (F-7)."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

from ckanext.dongchang.kernel import columns


def new_tender_id(today: dt.date | None = None) -> str:
    """A number an applicant can read and type into a request form, e.g. ``T20261129-7F3A2C``."""
    today = today or dt.date.today()
    return f"T{today:%Y%m%d}-{secrets.token_hex(3).upper()}"


class Tender(tk.BaseModel):  # type: ignore[misc]
    """A tender notice and, once awarded, the contract that allows commercial use (Art. 25)."""

    __tablename__ = "dongchang_tender"

    id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True, default=new_tender_id)
    title: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    dataset_ids: Mapped[list] = sa.Column(JSONB, nullable=False, default=list)
    method: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    notice: Mapped[str] = columns.text_or_blank()
    notice_url: Mapped[str] = columns.text_or_blank()
    scope: Mapped[str] = columns.text_or_blank()
    bidding_start: Mapped[dt.date] = sa.Column(sa.Date, nullable=False)
    bidding_end: Mapped[dt.date] = sa.Column(sa.Date, nullable=False)
    state: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False, default="announced")
    awardee_id: Mapped[str | None] = columns.reference("user.id", required=False)
    award_date: Mapped[dt.date | None] = sa.Column(sa.Date)
    contract_start: Mapped[dt.date | None] = sa.Column(sa.Date)
    contract_end: Mapped[dt.date | None] = sa.Column(sa.Date)
    cancel_reason: Mapped[str] = columns.text_or_blank()
    created_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    created: Mapped[dt.datetime] = columns.timestamp()
    modified: Mapped[dt.datetime] = columns.timestamp(on_update=True)

    def as_dict(self) -> dict[str, Any]:
        return columns.column_values(self)


class ProductSource(columns.SerialRow):
    """One source of a data product as registered: the entry's classes on that day are kept,
    so the Bureau sees products whose sources changed class since (Art. 25 utilisation)."""

    __tablename__ = "dongchang_product_source"

    product_id: Mapped[str] = columns.reference("package.id")
    position: Mapped[int] = sa.Column(sa.Integer, nullable=False)
    dataset_id: Mapped[str] = columns.reference("package.id")
    acquired_on: Mapped[dt.date] = sa.Column(sa.Date, nullable=False)
    access_request_id: Mapped[str | None] = sa.Column(sa.UnicodeText)
    registrant_id: Mapped[str] = columns.reference("user.id")
    share_class: Mapped[str] = columns.text_or_blank()
    open_class: Mapped[str] = columns.text_or_blank()
    created: Mapped[dt.datetime] = columns.timestamp()
