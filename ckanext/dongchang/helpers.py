"""Template helpers (registered by ``@tk.blanket.helpers``). Templates hold no rules: they ask
these helpers, which ask the policy and the actions."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ckan.lib.helpers as core_helpers
import ckan.plugins.toolkit as tk
from ckan.common import current_user, g

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.access import audience, enforcement
from ckanext.dongchang.catalog import pickers as catalog_pickers
from ckanext.dongchang.catalog import revisions as catalog_revisions
from ckanext.dongchang.catalog import service as catalog_service
from ckanext.dongchang.departments import lookup as department_lookup
from ckanext.dongchang.portal import facets
from ckanext.dongchang.products import rules as product_rules
from ckanext.dongchang.products import service as product_service
from ckanext.dongchang.requests import rules as request_rules
from ckanext.scheming.helpers import scheming_language_text

__all__ = [
    "dongchang_form_section", "dongchang_label", "dongchang_choices",
    "dongchang_access_notice", "dongchang_may_see_inbox", "dongchang_products_of_entry",
    "dongchang_is_bureau", "dongchang_is_department_member", "dongchang_working_days",
    "dongchang_default_grant_days", "dongchang_workbench_todo", "dongchang_portal_figures",
    "dongchang_entry_status", "render_datetime", "humanize_entity_type",
    "dongchang_product_sources", "dongchang_department_title", "dongchang_related_entries",
    "dongchang_picker",
    "dongchang_links_offered", "dongchang_facet_href",
]


def dongchang_form_section(field: dict[str, Any]) -> str:
    """The heading of the form section a schema field opens, in the user's language, or ''."""
    section = field.get("form_section")
    return scheming_language_text(section) if section else ""


def dongchang_label(kind: str, value: str | None) -> str:
    """The translated label of a code (purpose, state, applicant kind, request kind)."""
    label = request_rules.LABELS.get(kind, {}).get(value or "")
    return tk._(label) if label else (value or "")


def dongchang_choices(kind: str) -> list[dict[str, str]]:
    """Options for a select in CKAN's form macro format."""
    values = list(request_rules.LABELS[kind])
    if kind == "purpose":
        values = [v for v in values if v in dc_config.purposes()]
    return [{"value": value, "text": dongchang_label(kind, value)} for value in values]


def dongchang_access_notice(pkg_dict: dict[str, Any]) -> dict[str, str] | None:
    """What to tell a visitor who may see an entry but not (all of) its data, and what to do.

    Returns ``{"message": …, "action": "apply" | "login" | ""}`` or None when nothing is held
    back from this visitor.
    """
    restricted = [r for r in pkg_dict.get("resources") or []
                  if r.get(enforcement.RESTRICTED_FLAG)]
    if not restricted:
        return None
    open_class = pkg_dict.get("open_class")
    if not current_user.is_authenticated:
        if open_class == "conditional":
            return {"message": tk._("This data is conditionally open: log in and apply for"
                                    " access."), "action": "login"}
        return {"message": tk._("This data is not open to the public."), "action": ""}
    if open_class == "conditional" or pkg_dict.get("share_class") == "conditional":
        return {"message": tk._("This data is available on request: apply for access and the"
                                " providing department will decide."), "action": "apply"}
    return {"message": tk._("This data is not open to you."), "action": ""}


def dongchang_may_see_inbox(org_id: str) -> bool:
    return tk.h.check_access("dongchang_access_request_list", {"org": org_id})


def dongchang_products_of_entry(dataset_id: str) -> list[dict[str, Any]]:
    """Products registered as built on an entry (for the entry page, Art. 25)."""
    return product_service.products_of_entry(dataset_id)


def dongchang_is_bureau() -> bool:
    """Whether the current user acts as the District Big Data Bureau (navigation only)."""
    return current_user.is_authenticated and audience.memberships_for(current_user).is_bureau


def dongchang_is_department_member() -> bool:
    return current_user.is_authenticated and bool(audience.memberships_for(current_user).org_ids)


def dongchang_working_days(kind: str) -> int:
    """A configured deadline (``catalog_update``, ``share_request``, …), so no page states a
    number of days the site's configuration may have changed (issue 18 item 10)."""
    return dc_config.working_days(kind)


def dongchang_default_grant_days() -> int:
    return dc_config.default_grant_days()


# --- the workbench, the home page, the entry page, dates (issue 17) ----------------------------

def dongchang_workbench_todo() -> int:
    """The header badge: how many items wait for the signed-in user (once per request)."""
    if not current_user.is_authenticated:
        return 0
    if "dongchang_workbench_todo" not in g:
        g.dongchang_workbench_todo = tk.get_action("dongchang_workbench")(
            {"user": current_user.name, "auth_user_obj": current_user},
            {"counts_only": True})["todo"]
    return g.dongchang_workbench_todo


def dongchang_portal_figures() -> dict[str, Any]:
    """The home page's figures (computed once per request, never cached longer)."""
    if "dongchang_portal_figures" not in g:
        g.dongchang_portal_figures = tk.get_action("dongchang_portal_figures")({}, {})
    return g.dongchang_portal_figures


def dongchang_entry_status(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """What the entry page tells the person looking: its department why the Bureau returned
    it (and that it may submit it), a grantee until when its access runs."""
    status: dict[str, Any] = {"returned": None, "grant": None, "may_submit": False,
                              "may_withdraw": False, "withdrawal": None}
    if not current_user.is_authenticated or pkg_dict.get("type") != "dataset":
        return status
    state = pkg_dict.get("catalog_state")
    if state == "published" and tk.h.check_access("dongchang_catalog_withdraw",
                                                  {"id": pkg_dict["id"]}):
        # Issue 17 item 5: the way a published entry leaves the catalog, through the Bureau.
        status["withdrawal"] = catalog_revisions.pending_withdrawal(pkg_dict["id"])
        status["may_withdraw"] = status["withdrawal"] is None
    if state in ("draft", "returned") and tk.h.check_access("package_update",
                                                            {"id": pkg_dict["id"]}):
        status["may_submit"] = tk.h.check_access("dongchang_catalog_submit",
                                                 {"id": pkg_dict["id"]})
        event = catalog_service.last_workflow_event(pkg_dict["id"])
        if state == "returned" and event and event["action"] == "catalog_review_return":
            status["returned"] = event
    grants = tk.get_action("dongchang_access_request_list")(
        {"user": current_user.name, "auth_user_obj": current_user},
        {"mine": True, "dataset_id": pkg_dict["id"], "state": "approved", "limit": 1})
    if grants["results"]:
        status["grant"] = grants["results"][0]
    return status


def render_datetime(datetime_: Any, date_format: str | None = None, with_hours: bool = False,
                    with_seconds: bool = False) -> str:
    """CKAN's ``h.render_datetime``, but on the Chinese site in Chinese date order and in the
    display time zone (``2026年12月3日 14:57``; CKAN's own pattern gives ``十二月 3, 2026,
    14:57 (UTC)``). Other languages and explicit formats keep CKAN's rendering."""
    language = tk.h.lang() or tk.config.get("ckan.locale_default") or ""
    if date_format or not str(language).startswith("zh"):
        return core_helpers.render_datetime(datetime_, date_format, with_hours, with_seconds)
    moment = _displayed(datetime_)
    if moment is None:
        return ""
    text = f"{moment.year}年{moment.month}月{moment.day}日"
    if with_hours or with_seconds:
        text += moment.strftime(" %H:%M:%S" if with_seconds else " %H:%M")
    return text


def _displayed(value: Any) -> dt.datetime | None:
    """A timestamp (stored in UTC) or ISO string as a datetime in the display time zone."""
    if isinstance(value, str):
        try:
            value = tk.h.date_str_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(tk.h.get_display_timezone())


@tk.chained_helper
def humanize_entity_type(next_helper: Any, entity_type: str, object_type: str,
                         purpose: str) -> str | None:
    """CKAN names a dataset type by its code ("Data-Products", "Add Data-Product"); the
    data-product type is named in the reader's language instead (issue 17 items 12, 15)."""
    if (entity_type, object_type) == ("package", product_service.PRODUCT_TYPE):
        label = product_rules.TYPE_LABELS.get(purpose)
        if label:
            return tk._(label)
    return next_helper(entity_type, object_type, purpose)


def dongchang_product_sources(product: dict[str, Any]) -> list[dict[str, Any]]:
    """A product's sources as its citation names them for the reader (title, resource code and
    department of each entry the reader may see), for the product page."""
    context = {"user": current_user.name if current_user.is_authenticated else ""}
    return tk.get_action("dongchang_product_citation")(context, {"id": product["id"]})["sources"]


def dongchang_department_title(name: Any) -> str:
    """The title of the department a data item names by URL name (issue 17 item 8: people see
    区市场监督管理局, not dcf-scjgj)."""
    return department_lookup.department_title(name)


def dongchang_related_entries(codes: Any) -> list[dict[str, str]]:
    """The entries a related-codes field names, by title where the reader may see them."""
    return catalog_pickers.related_entries(
        codes, {"user": current_user.name if current_user.is_authenticated else ""})


def dongchang_picker(source: str, key: str, label: str, tags: bool = False,
                     picked_labels: dict[str, str] | None = None) -> dict[str, str]:
    """The attributes of an input that CKAN's autocomplete module runs as a picker (issue 17
    item 8), written once for every picker: completions come from ``source``, each is sent as
    its ``key`` and shown as its ``label``; ``tags`` picks several; ``picked_labels`` names the
    stored values (assets/pickers.js shows them instead of the keys)."""
    attrs = {"class": "form-control dongchang-picker", "data-module": "autocomplete",
             "data-module-createtags": "false", "data-module-source": source,
             "data-module-key": key, "data-module-label": label}
    if tags:
        attrs["data-module-tags"] = "true"
    if picked_labels is not None:
        attrs["data-picked-labels"] = json.dumps(picked_labels)
    return attrs


def dongchang_links_offered(package_id: Any) -> bool:
    """Whether the resource form offers a link (issue 16): only the open version of an
    unconditionally open entry may be one; every other file is served by the portal."""
    from ckanext.dongchang.access.rules import visibility

    try:
        extras = catalog_service.get_entry(str(package_id or "")).extras or {}
    except tk.ObjectNotFound:
        return True  # no entry yet: the server still refuses a gated link on save
    return not visibility.file_is_gated("open", extras.get("share_class"),
                                        extras.get("open_class"))


# A facet value's link, its page's address built once per request (issue 20).
dongchang_facet_href = facets.facet_href
