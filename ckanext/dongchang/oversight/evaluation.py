"""Figures the Big Data Bureau evaluates departments by (Art. 6, 19, 25, 29; F-12).

Every figure is computed by a handful of grouped SQL queries over the whole catalog — never a
query per department or per entry — so the page costs the same for 10 or 100 departments.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.exceptions import CkanConfigurationException

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.access import audience
from ckanext.dongchang.calendar import deadlines
from ckanext.dongchang.catalog import freshness
from ckanext.dongchang.catalog.model import CatalogChange
from ckanext.dongchang.delivery.model import AccessLogEntry
from ckanext.dongchang.oversight import rules
from ckanext.dongchang.products import service
from ckanext.dongchang.requests.model import AccessRequest
from ckanext.dongchang.tenders.model import ProductSource

SHARE = ("unconditional", "conditional", "not_shared")
OPEN = ("unconditional", "conditional", "not_open")

# The columns of the table, the CSV and the XLSX, in order.
COLUMNS = (
    "department", "entries", *(f"share_{c}" for c in SHARE), *(f"open_{c}" for c in OPEN),
    "share_unconditional_ratio", "confidentiality_reviewed", "published",
    "requests_received", "requests_approved", "requests_refused", "approval_rate",
    "refusal_rate", "median_response_working_days", "overdue_responses", "active_grants",
    "catalog_updates_on_time", "catalog_updates_overdue", "products_registered",
    "entries_with_products", "freshness_applicable", "freshness_overdue", "deliveries",
    "entries_delivered",
)


def evaluate(org_ids: list[str] | None, start: dt.date | None,
             end: dt.date | None) -> dict[str, Any]:
    """Figures per department (``org_ids``: only these; None: all) and for the district.

    ``start``/``end`` bound the period for requests and catalog updates (by submission or
    event date); catalog composition is as of now.
    """
    orgs = _departments(org_ids)
    rows = {org.id: _empty(org) for org in orgs}
    _add_catalog(rows)
    _add_requests(rows, start, end)
    for figure in PERIOD_FIGURES:
        figure(rows, start, end)
    departments = [_finish(row) for row in rows.values()]
    district = _finish(_sum(departments))
    weights = rules.parse_weights(dc_config.evaluation_weights())
    for row in (*departments, district):
        row["score"] = rules.score(row, weights)  # Art. 6: the 评价 of the period
    return {"departments": departments, "district": district, "columns": list(COLUMNS),
            "weights": weights,
            "period": {"start": start.isoformat() if start else None,
                       "end": end.isoformat() if end else None}}


def check_configuration(config: Any) -> None:
    """Stop the site at start-up, naming the option, when the evaluation's weights cannot be
    read — rather than failing every evaluation page later."""
    try:
        rules.parse_weights(config.get(WEIGHTS_OPTION) or [])
    except rules.WeightsError as error:
        raise CkanConfigurationException(f"{WEIGHTS_OPTION}: {error}") from error


WEIGHTS_OPTION = "ckanext.dongchang.evaluation_weights"


def _departments(org_ids: list[str] | None) -> list[model.Group]:
    query = model.Session.query(model.Group).filter(
        audience.recognised_department(),
        model.Group.name != service.products_org_name())  # the product registry is no department
    if org_ids is not None:
        query = query.filter(model.Group.id.in_(org_ids or [""]))
    return query.order_by(model.Group.title).all()


def _empty(org: model.Group) -> dict[str, Any]:
    row: dict[str, Any] = {column: 0 for column in COLUMNS}
    row.update(department=org.title or org.name, org_id=org.id, org_name=org.name,
               _response_days=[])
    return row


def _add_catalog(rows: dict[str, dict[str, Any]]) -> None:
    extras = model.Package.extras
    query = (
        model.Session.query(
            model.Package.owner_org,
            extras["share_class"].astext, extras["open_class"].astext,
            extras["confidentiality_review_status"].astext, extras["catalog_state"].astext,
            sa.func.count(),
        )
        .filter(model.Package.type == "dataset", model.Package.state == "active",
                model.Package.owner_org.in_(list(rows)))
        .group_by(model.Package.owner_org, extras["share_class"].astext,
                  extras["open_class"].astext, extras["confidentiality_review_status"].astext,
                  extras["catalog_state"].astext)
    )
    for org_id, share, open_, review, state, count in query:
        row = rows[org_id]
        row["entries"] += count
        if share in SHARE:
            row[f"share_{share}"] += count
        if open_ in OPEN:
            row[f"open_{open_}"] += count
        if review == "passed":
            row["confidentiality_reviewed"] += count
        if state == "published":
            row["published"] += count


def _of_departments(query: Any, dataset_id: Any, rows: dict[str, dict[str, Any]]) -> Any:
    """``query`` narrowed to rows about entries of the departments in ``rows``; the entry
    (``model.Package``) is joined on the column ``dataset_id``."""
    return (query.join(model.Package, model.Package.id == dataset_id)
            .filter(model.Package.owner_org.in_(list(rows))))


def _written_in(query: Any, column: Any, start: dt.date | None, end: dt.date | None) -> Any:
    """``query`` narrowed to rows whose timestamp ``column`` falls on a day of the period
    (either end may be open)."""
    if start:
        query = query.filter(column >= dt.datetime.combine(start, dt.time()))
    if end:
        query = query.filter(column < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    return query


def _add_requests(rows: dict[str, dict[str, Any]], start: dt.date | None,
                  end: dt.date | None) -> None:
    query = _of_departments(
        model.Session.query(model.Package.owner_org, AccessRequest.state,
                            AccessRequest.created, AccessRequest.decided_at,
                            AccessRequest.due_on, AccessRequest.valid_from,
                            AccessRequest.valid_until),
        AccessRequest.dataset_id, rows)
    query = _written_in(query, AccessRequest.created, start, end)
    calendar = deadlines.calendar()
    today = dt.date.today()
    for org_id, state, created, decided_at, due_on, valid_from, valid_until in query:
        row = rows[org_id]
        row["requests_received"] += 1
        if state in ("approved", "expired", "revoked"):
            row["requests_approved"] += 1
        if state == "refused":
            row["requests_refused"] += 1
        if decided_at is not None:
            row["_response_days"].append(
                calendar.working_days_between(created.date(), decided_at.date()))
            if due_on and decided_at.date() > due_on:
                row["overdue_responses"] += 1
        elif state == "submitted" and due_on and due_on < today:
            row["overdue_responses"] += 1
        if state == "approved" and valid_from is not None and valid_from <= today \
                and (valid_until is None or valid_until >= today):  # started: agreement signed
            row["active_grants"] += 1


def _per_department(rows: dict[str, dict[str, Any]], start: dt.date | None,
                    end: dt.date | None, counted: Any, entry_column: Any, time_column: Any,
                    names: tuple[str, str]) -> None:
    """Per department: how many ``counted`` things in the period, and how many of its
    *published* entries (``entry_column``) they touched; written into ``rows`` under
    ``names``. The one query shape behind products registered and deliveries."""
    entry = sa.orm.aliased(model.Package)
    published = entry.extras["catalog_state"].astext == "published"
    query = (
        model.Session.query(entry.owner_org, sa.func.count(counted),
                            sa.func.count(sa.distinct(sa.case((published, entry_column)))))
        .join(entry, entry.id == entry_column)
        .filter(entry.owner_org.in_(list(rows)))
        .group_by(entry.owner_org)
    )
    for org_id, count, entries in _written_in(query, time_column, start, end):
        rows[org_id][names[0]] = count
        rows[org_id][names[1]] = entries


def _add_products(rows: dict[str, dict[str, Any]], start: dt.date | None,
                  end: dt.date | None) -> None:
    """Data products registered on each department's entries (Art. 25: utilisation), and how
    many of its published entries they use."""
    _per_department(rows, start, end, sa.distinct(ProductSource.product_id),
                    ProductSource.dataset_id, ProductSource.created,
                    ("products_registered", "entries_with_products"))


def _add_catalog_updates(rows: dict[str, dict[str, Any]], start: dt.date | None,
                         end: dt.date | None) -> None:
    """Art. 16: change events reported within their 15 working days, and those that were not."""
    today = dt.date.today()
    query = _of_departments(
        model.Session.query(model.Package.owner_org, CatalogChange.due_on,
                            CatalogChange.reported_on),
        CatalogChange.dataset_id, rows)
    if start:
        query = query.filter(CatalogChange.occurred_on >= start)
    if end:
        query = query.filter(CatalogChange.occurred_on <= end)
    for org_id, due_on, reported_on in query:
        if reported_on is not None and reported_on <= due_on:
            rows[org_id]["catalog_updates_on_time"] += 1
        elif (reported_on or today) > due_on:
            rows[org_id]["catalog_updates_overdue"] += 1



def _add_freshness(rows: dict[str, dict[str, Any]], start: dt.date | None,
                   end: dt.date | None) -> None:
    """Art. 16: published entries judged by their update cycle, and those overdue — as of
    today, like the catalog's composition (a period cannot make old data current)."""
    for org_id, (judged, overdue) in freshness.counts(list(rows)).items():
        rows[org_id]["freshness_applicable"] = judged
        rows[org_id]["freshness_overdue"] = overdue


#: The figures of the other features (products, catalog updates, freshness): each fills its
#: columns in ``rows`` (keyed by organisation id) for the period.
def _add_use(rows: dict[str, dict[str, Any]], start: dt.date | None,
             end: dt.date | None) -> None:
    """Deliveries of each department's gated data in the period, from the access log, and how
    many of its published entries they reached (Art. 25 ¶4: the Bureau follows use)."""
    _per_department(rows, start, end, AccessLogEntry.id, AccessLogEntry.dataset_id,
                    AccessLogEntry.occurred_at, ("deliveries", "entries_delivered"))


PERIOD_FIGURES = [_add_products, _add_catalog_updates, _add_freshness, _add_use]


def _sum(departments: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = defaultdict(int)
    days: list[int] = []
    for row in departments:
        for column in COLUMNS[1:]:
            if isinstance(row.get(column), int):
                total[column] += row[column]
        days.extend(row.get("_all_response_days", []))
    return dict(total, department="district", org_id=None, org_name=None,
                _response_days=days)


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    days = row.pop("_response_days")
    decided = row["requests_approved"] + row["requests_refused"]
    row["share_unconditional_ratio"] = _ratio(row["share_unconditional"], row["entries"])
    row["approval_rate"] = _ratio(row["requests_approved"], decided)
    row["refusal_rate"] = _ratio(row["requests_refused"], decided)
    row["median_response_working_days"] = statistics.median(days) if days else None
    row["_all_response_days"] = days
    return row


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def public_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row without the internal working lists, for the API and exports."""
    return {key: value for key, value in row.items() if not key.startswith("_")}
