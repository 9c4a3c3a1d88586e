"""Factories for the district's departments, officials, catalog entries, access requests and
tenders, in CKAN's idiom (``ckan.tests.factories.CKANFactory``; registered as fixtures with
pytest-factoryboy in ``tests/conftest.py``).

Each factory creates through the real action, as CKAN's own factories do, so what a test gets
has passed the schemas and the rules. What makes an entry valid is written once, in
``tests/entries.entry_dict``; the entry factory only fills in who creates it and where.

    scjg = Department(name="dcf-scjg", title="区市场监督管理局")
    editor = Official(name="scjg-editor", department=scjg, capacity="editor")
    entry = CatalogEntry(owner_org=scjg, **conditional())
    request = AccessRequest(user=Official(), dataset_id=entry["id"])
    approved = grant(entry, Official(), [entry["resources"][0]["id"]])
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from ckan import model
from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.dongchang.requests.model import AccessRequest as AccessRequestModel
from ckanext.dongchang.tenders.model import Tender as TenderModel
from tests.entries import conditional, entry_dict


def _name_of(user: Any) -> str | None:
    """A user given as a dict (what factories return) or a name; ``None`` stays ``None``."""
    return user["name"] if isinstance(user, dict) else user


def _id_of(thing: Any) -> str:
    """An organization or entry given as the dict a factory returned, or as its id or name."""
    return thing["id"] if isinstance(thing, dict) else thing


def _site_user() -> str:
    return helpers.call_action("get_site_user")["name"]


def add_member(department: Any, user: Any, capacity: str = "member") -> None:
    """Make ``user`` a member of ``department`` in ``capacity`` (member, editor, admin)."""
    helpers.call_action("organization_member_create", id=_id_of(department),
                        username=_name_of(user), role=capacity)


class Department(factories.Organization):
    """A department (政务部门) under the department schema; ``is_bureau`` and
    ``department_code`` are its own fields and are passed like any other."""

    name = factory.Sequence(lambda n: f"dcf-dept-{n}")
    title = factory.Sequence(lambda n: f"区测试部门{n}")


class Bureau(Department):
    """The District Big Data Bureau: it reviews the catalog and runs tenders (Art. 6, 15, 25).
    A site has one, so its name is fixed."""

    name = "dcf-dsjj"
    title = "区大数据局"
    is_bureau = "true"


class Official(factories.User):
    """A user, optionally a member of ``department`` in ``capacity`` (member, editor, admin).

    The address is derived from the name (a government one for a department's member), so
    mail tests can say who received what; pass ``email`` to choose another. Without a
    department the user is a member of the public.
    """

    name = factory.Sequence(lambda n: f"official-{n}")
    email = factory.LazyAttribute(
        lambda user: f"{user.name}@example{'.gov.cn' if user.department else '.com'}")
    department = None
    capacity = "member"

    @classmethod
    def _create(cls, model_class, *args: Any, department: Any = None,
                capacity: str = "member", **kwargs: Any) -> dict[str, Any]:
        user = super()._create(model_class, *args, **kwargs)
        if department is not None:
            add_member(department, user, capacity)
        return user


class CatalogEntry(factories.CKANFactory):
    """A catalog entry (目录条目) valid under the schema: published, unconditionally shared and
    open unless overridden (``tests/entries.entry_dict``); ``tests.entries.conditional()``
    and ``class_fields()`` give the fields of the other classes.

    ``owner_org`` is a department dict or id (default: a new department); ``user`` creates it
    (default: the site user, as CKAN's factories do).
    """

    class Meta:
        model = model.Package
        action = "package_create"

    owner_org = factory.LazyFunction(lambda: Department()["id"])

    @classmethod
    def _create(cls, model_class, *args: Any, owner_org: Any = None, user: Any = None,
                **overrides: Any) -> dict[str, Any]:
        assert not args, "Positional args aren't supported, use keyword args."
        data = entry_dict(_id_of(owner_org), **overrides)
        return helpers.call_action(cls._meta.action,
                                   context={"user": _name_of(user) or _site_user()}, **data)


class AccessRequest(factories.CKANFactory):
    """An access request (F-4) by ``user`` (default: a new member of the public) for
    ``dataset_id`` (default: a new conditionally open entry), as a citizen for social
    services unless overridden."""

    class Meta:
        model = AccessRequestModel
        action = "dongchang_access_request_create"

    user = factory.LazyFunction(Official)
    dataset_id = factory.LazyFunction(
        lambda: CatalogEntry(**conditional(share_class="unconditional"))["id"])
    applicant_kind = "citizen"
    purpose = "social_services"
    use_scenario = "养老服务地图"

    @classmethod
    def _api_prepare_args(cls, data_dict: dict[str, Any]) -> dict[str, Any]:
        data_dict["context"] = {"user": _name_of(data_dict.pop("user"))}
        data_dict["dataset_id"] = _id_of(data_dict["dataset_id"])
        return data_dict


class Tender(factories.CKANFactory):
    """A tender (Art. 25) announced by ``user`` (a Bureau admin: required) for the entries in
    ``dataset_ids``, its bidding window ``bidding_start``..``bidding_end``."""

    class Meta:
        model = TenderModel
        action = "dongchang_tender_create"

    title = "东昌府区企业信用数据商业利用公开招标"
    method = "public_tender"
    notice = "招标公告"
    scope = "企业征信服务"

    @classmethod
    def _api_prepare_args(cls, data_dict: dict[str, Any]) -> dict[str, Any]:
        data_dict["context"] = {"user": _name_of(data_dict.pop("user", None))}
        return data_dict


def grant(entry: Any, holder: Any, resource_ids: list[str], kind: str = "open",
          **fields: Any) -> AccessRequestModel:
    """A current grant: an approved ``kind`` request (open or share) of ``holder`` for the
    files ``resource_ids`` of ``entry``, valid from today for 30 days. Stored as the workflow
    leaves it, without walking the workflow (the requests tests walk it), so tests of what a
    grant opens need not. ``fields`` override the applicant, purpose or dates."""
    values = {"applicant_kind": "citizen", "purpose": "social_services",
              "valid_from": dt.date.today(),
              "valid_until": dt.date.today() + dt.timedelta(days=30), **fields}
    request = AccessRequestModel(dataset_id=_id_of(entry), requester_id=_id_of(holder),
                                 resource_ids=resource_ids, request_kind=kind,
                                 state="approved", **values)
    model.Session.add(request)
    model.Session.commit()
    return request


def district() -> dict[str, dict[str, Any]]:
    """The departments most tests meet, by key: 区市场监督管理局 (``scjg``),
    区人力资源和社会保障局 (``rsj``) and the Big Data Bureau (``bureau``)."""
    return {"scjg": Department(name="dcf-scjg", title="区市场监督管理局"),
            "rsj": Department(name="dcf-rsj", title="区人力资源和社会保障局"),
            "bureau": Bureau()}


def staff(departments: dict[str, Any], *people: tuple[str, str | None, str]
          ) -> dict[str, dict[str, Any]]:
    """Officials by name from ``(name, department key or None, capacity)``; ``None`` makes a
    member of the public: ``staff(orgs, ("scjg-editor", "scjg", "editor"), ("citizen", None,
    "member"))``."""
    return {name: Official(name=name, capacity=capacity,
                           department=departments[key] if key else None)
            for name, key, capacity in people}


# --- who-may matrices for auth functions called directly -------------------------------------
ANONYMOUS = "anonymous"
# Everyone an auth row asks (with ``who_may``'s anonymous visitor): each capacity in the owning
# department 区市场监督管理局, an admin of another department, the Bureau's admin and member, a
# member of the public; ``cast()`` adds a sysadmin.
CAST = (("scjg-admin", "scjg", "admin"), ("scjg-editor", "scjg", "editor"),
        ("scjg-member", "scjg", "member"), ("rsj-admin", "rsj", "admin"),
        ("bureau-admin", "bureau", "admin"), ("bureau-member", "bureau", "member"),
        ("citizen", None, "member"))


def cast(departments: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``CAST`` of ``district()``'s departments, and a sysadmin, by name."""
    return dict(staff(departments, *CAST), sysadmin=Official(name="sysadmin", sysadmin=True))


def may(auth: str, user: Any, **data: Any) -> bool:
    """Whether ``user`` (a user dict, a name, or ``None``/"" for nobody) passes ``auth``
    with ``data``, as CKAN's ``call_auth`` answers it (a refusal raises there; so does a
    chain that answers "not found" for a file the caller may not know of)."""
    try:
        return helpers.call_auth(auth, {"user": _name_of(user) or ""}, **data)
    except (toolkit.NotAuthorized, toolkit.ObjectNotFound):
        return False


def who_may(auth: str, people: dict[str, Any], **data: Any) -> set[str]:
    """The names (keys of ``people``) that pass ``auth``; ``ANONYMOUS`` is always asked."""
    asked = dict(people, **{ANONYMOUS: None})
    return {name for name, user in asked.items() if may(auth, user, **data)}
