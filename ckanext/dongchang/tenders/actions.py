"""API of tenders for commercial use (Art. 25; F-6): ``dongchang_tender_*``.

Every tender page calls one of these actions. Reading is public (the competition is public);
announcing, changing, awarding and cancelling are the Bureau's.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.dongchang.kernel import schema
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.tenders import rules, service

__all__ = [
    "dongchang_tender_create", "dongchang_tender_show", "dongchang_tender_list",
    "dongchang_tender_update", "dongchang_tender_award", "dongchang_tender_cancel",
]

_id_list = schema.id_list(N_("Give a list of catalog entry ids or names."), distinct=True)


def _state_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(v in rules.STATES for v in value):
        raise tk.Invalid(tk._("Choose states among: %(states)s.")
                         % {"states": ", ".join(rules.STATES)})
    return value


@tk.validator_args
def tender_announcement(ignore_missing) -> Schema:
    fields = {field: schema.text_field(200) for field in ("title", "method")}
    fields.update({field: schema.text_field(20000) for field in ("notice", "scope")})
    fields.update({field: schema.text_field(20) for field in ("bidding_start", "bidding_end")})
    fields["notice_url"] = schema.text_field(1000)
    fields["dataset_ids"] = [ignore_missing, _id_list]
    return fields


def tender_update() -> Schema:
    return schema.row_schema(**tender_announcement())


def tender_award() -> Schema:
    return schema.row_schema(awardee=schema.text_field(100), award_date=schema.text_field(20),
                             contract_start=schema.text_field(20),
                             contract_end=schema.text_field(20))


tender_cancel = schema.decision_schema


@tk.validator_args
def tender_list(ignore_missing) -> Schema:
    return {
        "state": [ignore_missing, _state_list],
        "dataset_id": schema.text_field(200),
        "awardee": schema.text_field(100),
        **schema.paging_schema(max_limit=100),
    }



def dongchang_tender_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Announce a tender for commercial use of conditionally open entries (Art. 25). Bureau only.

    :param title: title of the tender
    :param dataset_ids: ids or names of the catalog entries it covers (list, or comma-separated)
    :param method: ``public_tender``, ``competitive_negotiation`` or ``competitive_consultation``
    :param notice: text of the tender notice
    :param notice_url: optional address of the notice on the procurement site
    :param scope: the scope of use the tender allocates
    :param bidding_start: first day of bidding (YYYY-MM-DD)
    :param bidding_end: last day of bidding (YYYY-MM-DD); the tender shows as
        ``bidding_closed`` from the day after
    :returns: the tender; its ``id`` (e.g. ``T20261129-7F3A2C``) is what the awardee gives as
        ``tender_id`` in a commercial access request
    """
    tk.check_access("dongchang_tender_create", context, data_dict)
    data = schema.validated(data_dict, tender_announcement(), context)
    return service.as_dict(service.create(context, data), context)


@tk.side_effect_free
def dongchang_tender_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One tender, public. Covered entries the viewer may not see are counted, not named.

    :param id: the tender id
    :returns: the tender with ``state`` (``announced``, ``bidding_closed``, ``awarded``,
        ``cancelled`` or ``ended``), ``datasets`` (visible entries), ``hidden_datasets``
        (how many covered entries are not open to the viewer), ``awardee`` and the contract,
        and ``open_actions``: what the Bureau may do to it now (``update``, ``award``,
        ``cancel``; whether this caller may is its auth's answer)
    """
    tender = service.get_tender(tk.get_or_bust(data_dict, "id"))
    tk.check_access("dongchang_tender_show", context, {"id": tender.id})
    return service.as_dict(tender, context)


@tk.side_effect_free
def dongchang_tender_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Tenders, newest first, public.

    :param state: a state or list of states (default: ``announced``, ``bidding_closed`` and
        ``awarded``; ``cancelled`` and ``ended`` on request)
    :param dataset_id: only tenders covering this entry (id or name)
    :param awardee: only tenders awarded to this user name
    :param page: page number (20 per page unless ``limit``, at most 100)
    :returns: ``{"count": n, "results": [...], "page": p, "limit": l}``
    """
    tk.check_access("dongchang_tender_list", context, data_dict)
    data = schema.validated(data_dict, tender_list(), context)
    return service.list_tenders(context, data)


def _changed(name: str, schema_of: Any, change: Any, context: Context,
             data_dict: DataDict) -> dict[str, Any]:
    """The Bureau's change of one tender: its auth, its schema, the service's change, and the
    tender as it is now."""
    tk.check_access(name, context, data_dict)
    data = schema.validated(data_dict, schema_of(), context)
    return service.as_dict(change(context, data["id"], data), context)


def dongchang_tender_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change the notice of a tender not yet awarded or cancelled. Bureau only.

    :param id: the tender id
    :param title, dataset_ids, method, notice, notice_url, scope, bidding_start, bidding_end:
        the fields to change (others stay)
    """
    return _changed("dongchang_tender_update", tender_update, service.update, context, data_dict)


def dongchang_tender_award(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Award a tender whose bidding has closed. Bureau only.

    :param id: the tender id
    :param awardee: user name of the winning bidder's registered account
    :param award_date: date of the award (YYYY-MM-DD, default today)
    :param contract_start: first day of the contract (YYYY-MM-DD)
    :param contract_end: last day of the contract (YYYY-MM-DD); the access granted under the
        tender ends with it
    """
    return _changed("dongchang_tender_award", tender_award, service.award, context, data_dict)


def dongchang_tender_cancel(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Cancel a tender. Access granted under it is revoked at once, pending commercial requests
    resting on it are refused; both with the reason. Bureau only.

    :param id: the tender id
    :param reason: required; bidders and grantees see it
    """
    tk.check_access("dongchang_tender_cancel", context, data_dict)
    data = schema.validated(data_dict, tender_cancel(), context)
    return service.as_dict(service.cancel(context, data["id"], data.get("reason") or ""),
                           context)
