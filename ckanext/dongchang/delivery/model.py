"""The access log (issue 16 item 5): one row per delivery of gated data, append-only.

The database refuses UPDATE and TRUNCATE, and DELETE except of rows older than the retention
cut-off that :func:`ckanext.dongchang.delivery.service.purge_older_than` sets for its own
transaction (migration ``f2a4c6e8b013``).
"""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.orm import Mapped

from ckanext.dongchang.kernel.columns import column_values

CHANNEL_DOWNLOAD = "download"  # a file through the portal's download route
CHANNEL_API = "api"  # a DataStore call (datastore_search, the DataStore dump)


class AccessLogEntry(tk.BaseModel):  # type: ignore[misc]
    __tablename__ = "dongchang_access_log"

    id: Mapped[int] = sa.Column(sa.BigInteger, primary_key=True, autoincrement=True)
    occurred_at: Mapped[dt.datetime] = sa.Column(sa.DateTime, nullable=False,
                                                 default=dt.datetime.utcnow)
    user_id: Mapped[str | None] = sa.Column(sa.UnicodeText)
    request_id: Mapped[str | None] = sa.Column(sa.UnicodeText)  # the grant; None: insiders
    dataset_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    resource_id: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    channel: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    bytes: Mapped[int | None] = sa.Column(sa.BigInteger)
    rows: Mapped[int | None] = sa.Column(sa.BigInteger)
    client_address: Mapped[str | None] = sa.Column(sa.UnicodeText)

    def as_dict(self) -> dict:
        return column_values(self)


class Upstream(tk.BaseModel):  # type: ignore[misc]
    """A gated file's data kept at the department (issue 16 item 3): the address only the
    portal calls, by resource id (migration ``a3c5e7f9b014``). Never dictized with the
    resource, so it reaches no browser, API answer, index, feed, activity or mail."""

    __tablename__ = "dongchang_upstream"

    resource_id: Mapped[str] = sa.Column(sa.UnicodeText, primary_key=True)
    address: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    registered_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    registered_at: Mapped[dt.datetime] = sa.Column(sa.DateTime, nullable=False,
                                                   default=dt.datetime.utcnow)
