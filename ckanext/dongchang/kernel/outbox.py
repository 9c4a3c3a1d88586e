"""Notifications waiting to be mailed (the transactional outbox pattern)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

from ckanext.dongchang.kernel import columns


class MailOutbox(columns.SerialRow):
    __tablename__ = "dongchang_mail_outbox"

    created: Mapped[dt.datetime] = columns.timestamp()
    message: Mapped[dict] = sa.Column(JSONB, nullable=False)
    sent_at: Mapped[dt.datetime | None] = sa.Column(sa.DateTime)
