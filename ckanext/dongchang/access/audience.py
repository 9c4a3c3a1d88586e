"""Who a user is to a catalog entry (DESIGN §4): public, government, owner, grantee, Bureau.

Computed from CKAN memberships and from grants (approved access requests), with at most one
membership query and one grant query per action context, or per web request for the permission
labels CKAN asks for once per resource on a dataset page. Never kept across requests, and
forgotten within one as soon as the session writes (flush, commit or rollback): an approval,
revocation, membership change or expiry takes effect on the very next check.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import authz, model
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.access.rules import visibility
from ckanext.dongchang.departments import rules as departments
from ckanext.dongchang.kernel import request_memo
from ckanext.dongchang.kernel.auth import allowed_if
from ckanext.dongchang.requests.model import AccessRequest

_CACHE_KEY = "dongchang_memberships"
EDITING_CAPACITIES = ("editor", "admin")  # CKAN's roles that edit a department's catalog


@dataclass(frozen=True)
class DepartmentRole:
    """One recognised department the user belongs to, and as what (CKAN's capacity)."""

    id: str
    name: str
    title: str
    capacity: str


@dataclass(frozen=True)
class Memberships:
    """What one user is across the whole catalog; the inputs of every visibility decision."""

    user_id: str | None
    # recognised departments only (``recognised_department``): other organisations give nothing
    org_ids: frozenset[str] = frozenset()
    is_bureau: bool = False
    # dataset id -> the grants held on it: (request kind, the resource ids each covers)
    grants: dict[str, tuple[tuple[str, frozenset[str], str], ...]] = field(default_factory=dict)
    # the same memberships with their departments' names and the user's capacity, so the
    # workbench badge and the catalog lists (on every page) need no membership query of their own
    roles: tuple[DepartmentRole, ...] = ()

    def editing_departments(self) -> tuple[DepartmentRole, ...]:
        """The departments where the user edits the catalog (editor or admin), by title."""
        return tuple(sorted((role for role in self.roles
                             if role.capacity in EDITING_CAPACITIES),
                            key=lambda role: role.title))

    def viewer(self, owner_org: str | None, dataset_id: str) -> frozenset[str]:
        audiences = {visibility.PUBLIC}
        if self.org_ids or self.is_bureau:
            audiences.add(visibility.GOVERNMENT)
        if owner_org and owner_org in self.org_ids:
            audiences.add(visibility.OWNER)
        if self.is_bureau:
            audiences.add(visibility.BUREAU)
        if dataset_id in self.grants:
            audiences.add(visibility.GRANTEE)
        return frozenset(audiences)

    def grants_on(self, dataset_id: str) -> tuple[tuple[str, frozenset[str], str], ...]:
        """The grants held on the entry, each ``(request kind, resource ids it covers,
        request id)``."""
        return self.grants.get(dataset_id, ())


def memberships_for(user: Any, context: Context | None = None) -> Memberships:
    """Memberships of ``user`` (a ``model.User``, a name, or None for anonymous)."""
    user_obj = _user(user)
    key = user_obj.id if user_obj else None
    caches = [request_memo.kept(_CACHE_KEY)]
    if context is not None:  # also outside web requests: CLI commands and jobs
        caches.append(context.setdefault(_CACHE_KEY, {}))
    for cache in caches:
        if key in cache:
            return cache[key]
    found = _load(user_obj)
    for cache in caches:
        cache[key] = found
    return found


# A write to a membership, a department, a user or a request may change the answer: the next
# check reads it again (a commit or rollback always forgets; saving an entry does not).
request_memo.forget_on_write(_CACHE_KEY, tables=frozenset(
    {"member", "group", "user", AccessRequest.__tablename__}))


def _user(user: Any) -> model.User | None:
    """Accept what CKAN puts in a context: a User, flask-login's proxy, a name, or nothing."""
    unwrap = getattr(user, "_get_current_object", None)
    if unwrap is not None:
        user = unwrap()
    if isinstance(user, model.User):
        return user
    if isinstance(user, str) and user:
        return model.User.get(user)
    return None


def _load(user: model.User | None) -> Memberships:
    if user is None:
        return Memberships(user_id=None)
    rows = department_memberships(
        user.id, model.Member.group_id, model.Member.capacity, model.Group.name,
        model.Group.title, model.Group.extras).all()
    org_ids = frozenset(row.group_id for row in rows)
    is_bureau = bool(user.sysadmin) or any(
        row.capacity == "admin" and _is_bureau_org(row.name, row.extras) for row in rows
    )
    grants: dict[str, tuple[tuple[str, frozenset[str], str], ...]] = {}
    for grant in AccessRequest.active_grants(user.id, today=dt.date.today()):
        covered = (grant.request_kind, frozenset(grant.resource_ids or ()), grant.id)
        grants[grant.dataset_id] = (*grants.get(grant.dataset_id, ()), covered)
    roles = tuple(DepartmentRole(row.group_id, row.name, row.title or row.name, row.capacity)
                  for row in rows)
    return Memberships(user_id=user.id, org_ids=org_ids, is_bureau=is_bureau, grants=grants,
                       roles=roles)


def _is_bureau_org(name: str, extras: dict[str, str] | None) -> bool:
    """Whether a department (already recognised: see ``department_memberships``) is the
    Bureau: the configured one by name, else those flagged by a sysadmin."""
    configured = dc_config.bureau_org()
    if configured:
        return name == configured
    return (extras or {}).get("is_bureau") == "true"


# --- the questions every domain asks, answered once ---------------------------------------------
def is_bureau(context: Context) -> bool:
    """Whether the context's user acts for the Big Data Bureau (Art. 6): a sysadmin or an admin
    of the Bureau's recognised department. A sysadmin needs no membership read (issue 20:
    every entry a sysadmin saves asks this)."""
    user = _user(context.get("auth_user_obj") or context.get("user"))
    if user is not None and user.sysadmin:
        return True
    return memberships_for(user, context).is_bureau


def bureau_only(refusal: str) -> AuthFunction:
    """The auth of an action only the Big Data Bureau may call; others are refused with
    ``refusal`` (a msgid marked with ``N_``, translated for each caller)."""
    def auth(context: Context, data_dict: DataDict) -> AuthResult:
        return allowed_if(is_bureau(context), tk._(refusal))
    return auth


def reader_context(who: Any) -> Context:
    """A context for the reader alone (``who``: a context, a User, a name or None): what a page
    or citation shows depends on who reads it, even inside a trusted (``ignore_auth``) call."""
    if isinstance(who, dict):
        who = who.get("auth_user_obj") or who.get("user")
    user_obj = _user(who)
    return {"user": user_obj.name if user_obj else "", "auth_user_obj": user_obj}


def may_see_entry(context: Context, dataset_id: str | None) -> bool:
    """Whether the context may see a live entry's metadata: CKAN's ``package_show`` auth
    decides (our permission labels), as the entry's own page would."""
    dataset = model.Package.get(dataset_id) if dataset_id else None
    if dataset is None or dataset.state != "active":
        return False
    try:
        tk.check_access("package_show", tk.fresh_context(context), {"id": dataset.id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


# --- departments: the one place that says which organisations count ---------------------------
def recognised_department() -> sa.ColumnElement[bool]:
    """SQL condition on ``model.Group``: an active organisation the Bureau created or recognised.

    Every membership, owner or Bureau check goes through this condition: membership of any
    other organisation (one a user made for themselves) gives nothing (``policy.departments``).
    """
    return sa.and_(
        model.Group.is_organization.is_(True), model.Group.state == "active",
        model.Group.extras[departments.FLAG].astext == departments.YES,
    )


def department_memberships(user_id: str, *columns: Any,
                           capacities: tuple[str, ...] | None = None) -> Any:
    """Query of ``columns`` over the user's active memberships of recognised departments."""
    query = (
        model.Session.query(*columns)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(model.Member.table_name == "user", model.Member.table_id == user_id,
                model.Member.state == "active", recognised_department())
    )
    if capacities is not None:
        query = query.filter(model.Member.capacity.in_(capacities))
    return query


def is_recognised_department(group: model.Group | None) -> bool:
    """The same test as :func:`recognised_department`, on a loaded group."""
    return (group is not None and group.is_organization and group.state == "active"
            and departments.is_department(group.extras))


def department_named(value: Any) -> model.Group | None:
    """The recognised department ``value`` (an id or name) names, or None: each caller says
    in its own words that there is no such department."""
    group = model.Group.get(value) if value and isinstance(value, str) else None
    return group if is_recognised_department(group) else None


def department_or_invalid(value: Any, field: str, message: str) -> model.Group:
    """The recognised department ``value`` names, or a ``ValidationError`` on ``field``
    saying ``message`` (translated)."""
    group = department_named(value)
    if group is None:
        raise tk.ValidationError({field: [message]})
    return group


def department_role_permits(org_id: str | None, user_name: str | None, permission: str) -> bool:
    """Whether the user's role in a *recognised* department gives ``permission`` there (CKAN's
    role table: ``update_dataset`` for editors and admins, ``admin`` for admins)."""
    group = model.Group.get(org_id) if org_id else None
    return (bool(user_name) and is_recognised_department(group)
            and authz.has_user_permission_for_group_or_org(group.id, user_name, permission))


def recognised_department_ids() -> list[str]:
    """Ids of every recognised department."""
    return [row[0] for row in
            model.Session.query(model.Group.id).filter(recognised_department()).all()]


def bureau_org_ids() -> list[str]:
    """Ids of the (recognised) departments that act as the Big Data Bureau."""
    configured = dc_config.bureau_org()
    query = model.Session.query(model.Group.id).filter(recognised_department())
    if configured:
        query = query.filter(model.Group.name == configured)
    else:
        query = query.filter(model.Group.extras["is_bureau"].astext == "true")
    return [row[0] for row in query.all()]
