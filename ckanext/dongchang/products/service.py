"""Derived data products (Art. 25; F-7): registration, source rules, citations, utilisation.

A product is a CKAN dataset of type ``data-product`` (schema ``data_product.yaml``). Its
registrant is usually not a member of any department, and CKAN datasets need an owner
organisation, so products are created by ``dongchang_product_register`` *as the site user*
inside one registry organisation (``ckanext.dongchang.products_org``, default
``dcf-products``, created on first use); the registrant's account is recorded in the
``registrant`` field, set by the action and never editable. Registrants are not made members
of that organisation: membership would make them government users (DESIGN §4).

The product record is public; its sources are checked against what the *registrant* could
see and use when registering (the rules are in ``policy.citation``), and each source's
classes on that day are kept in ``dongchang_product_source`` for the Bureau's utilisation
tracking. The citation is computed for each reader, so an entry the reader may not see is
cited without its title.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import logic, model
from ckan.types import Context

from ckanext.dongchang.access import audience
from ckanext.dongchang.access.rules import publication, visibility
from ckanext.dongchang.delivery import service as delivery
from ckanext.dongchang.kernel.audit import AuditEvent
from ckanext.dongchang.kernel.messages import render
from ckanext.dongchang.kernel.rules import date_or_none
from ckanext.dongchang.kernel.schema import typed_name
from ckanext.dongchang.products import rules
from ckanext.dongchang.requests.model import AccessRequest
from ckanext.dongchang.tenders.model import ProductSource

PRODUCT_TYPE = "data-product"
PRODUCTS_ORG_OPTION = "ckanext.dongchang.products_org"
DEFAULT_PRODUCTS_ORG = "dcf-products"
REGISTRANT_KEY = "dongchang_registrant"
# Grants that once gave access; an ended one still dates data obtained while it was in force.
_GRANT_STATES = ("approved", "expired", "revoked")


def products_org_name() -> str:
    return tk.config.get(PRODUCTS_ORG_OPTION) or DEFAULT_PRODUCTS_ORG


def products_org_id() -> str:
    """The registry organisation's id, created (as the site user) on first use."""
    name = products_org_name()
    found = model.Group.get(name)
    if found is not None and found.is_organization and found.state == "active":
        return found.id
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    try:
        created = tk.get_action("organization_create")(
            {"user": site_user["name"], "ignore_auth": True},
            {"name": name, "title": "数据产品登记库", "is_department": "false",
             "description": "Registry of derived data products (Art. 25). 数据产品登记。"})
    except tk.ValidationError:  # created concurrently by another registration
        found = model.Group.get(name)
        if found is None:
            raise
        return found.id
    return created["id"]


# --- entries and grants -----------------------------------------------------------------------
def resolve_entry(value: Any) -> model.Package | None:
    """A live catalog entry named by id, URL name or resource code."""
    if not (value := typed_name(value)):
        return None
    dataset = model.Package.get(value)
    if dataset is None:
        dataset = model.Session.query(model.Package).filter(
            model.Package.extras["resource_code"].astext == value,
            model.Package.state == "active").first()
    if dataset is None or dataset.state != "active" or dataset.type != "dataset":
        return None
    return dataset


def visible_entry(context: Context, value: Any) -> model.Package:
    """The entry named by ``value`` if the caller may see it; a hidden one looks missing."""
    dataset = resolve_entry(value)
    if dataset is None or not audience.may_see_entry(context, dataset.id):
        raise tk.ObjectNotFound(tk._("Catalog entry not found"))
    return dataset


def _has_access_without_grant(user: model.User, dataset: model.Package) -> bool:
    """Whether membership alone (owner, Bureau, government users) lets ``user`` use the data."""
    memberships = audience.memberships_for(user)
    viewer = memberships.viewer(dataset.owner_org, dataset.id) - {visibility.GRANTEE}
    extras = dataset.extras or {}
    return visibility.may_see_data(viewer, extras.get("share_class", ""),
                                   extras.get("open_class", ""), publication.is_published(extras))


def published_on(dataset: model.Package) -> dt.date | None:
    """When the entry was published: its release date (``issued``), else when it was created."""
    issued = date_or_none(str((dataset.extras or {}).get("issued") or "")[:10])
    if issued is not None:
        return issued
    return dataset.metadata_created.date() if dataset.metadata_created else None


def _grants_of(user_id: str, dataset_id: str) -> list[AccessRequest]:
    return (model.Session.query(AccessRequest)
            .filter(AccessRequest.requester_id == user_id,
                    AccessRequest.dataset_id == dataset_id,
                    AccessRequest.state.in_(_GRANT_STATES),
                    AccessRequest.valid_from.isnot(None))
            .order_by(AccessRequest.valid_from.desc()).all())


def _as_grant(request: AccessRequest) -> rules.Grant:
    ended = request.decided_at.date() if request.state == "revoked" and request.decided_at \
        else None
    return rules.Grant(purpose=request.purpose, valid_from=request.valid_from,
                       valid_until=request.valid_until, ended_on=ended)


def proposed_acquired_on(dataset_id: str, user: model.User | str | None
                         ) -> dict[str, str] | None:
    """What the system knows of when ``user`` obtained the entry's data: the start of their
    latest grant on it (``{"acquired_on", "access_request_id"}``), or None if it knows nothing.
    """
    user_obj = model.User.get(user) if isinstance(user, str) else user
    dataset = resolve_entry(dataset_id)
    if user_obj is None or dataset is None:
        return None
    grants = _grants_of(user_obj.id, dataset.id)
    if not grants:
        return None
    return {"dataset_id": dataset.id, "acquired_on": grants[0].valid_from.isoformat(),
            "access_request_id": grants[0].id}


# --- the rules on sources (run by the schema's after-validator) -------------------------------
def check_sources(user: model.User, sources: list[dict[str, Any]], commercial: bool,
                  today: dt.date | None = None
                  ) -> tuple[dict[int, dict[str, list[str]]], list[dict[str, Any]]]:
    """Errors per source position (``{i: {subfield: [message]}}``) and, when there are none,
    the facts to record for each source (its grant filled in where the registrant left it out).

    ``dataset_id`` holds an entry id already (the subfield validator resolved it), or is empty.
    """
    today = today or dt.date.today()
    errors: dict[int, dict[str, list[str]]] = {}
    records = []
    for position, source in enumerate(sources):
        found: dict[str, list[str]] = {}
        dataset = model.Package.get(source.get("dataset_id") or "")
        if dataset is None:
            continue  # the subfield validator has reported it
        if not audience.may_see_entry(audience.reader_context(user), dataset.id):
            found["dataset_id"] = [no_entry_message()]
            errors[position] = found
            continue
        grant_row, grant_error = _grant(user, dataset, source, today)
        if grant_error:
            found["access_request_id"] = [grant_error]
        extras = dataset.extras or {}
        problems = rules.source_errors(
            source.get("acquired_on"), today=today, published_on=published_on(dataset),
            data_public=publication.data_is_public(extras),
            has_access=_has_access_without_grant(user, dataset),
            grant=_as_grant(grant_row) if grant_row is not None else None,
            commercial=commercial)
        for field, messages in problems.items():
            if field == "access_request_id" and grant_error:
                continue
            found.setdefault(field, []).extend(render(m, tk._) for m in messages)
        if found:
            errors[position] = found
            continue
        records.append({
            "position": position, "dataset_id": dataset.id,
            "acquired_on": date_or_none(source.get("acquired_on")),
            "access_request_id": grant_row.id if grant_row is not None else None,
            "share_class": extras.get("share_class", ""),
            "open_class": extras.get("open_class", ""),
        })
    return errors, records


def no_entry_message() -> str:
    """The same words whether an entry is missing or hidden from the registrant (the value typed
    is not echoed: a resolved id would tell a hidden entry from a missing one)."""
    return tk._("No catalog entry with this name, id or resource code is open to you.")


def _grant(user: model.User, dataset: model.Package, source: dict[str, Any],
           today: dt.date) -> tuple[AccessRequest | None, str | None]:
    """The access request a source rests on: the one given, else the registrant's grant in
    force on the acquisition date (the system fills in what it knows)."""
    request_id = (source.get("access_request_id") or "").strip()
    if "\x00" in request_id:
        return None, tk._("You have no access request with this number.")
    if request_id:
        request = model.Session.get(AccessRequest, request_id)
        if request is None or request.requester_id != user.id:
            return None, tk._("You have no access request with this number.")
        if request.dataset_id != dataset.id:
            return None, tk._("This access request is for another entry.")
        if request.state not in _GRANT_STATES or request.valid_from is None:
            return None, tk._("This access request was never approved.")
        return request, None
    acquired = date_or_none(source.get("acquired_on"))
    for grant in _grants_of(user.id, dataset.id):
        if acquired is None or grant.valid_from <= acquired <= (grant.valid_until or today):
            return grant, None
    return None, None


# --- registration -----------------------------------------------------------------------------
def register(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create the product as the site user in the registry organisation, recording the
    registrant and the sources; all rules run in the schema, so nothing is saved on error.

    One transaction (``defer_commit``): the product, its source rows and the audit event are
    committed together or not at all, so no half-registered product needs purging."""
    user = model.User.get(context["user"])
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    product = {key: value for key, value in data.items() if key in (
        "title", "name", "notes", "product_kind", "developer_name", "product_url", "commercial",
        "sources")}
    product["sources"] = [{field: source.get(field) for field in rules.SOURCE_FIELDS
                           if source.get(field) not in (None, "")}
                          for source in data.get("sources") or []]
    product.update(type=PRODUCT_TYPE, owner_org=products_org_id(), private=False)
    product["name"] = product.get("name") or f"product-{uuid.uuid4().hex[:12]}"
    create_context = {"user": site_user["name"], "ignore_auth": True, REGISTRANT_KEY: user.id,
                      "defer_commit": True}
    try:
        created = tk.get_action("package_create")(create_context, product)
        model.Session.add_all(_source_rows(created, user.id))
        AuditEvent.record(user.id, "product_registered", "data_product", created["id"],
                          sources=[s["dataset_id"] for s in created.get("sources") or []],
                          commercial=created.get("commercial"))
        # core indexes only what it commits itself: index as package_create would have
        logic.index_update_package(dict(create_context), created["id"])
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    return created


def _source_rows(product: dict[str, Any], registrant_id: str) -> list[ProductSource]:
    """The product's sources as validated (grant and date filled in by the schema), with each
    entry's classes on the day, so the Bureau later sees which sources changed class."""
    rows = []
    for position, source in enumerate(product.get("sources") or []):
        extras = model.Package.get(source["dataset_id"]).extras or {}
        rows.append(ProductSource(
            product_id=product["id"], registrant_id=registrant_id, position=position,
            dataset_id=source["dataset_id"], acquired_on=date_or_none(source.get("acquired_on")),
            access_request_id=source.get("access_request_id") or None,
            share_class=extras.get("share_class", ""), open_class=extras.get("open_class", "")))
    return rows


def get_product(product_id: Any) -> model.Package:
    valid = isinstance(product_id, str) and product_id and "\x00" not in product_id
    product = model.Package.get(product_id) if valid else None
    if product is None or product.type != PRODUCT_TYPE or product.state != "active":
        raise tk.ObjectNotFound(tk._("Data product not found"))
    return product


# --- citation ---------------------------------------------------------------------------------
def citation(context: Context, product: dict[str, Any]) -> dict[str, Any]:
    """The product's citation in Chinese and English, for the reader in ``context``: entries the
    reader may not see are cited as such, with the date but without title or code."""
    reader = audience.reader_context(context)
    site_url = tk.config.get("ckan.site_url", "").rstrip("/")
    cited, sources = [], []
    for source in product.get("sources") or []:
        dataset = model.Package.get(source.get("dataset_id") or "")
        visible = dataset is not None and audience.may_see_entry(reader, dataset.id)
        acquired = str(source.get("acquired_on") or "")[:10]
        if visible:
            org = model.Group.get(dataset.owner_org) if dataset.owner_org else None
            entry = rules.CitedSource(
                title=dataset.title, resource_code=(dataset.extras or {}).get("resource_code", ""),
                department=org.title if org else "", acquired_on=acquired,
                url=f"{site_url}/dataset/{dataset.name}")
            sources.append({"dataset_id": dataset.id, "name": dataset.name,
                            "title": entry.title, "resource_code": entry.resource_code,
                            "department": entry.department, "acquired_on": acquired,
                            "visible": True})
        else:
            entry = rules.CitedSource(title=None, resource_code="", department="",
                                      acquired_on=acquired)
            sources.append({"acquired_on": acquired, "visible": False})
        cited.append(entry)
    return {"id": product["id"], "name": product["name"], "title": product["title"],
            "developer_name": product.get("developer_name") or "",
            "citation": rules.citations(product["title"], product.get("developer_name") or "",
                                        cited),
            "sources": sources}


# --- what was built on an entry ---------------------------------------------------------------
def products_of_entry(dataset_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """Registered products built on a catalog entry, newest first (product records are public).

    Template helper body: the entry page lists these (``dongchang/snippets/products_of_entry``).
    """
    dataset = model.Package.get(dataset_id or "")
    if dataset is None:
        return []
    rows = (model.Session.query(model.Package)
            .join(ProductSource, ProductSource.product_id == model.Package.id)
            .filter(ProductSource.dataset_id == dataset.id, model.Package.state == "active",
                    model.Package.type == PRODUCT_TYPE)
            .order_by(model.Package.metadata_created.desc()).distinct().limit(limit).all())
    return [_product_summary(row) for row in rows]


def _product_summary(product: model.Package) -> dict[str, Any]:
    extras = product.extras or {}
    return {"id": product.id, "name": product.name, "title": product.title,
            "developer_name": extras.get("developer_name", ""),
            "product_kind": extras.get("product_kind", ""),
            "commercial": extras.get("commercial") == "true"}


# --- utilisation tracking for the Bureau (Art. 25) --------------------------------------------
def utilisation(today: dt.date | None = None) -> dict[str, Any]:
    """Active grants and the products registered against them; grants without any product;
    products whose sources changed share or open class since registration; and ``use``, the
    deliveries of gated data counted from the access log (issue 16 item 6)."""
    today = today or dt.date.today()
    grants = (model.Session.query(AccessRequest)
              .filter(AccessRequest.state == "approved",
                      AccessRequest.valid_from <= today,  # empty: awaiting the agreement
                      sa.or_(AccessRequest.valid_until.is_(None),
                             AccessRequest.valid_until >= today))
              .order_by(AccessRequest.valid_until).all())
    live_sources = (model.Session.query(ProductSource, model.Package)
                    .join(model.Package, model.Package.id == ProductSource.product_id)
                    .filter(model.Package.state == "active").all())
    active = []
    for grant in grants:
        products = {package.id: package for source, package in live_sources
                    if source.access_request_id == grant.id
                    or (source.registrant_id == grant.requester_id
                        and source.dataset_id == grant.dataset_id)}
        active.append(dict(_grant_summary(grant),
                           products=[_product_summary(p) for p in products.values()]))
    changed = _changed_sources(live_sources)
    return {
        "active_grants": active,
        "grants_without_products": [g for g in active if not g["products"]],
        "products_with_changed_sources": changed,
        "use": delivery.use_summary(),
        "counts": {"active_grants": len(active),
                   "grants_without_products": sum(1 for g in active if not g["products"]),
                   "products": len({package.id for _s, package in live_sources}),
                   "products_with_changed_sources": len(changed)},
    }


def _grant_summary(grant: AccessRequest) -> dict[str, Any]:
    dataset = model.Package.get(grant.dataset_id)
    requester = model.User.get(grant.requester_id)
    return {"id": grant.id, "dataset_id": grant.dataset_id,
            "dataset_title": dataset.title if dataset else "",
            "dataset_name": dataset.name if dataset else "",
            "requester_name": requester.name if requester else "",
            "requester_display_name": requester.display_name if requester else "",
            "purpose": grant.purpose, "tender_id": grant.tender_id,
            "valid_from": grant.valid_from.isoformat() if grant.valid_from else None,
            "valid_until": grant.valid_until.isoformat() if grant.valid_until else None}


def _changed_sources(live_sources: list[tuple[ProductSource, model.Package]]
                     ) -> list[dict[str, Any]]:
    by_product: dict[str, dict[str, Any]] = {}
    for source, product in live_sources:
        dataset = model.Package.get(source.dataset_id)
        extras = (dataset.extras or {}) if dataset is not None else {}
        now = (extras.get("share_class", ""), extras.get("open_class", ""))
        gone = dataset is None or dataset.state != "active"
        if not gone and now == (source.share_class, source.open_class):
            continue
        entry = by_product.setdefault(product.id, dict(_product_summary(product), sources=[]))
        entry["sources"].append({
            "dataset_id": source.dataset_id,
            "dataset_title": dataset.title if dataset is not None else "",
            "registered": {"share_class": source.share_class, "open_class": source.open_class},
            "now": {"share_class": now[0], "open_class": now[1]}, "deleted": gone})
    return list(by_product.values())
