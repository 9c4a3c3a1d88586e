"""Which roles a user holds towards an access request (Art. 20, 25): the database side of
``rules.may_act``.

* provider: an editor or admin of the department that owns the entry;
* district_bureau: the district Big Data Bureau (区大数据局, ``audience``'s ``is_bureau``);
* city_bureau: an editor or admin of ``ckanext.dongchang.city_bureau_org`` (市大数据局); when
  that option is empty the district Bureau stands in (``stand_in``), and the request page says so.

The applicant holds none of them on their own request: nobody decides their own application.
"""
from __future__ import annotations

from ckan import model

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.access import audience
from ckanext.dongchang.requests import rules
from ckanext.dongchang.requests.model import AccessRequest

ACTING_CAPACITIES = ("admin", "editor")


def stand_in() -> bool:
    """Whether the district Bureau acts for the city Bureau (no city organisation configured)."""
    return not dc_config.city_bureau_org()


def city_bureau_org() -> model.Group | None:
    """The configured city Big Data Bureau organisation, if it exists and is active."""
    name = dc_config.city_bureau_org()
    group = model.Group.get(name) if name else None
    return group if group is not None and group.is_organization and group.state == "active" \
        else None


def acts_for_city_bureau(user: model.User) -> bool:
    """An editor or admin of the city Bureau's organisation (the stand-in: the district Bureau).

    Membership is read directly: the city Bureau is no district department, so the recognised-
    department test does not apply, and a sysadmin is not the city Bureau by being sysadmin.
    """
    if stand_in():
        return audience.memberships_for(user).is_bureau
    group = city_bureau_org()
    return group is not None and model.Session.query(model.Member.id).filter(
        model.Member.group_id == group.id, model.Member.table_name == "user",
        model.Member.table_id == user.id, model.Member.state == "active",
        model.Member.capacity.in_(ACTING_CAPACITIES)).first() is not None


def roles_of(user_name: str | None, request: AccessRequest) -> frozenset[str]:
    """The roles ``user_name`` holds towards ``request`` (none for the applicant)."""
    user = model.User.get(user_name) if user_name else None
    if user is None or user.state != "active" or user.id == request.requester_id:
        return frozenset()
    roles = set()
    dataset = model.Package.get(request.dataset_id)
    if dataset is not None and audience.department_role_permits(dataset.owner_org, user.name,
                                                                "update_dataset"):
        roles.add(rules.PROVIDER)
    if audience.memberships_for(user).is_bureau:
        roles.add(rules.DISTRICT_BUREAU)
    if acts_for_city_bureau(user):
        roles.add(rules.CITY_BUREAU)
    return frozenset(roles)


def may(user_name: str | None, request: AccessRequest, action: str) -> bool:
    """Whether ``user_name`` may take ``action`` on ``request`` (``rules.may_act``)."""
    return any(rules.may_act(role, request.request_kind, request.applicant_kind, action)
               for role in roles_of(user_name, request))


def authority_org_id(request: AccessRequest) -> str | None:
    """The organisation on the deciding side: the city Bureau's, else the providing
    department's (``None`` when the district Bureau stands in without an organisation)."""
    if rules.deciding_authority(request.request_kind, request.applicant_kind) == rules.PROVIDER:
        dataset = model.Package.get(request.dataset_id)
        return dataset.owner_org if dataset is not None else None
    group = city_bureau_org()
    if group is not None:
        return group.id
    bureau = audience.bureau_org_ids()
    return bureau[0] if bureau else None

