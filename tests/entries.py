"""Builders for catalog entries that satisfy the schema unless a test says otherwise."""
from __future__ import annotations

import itertools
from typing import Any

from ckan import model
from ckan.tests import helpers

from ckanext.dongchang.access.rules import visibility

_serial = itertools.count(1)

LEGAL_BASIS = "《中华人民共和国个人信息保护法》第十三条"


def entry_dict(owner_org: str, **overrides: Any) -> dict[str, Any]:
    """A published, unconditionally shared and open entry; override fields to vary it."""
    serial = next(_serial)
    data = {
        "name": f"entry-{serial}",
        "title": f"东昌府区测试目录条目{serial}",
        "owner_org": owner_org,
        "notes": "区测试部门采集的测试数据，覆盖全区。",
        "resource_code": f"371502-TEST-{serial:05d}",
        "catalog_category": "department",
        "update_cycle": "monthly",
        "share_class": "unconditional",
        "open_class": "unconditional",
        "security_grade": "general",
        "confidentiality_review_status": "passed",
        "confidentiality_reviewer": "王芳",
        "confidentiality_reviewed_on": "2026-11-02",
        "catalog_state": "published",
        "resources": [{"name": "数据文件", "url": f"https://data.example.gov.cn/{serial}.csv",
                       "format": "CSV"}],
    }
    data.update(overrides)
    data["resources"] = portal_served(data.get("resources"), data.get("share_class"),
                                      data.get("open_class"))
    return data


def portal_served(resources: Any, share_class: Any, open_class: Any) -> Any:
    """The entry's files as the portal must hold them (issue 16 item 3): a gated file given as
    a link becomes a registered upstream at that address (the address then must appear
    nowhere, which the leak tests check); open files of an open entry stay links."""
    if not isinstance(resources, list):
        return resources
    return [as_upstream(resource) if isinstance(resource, dict) and resource.get("url")
            and not resource.get("url_type")
            and visibility.file_is_gated(resource.get("audience"), share_class, open_class)
            else resource for resource in resources]


# A closed port on loopback: a download the portal lets through fails at once (502) instead of
# calling out; tests that serve real bytes register their own ``tests.servers.UpstreamServer``.
UNANSWERED_UPSTREAM = "http://127.0.0.1:9/"


def as_upstream(resource: dict[str, Any]) -> dict[str, Any]:
    """The same file registered as an upstream: its link, host and path, becomes the path of
    the address only the portal calls (so a test's URL markers are now upstream markers)."""
    upstream = {key: value for key, value in resource.items() if key != "url"}
    upstream["upstream_url"] = UNANSWERED_UPSTREAM + resource["url"].split("://", 1)[-1]
    return upstream


def conditional(**overrides: Any) -> dict[str, Any]:
    """Fields for a conditionally shared and conditionally open entry."""
    fields = {
        "share_class": "conditional", "share_conditions": "仅限承担监管职能的部门",
        "share_reason": "含企业经营信息", "share_legal_basis": LEGAL_BASIS,
        "open_class": "conditional", "open_conditions": "须申请并签署协议",
        "open_reason": "含个人信息", "open_legal_basis": LEGAL_BASIS,
    }
    fields.update(overrides)
    return fields


def class_fields(share_class: str, open_class: str) -> dict[str, Any]:
    """The classes of one DESIGN §4 row, with the conditions, reasons and legal basis the
    schema asks for whenever a class is less than unconditional."""
    fields = {"share_class": share_class, "open_class": open_class}
    if share_class != "unconditional":
        fields.update(share_reason="依法限制", share_legal_basis=LEGAL_BASIS)
    if share_class == "conditional":
        fields["share_conditions"] = "仅限相关部门"
    if open_class != "unconditional":
        fields.update(open_reason="依法限制", open_legal_basis=LEGAL_BASIS)
    if open_class == "conditional":
        fields["open_conditions"] = "须申请"
    return fields


def create_entry(user: dict, owner_org: str, **overrides: Any) -> dict[str, Any]:
    return helpers.call_action(
        "package_create", context={"user": user["name"]}, **entry_dict(owner_org, **overrides)
    )


def activity_snapshot(entry_id: str) -> dict[str, Any]:
    """The entry as the activity stream keeps it, from its latest activity."""
    from ckanext.activity.model import Activity
    activity = (model.Session.query(Activity).filter_by(object_id=entry_id)
                .order_by(Activity.timestamp.desc()).first())
    return activity.data["package"]


def trusted_database_read(entry_id: str) -> dict[str, Any]:
    """``package_show`` as an internal caller, read from the database (not the index)."""
    return helpers.call_action("package_show", context={"ignore_auth": True, "user": "",
                                                        "use_cache": False}, id=entry_id)
