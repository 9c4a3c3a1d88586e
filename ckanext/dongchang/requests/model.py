"""An access request (Art. 20, 25). Once approved it is also the grant: scope and validity."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from ckan import model
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

from ckanext.dongchang.kernel import columns


class AccessRequest(columns.UuidRow):
    __tablename__ = "dongchang_access_request"

    dataset_id: Mapped[str] = columns.reference("package.id")
    resource_ids: Mapped[list] = sa.Column(JSONB, nullable=False, default=list)
    requester_id: Mapped[str] = columns.reference("user.id")
    request_kind: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    applicant_kind: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    applicant_org_id: Mapped[str | None] = sa.Column(sa.UnicodeText)
    purpose: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    use_scenario: Mapped[str] = columns.text_or_blank()
    security_measures: Mapped[str] = columns.text_or_blank()
    institution: Mapped[str] = columns.text_or_blank()
    public_interest_attested: Mapped[bool] = sa.Column(sa.Boolean, nullable=False,
                                                       default=False)
    tender_id: Mapped[str | None] = sa.Column(sa.UnicodeText)
    period_start: Mapped[dt.date | None] = sa.Column(sa.Date)
    period_end: Mapped[dt.date | None] = sa.Column(sa.Date)
    state: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    reason: Mapped[str] = columns.text_or_blank()
    decided_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    decided_at: Mapped[dt.datetime | None] = sa.Column(sa.DateTime)
    due_on: Mapped[dt.date | None] = sa.Column(sa.Date)
    due_on_provisional: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)
    valid_from: Mapped[dt.date | None] = sa.Column(sa.Date)
    valid_until: Mapped[dt.date | None] = sa.Column(sa.Date)
    # The deciding side's check of a self-declared applicant kind (Art. 20 ¶3): who, when, what.
    applicant_verified_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    applicant_verified_at: Mapped[dt.datetime | None] = sa.Column(sa.DateTime)
    applicant_verification: Mapped[str] = columns.text_or_blank()
    created: Mapped[dt.datetime] = columns.timestamp()
    modified: Mapped[dt.datetime] = columns.timestamp(on_update=True)

    @classmethod
    def active_grants(cls, user_id: str, dataset_ids: list[str] | None = None,
                      today: dt.date | None = None) -> list[AccessRequest]:
        """Approved requests of ``user_id`` in force today (optionally for some datasets):
        started (``valid_from``; see ``rules.grant_in_force``) and not ended."""
        today = today or dt.date.today()
        query = model.Session.query(cls).filter(
            cls.requester_id == user_id,
            cls.state == "approved",
            cls.valid_from <= today,  # empty until the agreement is signed: not started
            sa.or_(cls.valid_until.is_(None), cls.valid_until >= today),
        )
        if dataset_ids is not None:
            query = query.filter(cls.dataset_id.in_(dataset_ids))
        return query.all()

    def as_dict(self) -> dict[str, Any]:
        return columns.column_values(self)


class AccessAgreement(columns.UuidRow):
    """The agreement a grant rests on (Art. 20 ¶3, Art. 25 ¶4): the terms as signed, the
    applicant's security measures, and each side's signature. Made when the request is
    approved; the grant starts when both sides have signed."""

    __tablename__ = "dongchang_access_agreement"

    request_id: Mapped[str] = columns.reference("dongchang_access_request.id", unique=True)
    terms_version: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    terms_text: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    security_measures: Mapped[str] = columns.text_or_blank()
    authority: Mapped[str] = sa.Column(sa.UnicodeText, nullable=False)
    authority_org_id: Mapped[str | None] = sa.Column(sa.UnicodeText)
    authority_signed_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    authority_signed_at: Mapped[dt.datetime | None] = sa.Column(sa.DateTime)
    applicant_signed_by: Mapped[str | None] = sa.Column(sa.UnicodeText)
    applicant_signed_at: Mapped[dt.datetime | None] = sa.Column(sa.DateTime)
    created: Mapped[dt.datetime] = columns.timestamp()

    @classmethod
    def of_request(cls, request_id: str, for_update: bool = False) -> AccessAgreement | None:
        query = model.Session.query(cls).filter(cls.request_id == request_id)
        return (query.with_for_update() if for_update else query).one_or_none()

    def as_dict(self) -> dict[str, Any]:
        return columns.column_values(self)
