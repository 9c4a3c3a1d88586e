"""Tenders for commercial use (Art. 25; F-6): the CKAN-facing service behind actions and pages.

The pure rules (methods, states, what an award needs, when a tender backs a request) are in
``policy.tenders``; this module adds the database: the Bureau, the entries, the awardee's
account, decisions that cannot both win (row locks), the audit trail, and the grants that
rest on a tender, which end with it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.types import Context

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel import mail
from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.kernel.rows import page_of, row_by_id
from ckanext.dongchang.kernel.rules import date_or_none
from ckanext.dongchang.kernel.schema import invalid, refuse_errors, rendered, typed_name
from ckanext.dongchang.tenders import rules
from ckanext.dongchang.tenders.model import Tender, new_tender_id

tender_ended = tk.signals.ckanext.signal(
    "dongchang_tender_ended",
    "A tender was cancelled or its contract period ended: the access it backed ends with it. "
    "Sent with the tender and ``reason`` (the text the applicants read).")

EDITABLE = rules.ANNOUNCEMENT_FIELDS


def normalise_id(value: Any) -> str:
    """Tender numbers as typed: any case, spaces around; "" for what cannot be one (PostgreSQL
    refuses NUL characters, so they must never reach a query)."""
    return typed_name(value).upper()


def get_tender(tender_id: Any, for_update: bool = False) -> Tender:
    return row_by_id(Tender, normalise_id(tender_id), tk._("Tender not found"), for_update)


def state_of(tender: Tender, today: dt.date | None = None) -> str:
    return rules.effective_state(tender.state, tender.bidding_end, today or dt.date.today())


def _facts(tender: Tender) -> dict[str, Any]:
    return {column: getattr(tender, column) for column in (
        "state", "bidding_end", "awardee_id", "dataset_ids", "contract_start", "contract_end")}


# --- the Bureau's decisions --------------------------------------------------------------------
def resolve_entries(values: list[str]) -> tuple[list[str], list[str]]:
    """Ids of the catalog entries named (by id or name), and error messages for the rest.

    Only conditionally open entries are put out to tender: Art. 25 allocates commercial use of
    the conditional-open list; open data needs no tender and closed data cannot be requested.
    """
    ids: list[str] = []
    unknown: list[str] = []
    not_conditional: list[str] = []
    for value in rules.normalise_ids(values):
        dataset = model.Package.get(value) if "\x00" not in value else None
        if dataset is None or dataset.state != "active" or dataset.type != "dataset":
            unknown.append(value)
        elif (dataset.extras or {}).get("open_class") != "conditional":
            not_conditional.append(dataset.title or dataset.name)
        elif dataset.id not in ids:
            ids.append(dataset.id)
    errors = []
    if unknown:
        errors.append(tk._("No catalog entry is called %(names)s.")
                      % {"names": ", ".join(unknown)})
    if not_conditional:
        errors.append(tk._("Only conditionally open entries are allocated by tender; these are"
                           " not: %(titles)s.") % {"titles": ", ".join(not_conditional)})
    return ids, errors


def _announcement(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    payload = {field: data.get(field) for field in EDITABLE}
    payload["dataset_ids"] = rules.normalise_ids(data.get("dataset_ids") or [])
    errors = rendered(rules.announcement_errors(payload))
    if payload["dataset_ids"]:
        payload["dataset_ids"], dataset_errors = resolve_entries(payload["dataset_ids"])
        if dataset_errors:
            errors.setdefault("dataset_ids", []).extend(dataset_errors)
    for field in ("bidding_start", "bidding_end"):
        payload[field] = date_or_none(payload[field])
    for field in ("title", "notice", "notice_url", "scope"):
        payload[field] = (payload[field] or "").strip()
    return payload, errors


def create(context: Context, data: dict[str, Any]) -> Tender:
    payload, errors = _announcement(data)
    if errors:
        raise tk.ValidationError(errors)
    user = model.User.get(context["user"])
    tender = Tender(id=new_tender_id(), state="announced", created_by=user.id, **payload)
    model.Session.add(tender)
    model.Session.flush()
    AuditEvent.record(user.id, "tender_announced", "tender", tender.id,
                      dataset_ids=tender.dataset_ids, method=tender.method)
    model.Session.commit()
    return tender


def update(context: Context, tender_id: str, data: dict[str, Any]) -> Tender:
    """Change the notice of a tender that is not yet awarded (fields not given stay)."""
    tender = get_tender(tender_id, for_update=True)
    _refuse_unless("update", tender)
    current = {field: getattr(tender, field) for field in EDITABLE}
    current.update({k: v for k, v in data.items() if k in EDITABLE and v is not None})
    payload, errors = _announcement(current)
    if errors:
        model.Session.rollback()
        raise tk.ValidationError(errors)
    for field, value in payload.items():
        setattr(tender, field, value)
    user = model.User.get(context["user"])
    AuditEvent.record(user.id, "tender_updated", "tender", tender.id,
                      fields=sorted(k for k in data if k in EDITABLE))
    model.Session.commit()
    return tender


def _refuse_unless(action: str, tender: Tender) -> None:
    refused = rules.refusal(action, state_of(tender))
    if refused:
        model.Session.rollback()
        raise invalid("state", refused)


def _account_called(value: Any) -> model.User | None:
    """The account a person picked (user name) or typed (user name, id or full name, when one
    active account has it: issue 17 item 8)."""
    if not (value := typed_name(value)):
        return None
    found = model.User.get(value)
    if found is not None:
        return found
    named = model.Session.query(model.User).filter(
        model.User.fullname == value, model.User.state == "active").limit(2).all()
    return named[0] if len(named) == 1 else None


def award(context: Context, tender_id: str, data: dict[str, Any]) -> Tender:
    """Record the winning bidder and the contract period; commercial use may then be requested.

    The row is locked while deciding, so two Bureau staff awarding at once cannot both win.
    """
    tender = get_tender(tender_id, for_update=True)
    _refuse_unless("award", tender)
    today = dt.date.today()
    errors = rendered(rules.award_errors(data, tender.bidding_end, today))
    awardee = _account_called(data.get("awardee"))
    if data.get("awardee") and (awardee is None or awardee.state != "active"):
        errors.setdefault("awardee", []).append(
            tk._("No registered account is called %(name)s.") % {"name": data["awardee"]})
    if errors:
        model.Session.rollback()
        raise tk.ValidationError(errors)
    tender.state = "awarded"
    tender.awardee_id = awardee.id
    tender.award_date = date_or_none(data.get("award_date")) or today
    tender.contract_start = date_or_none(data["contract_start"])
    tender.contract_end = date_or_none(data["contract_end"])
    user = model.User.get(context["user"])
    AuditEvent.record(user.id, "tender_awarded", "tender", tender.id, awardee_id=awardee.id,
                      contract_start=tender.contract_start.isoformat(),
                      contract_end=tender.contract_end.isoformat())
    model.Session.commit()
    return tender


def cancel(context: Context, tender_id: str, reason: str) -> Tender:
    """Cancel a tender; the access granted under it ends at once (revoked, with the reason)."""
    refuse_errors(rules.cancel_errors(reason))
    tender = get_tender(tender_id, for_update=True)
    _refuse_unless("cancel", tender)
    reason = reason.strip()
    tender.state = "cancelled"
    tender.cancel_reason = reason
    user = model.User.get(context["user"])
    AuditEvent.record(user.id, "tender_cancelled", "tender", tender.id, reason=reason)
    model.Session.commit()
    end_grants(tender, mail.bilingual(lambda: tk._(
        "Tender %(id)s was cancelled: %(reason)s") % {"id": tender.id, "reason": reason}))
    return tender


def end_expired_tenders(today: dt.date | None = None) -> list[str]:
    """End awarded tenders whose contract period is over, and the access resting on them.

    Access already stops being *valid for new requests* the day after ``contract_end``; this
    daily job (``ckan dongchang expire-grants``) records the end and revokes the grants.
    """
    today = today or dt.date.today()
    due = [row[0] for row in model.Session.query(Tender.id).filter(
        Tender.state == "awarded", Tender.contract_end < today)]
    ended = []
    for tender_id in due:
        changed = model.Session.query(Tender).filter(
            Tender.id == tender_id, Tender.state == "awarded").update(
            {"state": "ended", "modified": dt.datetime.utcnow()}, synchronize_session=False)
        if changed != 1:  # cancelled or ended concurrently
            model.Session.rollback()
            continue
        AuditEvent.record(None, "tender_ended", "tender", tender_id)
        model.Session.commit()
        tender = get_tender(tender_id)
        end_grants(tender, mail.bilingual(lambda t=tender: tk._(
            "The contract period of tender %(id)s ended on %(date)s.")
            % {"id": t.id, "date": t.contract_end.isoformat()}))
        ended.append(tender_id)
    return ended


def end_grants(tender: Tender, reason: str) -> None:
    """Announce that ``tender`` no longer backs any access: ``tender_ended`` tells the access
    requests, which end the grants resting on it (tenders do not reach into requests)."""
    tender_ended.send(tender, reason=reason)


# --- commercial access requests ----------------------------------------------------------------
def check_commercial_request(data: dict[str, Any], user: model.User) -> None:
    """A commercial request needs an awarded tender covering the entry, won by the applicant,
    within its contract period (Art. 25) — else a ``tender_id`` error saying which failed."""
    tender_id = normalise_id(data.get("tender_id"))
    tender = model.Session.query(Tender).filter(Tender.id == tender_id).one_or_none() \
        if tender_id else None
    facts = _facts(tender) if tender is not None else None
    today = dt.date.today()
    problem = rules.commercial_use_problem(facts, data.get("dataset_id") or "",
                                           user.id if user else "", today)
    if problem is not None:
        raise invalid("tender_id", rules.commercial_use_message(problem, facts))
    beyond = rules.period_beyond_contract(data.get("period_end"), tender.contract_end)
    if beyond:
        raise invalid("period_end", beyond)
    data["tender_id"] = tender.id


# --- reading ------------------------------------------------------------------------------------
def _state_filter(state: str, today: dt.date):
    if state == "announced":
        return sa.and_(Tender.state == "announced", Tender.bidding_end >= today)
    if state == "bidding_closed":
        return sa.and_(Tender.state == "announced", Tender.bidding_end < today)
    return Tender.state == state


def list_tenders(context: Context, filters: dict[str, Any]) -> dict[str, Any]:
    """A page of tenders, newest first, filtered as ``dongchang_tender_list`` documents. An
    unknown entry or user, or an entry the viewer may not see, has no tenders."""
    dataset_id = awardee_id = None
    if filters.get("dataset_id"):
        dataset = model.Package.get(filters["dataset_id"])
        visible = dataset is not None and audience.may_see_entry(
            audience.reader_context(context), dataset.id)
        dataset_id = dataset.id if visible else "-"
    if filters.get("awardee"):
        awardee = model.User.get(filters["awardee"])
        awardee_id = awardee.id if awardee else "-"
    query = _query_tenders(filters.get("state") or list(rules.LISTED_STATES),
                           dataset_id, awardee_id)
    return page_of(query, filters["page"], filters["limit"],
                   lambda rows: [as_dict(row, context) for row in rows])


def _query_tenders(states: list[str], dataset_id: str | None = None,
                   awardee_id: str | None = None):
    today = dt.date.today()
    query = model.Session.query(Tender).filter(
        sa.or_(*[_state_filter(state, today) for state in states]))
    if dataset_id:
        query = query.filter(Tender.dataset_ids.contains([dataset_id]))
    if awardee_id:
        query = query.filter(Tender.awardee_id == awardee_id)
    return query.order_by(Tender.created.desc())


def contract_of(tender_id: Any) -> dict[str, Any] | None:
    """What a commercial-use request rests on, for its request page (issue 17 item 9): the
    tender by number and title, its state, the awardee and the contract. Tenders are public;
    this names no covered entry."""
    tender = model.Session.get(Tender, normalise_id(tender_id)) if tender_id else None
    if tender is None:
        return None
    awardee = model.User.get(tender.awardee_id) if tender.awardee_id else None
    return {"id": tender.id, "title": tender.title, "state": state_of(tender),
            "awardee_display_name": awardee.display_name if awardee else None,
            "award_date": tender.award_date, "contract_start": tender.contract_start,
            "contract_end": tender.contract_end}


def as_dict(tender: Tender, context: Context) -> dict[str, Any]:
    """A tender as the viewer may see it: covered entries the viewer may not see are only
    counted (``hidden_datasets``), never named — the competition is public, the entries not."""
    out = tender.as_dict()
    out["stored_state"] = tender.state
    out["state"] = state_of(tender)
    out["open_actions"] = rules.open_actions(out["state"])
    reader = audience.reader_context(context)
    visible, hidden = [], 0
    for dataset_id in tender.dataset_ids or []:
        if audience.may_see_entry(reader, dataset_id):
            dataset = model.Package.get(dataset_id)
            visible.append({"id": dataset.id, "name": dataset.name, "title": dataset.title,
                            "resource_code": (dataset.extras or {}).get("resource_code", "")})
        else:
            hidden += 1
    out["dataset_ids"] = [d["id"] for d in visible]
    out["datasets"] = visible
    out["hidden_datasets"] = hidden
    awardee = model.User.get(tender.awardee_id) if tender.awardee_id else None
    out["awardee"] = awardee.name if awardee else None
    out["awardee_display_name"] = awardee.display_name if awardee else None
    out.pop("awardee_id", None)
    out.pop("created_by", None)
    return out

