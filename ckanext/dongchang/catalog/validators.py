"""Validators that adapt the pure rules in ``policy/`` to CKAN's navl schemas.

Every error is raised or recorded on the field the publisher has to fix, translated through the
extension's catalogs, so the form shows it inline and the API returns it under that field's name.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import missing
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.dongchang import config as dc_config
from ckanext.dongchang.access import audience
from ckanext.dongchang.access.rules import doors, publication
from ckanext.dongchang.catalog import service
from ckanext.dongchang.catalog.rules import classes, workflow
from ckanext.dongchang.delivery import upstream
from ckanext.dongchang.departments import lookup as department_lookup
from ckanext.dongchang.kernel.messages import Message, render
from ckanext.dongchang.kernel.schema import add_flat_error, flat_items

__all__ = [
    "dongchang_max_length",
    "dongchang_bool_string",
    "dongchang_resource_code",
    "dongchang_name_from_code",
    "dongchang_related_resource_codes",
    "dongchang_department_name",
    "dongchang_catalog_entry_rules",
    "dongchang_drop_blank_data_items",
    "dongchang_department_code",
    "dongchang_bureau_flag",
    "dongchang_catalog_state",
]

_CATALOG_FIELDS = (
    "share_class", "share_conditions", "share_reason", "share_legal_basis",
    "open_class", "open_conditions", "open_reason", "open_legal_basis",
    "confidentiality_review_status", "confidentiality_reviewer", "confidentiality_reviewed_on",
    "catalog_state", "temporary_collection", "temporary_collection_reason",
    "involves_state_secrets", "security_grade", "deidentification_statement",
    "temporal_start", "temporal_end",
)


def dongchang_max_length(limit: int):
    """Refuse over-long text before it reaches the database (huge payloads get a clear error)."""
    limit = int(limit)

    def validator(value: Any) -> Any:
        if isinstance(value, str) and len(value) > limit:
            raise tk.Invalid(
                tk._("This text is too long: at most %(limit)s characters.") % {"limit": limit}
            )
        return value

    return validator


def dongchang_bool_string(value: Any) -> Any:
    """Accept yes/no in any spelling a form or API client sends; store "true" or "false"."""
    if value is missing or value is None or value == "":
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on", "是"):
        return "true"
    if text in ("false", "no", "0", "off", "否"):
        return "false"
    raise tk.Invalid(tk._("Choose yes or no."))


def dongchang_name_from_code(key: FlattenKey, data: FlattenDataDict,
                             errors: FlattenErrorDict, context: Context) -> None:
    """A new entry without a URL name takes its resource code, lower-cased
    (``371502-scjg-00001``): a stable ASCII name harvesters keep, where a Chinese title gives
    none (issue 19 item 10). A name given, or an existing entry's, is left alone."""
    if context.get("package") or not _blank_input(data.get(key)):
        return
    code = data.get(("resource_code",))
    if isinstance(code, str) and re.fullmatch(r"[A-Za-z0-9-]{2,100}", code.strip()):
        data[key] = code.strip().lower()


def dongchang_resource_code(key: FlattenKey, data: FlattenDataDict,
                            errors: FlattenErrorDict, context: Context) -> None:
    """A resource code follows the configured pattern and names exactly one entry (Art. 14)."""
    code = data.get(key)
    if not isinstance(code, str) or not code:
        return
    code = code.strip()
    data[key] = code
    pattern = dc_config.resource_code_pattern()
    if not re.fullmatch(pattern, code):
        errors[key].append(
            tk._("The resource code %(code)s does not follow the catalog's pattern %(pattern)s.")
            % {"code": code, "pattern": pattern}
        )
        return
    owner = _entry_ids_by_code([code]).get(code)
    if owner and owner != _current_package_id(data, context):
        errors[key].append(
            tk._("The resource code %(code)s is already used by another catalog entry.")
            % {"code": code}
        )


def dongchang_related_resource_codes(value: Any, context: Context) -> Any:
    """Related codes may come as a list or a comma-separated string; each must name an entry."""
    if value is missing or value is None:
        return value
    if isinstance(value, str):
        codes = [c.strip() for c in re.split(r"[,，;；\s]+", value) if c.strip()]
    elif isinstance(value, list) and all(isinstance(c, str) for c in value):
        codes = [c.strip() for c in value if c.strip()]
    else:
        raise tk.Invalid(tk._("Give related resource codes as text separated by commas."))
    known = _entry_ids_by_code(codes)
    unknown = [c for c in codes if c not in known]
    if unknown:
        message = tk._("No catalog entry has the resource code %(codes)s.")
        raise tk.Invalid(message % {"codes": ", ".join(unknown)})
    return ", ".join(dict.fromkeys(codes))


def dongchang_department_name(value: Any, context: Context) -> Any:
    """An authoritative source must be a recognised department (one data, one source, Art. 17).

    The picker sends the department's URL name; a person may also type its title or id
    (issue 17 item 8). Whatever was given, the URL name is stored."""
    if value is missing or value is None or value == "":
        return value
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Choose the department from the list."))
    value = value.strip()
    if not value:  # only spaces: as good as not given
        return value
    found = department_lookup.departments_called(value)
    if not found:
        raise tk.Invalid(tk._("There is no department called %(name)s.") % {"name": value})
    if len(found) > 1:
        raise tk.Invalid(tk._("Several departments are called %(name)s: choose one from the"
                              " list.") % {"name": value})
    return found[0].name


def dongchang_drop_blank_data_items(key: FlattenKey, data: FlattenDataDict,
                                    errors: FlattenErrorDict, context: Context) -> None:
    """Forget data item panels the publisher left empty, and number the rest from 0.

    The form always offers blank panels (the schema's ``form_blanks``) and, when its script has
    not run, posts scheming's hidden template panel too. A panel with nothing typed in is not a
    data item: it must neither be stored nor be reported as an item without a name (Art. 17
    applies to the items a publisher lists). Runs before the field validators (scheming
    ``before_validators``), whose ``ignore_missing`` then skips the dropped keys.
    """
    groups: dict[Any, dict[str, Any]] = {}
    for flat_key in [k for k in data if len(k) == 3 and k[0] == "data_items"]:
        groups.setdefault(flat_key[1], {})[flat_key[2]] = data.pop(flat_key)
    kept = [fields for _, fields in sorted(groups.items(), key=lambda group: _order(group[0]))
            if any(not _blank_input(value) for value in fields.values())]
    for index, fields in enumerate(kept):
        for subfield, value in fields.items():
            data[("data_items", index, subfield)] = value


def _order(index: Any) -> tuple[int, int]:
    return (0, index) if isinstance(index, int) else (1, 0)


def _blank_input(value: Any) -> bool:
    return value is missing or value is None or (isinstance(value, str) and not value.strip())


def dongchang_catalog_entry_rules(key: FlattenKey, data: FlattenDataDict,
                                  errors: FlattenErrorDict, context: Context) -> None:
    """Apply the cross-field rules of Art. 2, 17, 19, 22 and 28 (with the configured grade
    policy), then derive ``private``.

    Runs after every field validator (scheming ``after_validators``). By then scheming has copied
    custom fields into extras, so values are read from wherever they are.
    """
    entry = {name: _flat_value(data, name) for name in _CATALOG_FIELDS}
    entry["data_items"] = flat_items(data, "data_items")
    entry["resources"] = flat_items(data, "resources")
    errors_found = classes.classification_errors(entry, dc_config.grade_policy())
    if entry["resources"]:
        classes.merge(errors_found, classes.resource_audience_errors(entry))
        classes.merge(errors_found, doors.gated_link_errors(entry))
        classes.merge(errors_found, _unregistered_upstreams(entry["resources"], context))
    else:  # the update leaves the files out: the stored ones must agree, on ``audience``
        stored_files = _stored_files(data, context)
        stored = classes.resource_audience_errors(dict(entry, resources=stored_files))
        classes.merge(errors_found, {"audience": stored.get("resources", [])}
                      if stored else {})
        classes.merge(errors_found, doors.class_change_errors(
            stored_files, _stored_classes(data, context), entry))
    for field, messages in errors_found.items():
        for message in messages:
            add_flat_error(errors, _error_key(field, message), render(message, tk._))
    data[("private",)] = not publication.metadata_is_public(entry)


def _stored_files(data: FlattenDataDict, context: Context) -> list[dict[str, Any]]:
    """The entry's files as stored, for an update that leaves them out (CKAN 2.10+ keeps the
    resources then): a class change must still agree with every file's audience."""
    package_id = _current_package_id(data, context)
    package = model.Package.get(package_id) if package_id else None
    if package is None:
        return []
    return [{"audience": (resource.extras or {}).get("audience"), "url": resource.url,
             "url_type": resource.url_type} for resource in package.resources]


def _stored_classes(data: FlattenDataDict, context: Context) -> dict[str, Any]:
    """The classes the entry has before this change (none for a new entry)."""
    package_id = _current_package_id(data, context)
    package = model.Package.get(package_id) if package_id else None
    return dict(package.extras or {}) if package is not None else {}


def _unregistered_upstreams(resources: list[dict[str, Any]], context: Context
                            ) -> dict[str, list[Any]]:
    """An upstream file needs its address: typed now or kept from before (issue 16 item 3)."""
    messages = [Message(doors.UPSTREAM_MISSING, position=position, subfield="upstream_url")
                for position, resource in enumerate(resources, start=1)
                if resource.get("url_type") == doors.UPSTREAM
                and not upstream.is_registered(context, resource.get("id"))]
    return {"resources": messages} if messages else {}


def _error_key(field: str, message: Any) -> FlattenKey:
    """Item errors go on the item's subfield, so the form shows them next to the input."""
    params = getattr(message, "params", None) or {}
    if field in ("data_items", "resources") and "position" in params:
        return (field, params["position"] - 1, params.get("subfield", "name"))
    return (field,)


def _flat_value(data: FlattenDataDict, name: str) -> Any:
    value = data.get((name,), missing)
    if value is not missing:
        return value
    for flat_key, key_name in data.items():
        if len(flat_key) == 3 and flat_key[0] == "extras" and flat_key[2] == "key" \
                and key_name == name:
            return data.get(("extras", flat_key[1], "value"))
    return None


def _current_package_id(data: FlattenDataDict, context: Context) -> str | None:
    package = context.get("package")
    if package is not None:
        return package.id
    value = data.get(("id",))
    return value if isinstance(value, str) else None


def _entry_ids_by_code(codes: list[str]) -> dict[str, str]:
    """Map resource codes to the ids of the live entries that carry them (one query)."""
    if not codes:
        return {}
    code_column = model.Package.extras["resource_code"].astext
    rows = (
        model.Session.query(code_column, model.Package.id)
        .filter(code_column.in_(codes), model.Package.state != "deleted")
        .all()
    )
    return {code: package_id for code, package_id in rows}


def dongchang_department_code(value: Any) -> Any:
    """Department codes appear inside resource codes, so they share that alphabet."""
    if value is missing or value in (None, ""):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Z]{2,10}", value.strip()):
        raise tk.Invalid(tk._("A department code is 2 to 10 capital letters or digits."))
    return value.strip()


def dongchang_bureau_flag(key: FlattenKey, data: FlattenDataDict,
                          errors: FlattenErrorDict, context: Context) -> None:
    """Only a sysadmin may make a department the Bureau: the flag grants review rights (Art. 6)."""
    if data.get(key) != "true":
        return
    user = context.get("auth_user_obj")
    if getattr(user, "sysadmin", False) or context.get("ignore_auth"):
        return
    group = context.get("group")
    if group is not None and (group.extras or {}).get("is_bureau") == "true":
        return
    errors[key].append(
        tk._("Only a system administrator may mark a department as the Big Data Bureau.")
    )


def dongchang_catalog_state(key: FlattenKey, data: FlattenDataDict,
                            errors: FlattenErrorDict, context: Context) -> None:
    """Who may put an entry in which catalog state (Art. 15; F-10).

    Publishers keep the state or go back to draft; the review actions (which set
    ``context["dongchang_workflow"]``) and the Bureau, the reviewer, set any state. A publisher's
    change to a published entry's classification sends it back to review (``submitted``); the
    save records that in the audit log (``catalog.revisions``), not this validator. When the
    input names no state, an update keeps the stored one and a new entry is a draft.
    """
    value = data.get(key)
    requested = None if value is missing or value in (None, "") else value
    stored = _stored_entry(data, context)
    old_state = ((stored.extras or {}).get("catalog_state") or "draft") if stored else None
    trusted = bool(context.get("ignore_auth")) and not context.get("user")
    reviewer = trusted or audience.is_bureau(context)
    changed = workflow.changed_fields(
        stored.extras or {}, {name: _raw(data, name) for name in workflow.CLASS_FIELDS}
    ) if stored is not None else []
    outcome = workflow.resulting_state(
        old_state, requested, reviewer=reviewer,
        workflow=bool(context.get("dongchang_workflow")),
        classes_changed=bool(changed) or bool(context.get(service.FILES_NARROWED)))
    if outcome.error:
        errors[key].append(render(outcome.error, tk._))
        return
    data[key] = outcome.state


def _stored_entry(data: FlattenDataDict, context: Context) -> model.Package | None:
    """The entry as stored, on an update (``package_update`` puts it in the context)."""
    package = context.get("package")
    if package is None or data.get(("id",)) not in (package.id, package.name):
        return None
    return package


def _raw(data: FlattenDataDict, name: str) -> Any:
    value = data.get((name,), missing)
    return None if value is missing else value
