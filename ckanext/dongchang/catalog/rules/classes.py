"""Share and open classification of a catalog entry (Art. 2, 17, 19, 22, 28).

:func:`classification_errors` validates the classification fields *together*, because the
regulation's rules are about combinations (a conditional class needs conditions, opening may
not be wider than sharing, publishing needs a passed confidentiality review).  It accepts any
mapping, as forms and the API deliver it, and never raises on odd values.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ckanext.dongchang.kernel.messages import N_, Message, Term
from ckanext.dongchang.kernel.rules import Errors, add, date_or_none, is_blank, merge

SHARE_CLASSES: tuple[str, ...] = ("unconditional", "conditional", "not_shared")
OPEN_CLASSES: tuple[str, ...] = ("unconditional", "conditional", "not_open")
REVIEW_STATUSES: tuple[str, ...] = ("pending", "passed", "failed")
CATALOG_STATES: tuple[str, ...] = ("draft", "submitted", "published", "returned")
SECURITY_GRADES: tuple[str, ...] = ("general", "important", "core")
# 个人信息 / 敏感个人信息 (Personal Information Protection Law, Art. 4 and 28); blank = none.
PERSONAL_INFORMATION_KINDS: tuple[str, ...] = ("none", "personal", "sensitive")


_TRUE_STRINGS = frozenset({"true", "yes", "on", "y", "t", "1"})

# Art. 22 read with Art. 19: data may be opened to the public only as far as it is shared
# between departments; the public never gets more than a department could. The regulation does
# not say this in words; it is this site's reading (a department can always obtain what any
# citizen may, so "not suitable for other departments" (Art. 19) cannot go with open data), and
# the visibility table (DESIGN §4) relies on it, so it is not configurable.
_SHARE_AT_LEAST: dict[str, tuple[str, ...]] = {
    "unconditional": ("unconditional",),
    "conditional": ("unconditional", "conditional"),
    "not_open": SHARE_CLASSES,
}

# One table for both classifications. Art. 19 asks restricted sharing for a reason and a legal
# basis (law, regulation, rule); Art. 22 asks restricted opening for a basis in laws and
# regulations or relevant national documents (法律法规或者国家有关文件) and no reason, so the
# open reason is optional (encouraged by the form's help text).
_SIDES: dict[str, dict[str, Any]] = {
    "share": {
        "classes": SHARE_CLASSES,
        "closed": "not_shared",
        "class_msg": N_("Choose a share class: unconditional, conditional or not shared."),
        "conditions_msg": N_("Describe the conditions under which the data is shared."),
        "required": ("reason", "legal_basis"),
        "reason_msg": N_("Give the reason why the data is not shared unconditionally."),
        "legal_basis_msg": N_(
            "Give the legal basis (law, regulation or rule) for conditional or no sharing."
        ),
    },
    "open": {
        "classes": OPEN_CLASSES,
        "closed": "not_open",
        "class_msg": N_("Choose an open class: unconditional, conditional or not open."),
        "conditions_msg": N_("Describe the conditions under which the data is opened."),
        "required": ("legal_basis",),
        "legal_basis_msg": N_(
            "Give the basis in laws and regulations or relevant national documents for"
            " conditional opening or not opening."
        ),
    },
}



@dataclass(frozen=True)
class GradePolicy:
    """The widest share and open class each security grade allows: ``{grade: class}``.

    The regulation asks for data grading (Art. 28, 分级分类) but gives the grades no effect;
    the Data Security Law (Art. 21) asks stricter management of important and core data. How
    much stricter is this site's policy, configured as
    ``ckanext.dongchang.widest_share_class_by_grade`` and ``widest_open_class_by_grade``.
    A grade not named has no limit.
    """

    widest_share: Mapping[str, str] = field(default_factory=dict)
    widest_open: Mapping[str, str] = field(default_factory=dict)


# The configuration defaults: core data is shared conditionally at most and never opened;
# important data is opened conditionally at most.
DEFAULT_GRADE_POLICY = GradePolicy(
    widest_share={"core": "conditional"},
    widest_open={"core": "not_open", "important": "conditional"},
)


def parse_grade_limits(pairs: Iterable[str], side: str) -> dict[str, str]:
    """Read ``grade:class`` pairs (a config option's list) for ``side`` "share" or "open".

    :raises ValueError: naming the pair, for an unknown grade or class, a pair without a
        colon, or a grade given twice; a mistyped policy must stop the site, not fall open.
    """
    classes = _SIDES[side]["classes"]
    limits: dict[str, str] = {}
    for pair in pairs:
        grade, _, widest = str(pair).partition(":")
        if grade not in SECURITY_GRADES or widest not in classes or grade in limits:
            raise ValueError(
                f"{pair!r}: expected grade:class with a grade from {SECURITY_GRADES}, a"
                f" {side} class from {classes}, each grade once"
            )
        limits[grade] = widest
    return limits
# Who each file (resource) of an entry is for (issue 16): the open version, the shared version,
# or the department's own file.
FILE_OPEN = "open"
FILE_SHARED = "shared"
FILE_OWNER = "owner"
FILE_AUDIENCES: tuple[str, ...] = (FILE_OPEN, FILE_SHARED, FILE_OWNER)


def file_audiences_allowed(share_class: object, open_class: object) -> tuple[str, ...]:
    """The audiences a file of an entry with these classes may have: an open file needs an
    open class other than not open, a shared file a share class other than not shared; an
    unknown or too-wide classification allows owner files only."""
    known = (share_class in SHARE_CLASSES and open_class in OPEN_CLASSES
             and not is_wider(open_class, share_class))
    if not known:
        return (FILE_OWNER,)
    allowed = []
    if open_class != "not_open":
        allowed.append(FILE_OPEN)
    if share_class != "not_shared":
        allowed.append(FILE_SHARED)
    return (*allowed, FILE_OWNER)


def resource_audience_errors(entry: Mapping[str, Any]) -> Errors:
    """Each file's audience must be one the entry's classes allow: an open file on an entry
    that is not open, or a shared file on one that is not shared, would promise data to an
    audience the classification refuses. Errors carry ``position`` (1-based) and
    ``subfield`` ``audience``; a file without an audience is valid (see
    ``visibility.default_file_audience``)."""
    resources = entry.get("resources")
    if not isinstance(resources, list | tuple):
        return {}
    allowed = file_audiences_allowed(entry.get("share_class"), entry.get("open_class"))
    messages: list[str] = []
    for position, resource in enumerate(resources, start=1):
        declared = resource.get("audience") if isinstance(resource, Mapping) else None
        if declared is None or declared == "" or declared in allowed:
            continue
        if declared == FILE_OPEN:
            msgid = N_("File %(position)s is for the public, but the entry is not open: choose"
                       " ‘shared’ or ‘owner’, or change the open class.")
        elif declared == FILE_SHARED:
            msgid = N_("File %(position)s is for departments, but the entry is not shared:"
                       " choose ‘owner’, or change the share class.")
        else:
            msgid = N_("File %(position)s: choose who it is for: open, shared or owner.")
        messages.append(Message(msgid, position=position, subfield="audience"))
    return {"resources": messages} if messages else {}


def is_truthy(value: object) -> bool:
    """True for ``True`` and the strings CKAN forms use for yes ("true", "on", "1", ...)."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in _TRUE_STRINGS


def share_at_least(open_class: object) -> tuple[str, ...]:
    """The share classes an entry may have when it has ``open_class`` (Art. 19, 22).

    An unknown open class allows no share class at all: nothing is inferred from garbage.
    """
    if not isinstance(open_class, str):
        return ()
    return _SHARE_AT_LEAST.get(open_class, ())


def is_wider(open_class: object, share_class: object) -> bool:
    """True when opening would give the public more than sharing gives departments.

    Only known class values can be compared; unknown ones are reported by
    :func:`classification_errors` on their own field, not as a "wider" error.
    """
    if open_class not in OPEN_CLASSES or share_class not in SHARE_CLASSES:
        return False
    return share_class not in share_at_least(open_class)


def classification_errors(entry: Mapping[str, Any],
                          grade_policy: GradePolicy = DEFAULT_GRADE_POLICY) -> Errors:
    """Every classification problem of ``entry`` as ``{field: [msgid, ...]}``; ``{}`` if valid.

    Each error is keyed on the field the user has to change, so forms can show it in place.
    """
    errors: Errors = {}
    merge(errors, _scope_errors(entry))
    for side in ("share", "open"):
        merge(errors, _side_errors(entry, side))
    if is_wider(entry.get("open_class"), entry.get("share_class")):
        add(errors, "open_class", N_(
            "Data cannot be opened more widely than it is shared: unconditional opening needs"
            " unconditional sharing, and conditional opening needs unconditional or"
            " conditional sharing."
        ))
    merge(errors, _grade_errors(entry, grade_policy))
    merge(errors, _personal_information_errors(entry))
    merge(errors, _review_errors(entry))
    merge(errors, _collection_errors(entry))
    merge(errors, _data_item_errors(entry.get("data_items")))
    merge(errors, _temporal_errors(entry))
    return errors


def _scope_errors(entry: Mapping[str, Any]) -> Errors:
    """Art. 2 ¶2: data involving state secrets is managed under the secrecy laws, so it is
    outside this catalog whatever its classes (not opening it would not be enough)."""
    if is_truthy(entry.get("involves_state_secrets")):
        return {"involves_state_secrets": [N_(
            "Data involving state secrets cannot be catalogued here (Art. 2 of the District's"
            " data regulation): manage it under the Law on Guarding State Secrets and the"
            " secrecy rules, outside this system."
        )]}
    return {}


GRADE_LIMIT = N_(
    "This site's policy for %(grade)s data (stricter management of important and core data,"
    " Data Security Law Art. 21) allows only %(allowed)s."
)
# How grades and the classes a limit leaves are named in GRADE_LIMIT (msgids, translated on
# display through :class:`Term`).
_GRADE_NAMES: dict[str, str] = {
    "general": N_("general"), "important": N_("important"), "core": N_("core"),
}
_ALLOWED_NAMES: dict[tuple[str, str], str] = {
    ("share", "conditional"): N_("conditional sharing or no sharing"),
    ("share", "not_shared"): N_("no sharing"),
    ("open", "conditional"): N_("conditional opening or not opening"),
    ("open", "not_open"): N_("not opening"),
}


def _grade_errors(entry: Mapping[str, Any], policy: GradePolicy) -> Errors:
    """The grade policy: a class wider than the grade allows is an error on that class.

    Classes are ordered from widest to narrowest in ``SHARE_CLASSES``/``OPEN_CLASSES``;
    unknown grades or classes are reported elsewhere (or by the schema), not here.
    """
    errors: Errors = {}
    grade = entry.get("security_grade")
    for side, limits in (("share", policy.widest_share), ("open", policy.widest_open)):
        classes = _SIDES[side]["classes"]
        chosen = entry.get(f"{side}_class")
        widest = limits.get(grade) if isinstance(grade, str) else None
        if chosen in classes and widest in classes and \
                classes.index(chosen) < classes.index(widest):
            add(errors, f"{side}_class", Message(
                GRADE_LIMIT, grade=Term(_GRADE_NAMES.get(grade, grade)),
                allowed=Term(_ALLOWED_NAMES[(side, widest)])))
    return errors


def _personal_information_errors(entry: Mapping[str, Any]) -> Errors:
    """Art. 28 ¶2 (protect the people data is collected about): data items holding personal or
    sensitive personal information are opened unconditionally only when the entry records how
    they were de-identified; conditional opening goes through a request and an agreement."""
    if entry.get("open_class") != "unconditional" or not \
            is_blank(entry.get("deidentification_statement")):
        return {}
    items = entry.get("data_items")
    if not isinstance(items, list | tuple):
        return {}
    personal = [str(item.get("name") or position) for position, item in enumerate(items, 1)
                if isinstance(item, Mapping)
                and item.get("personal_information") in ("personal", "sensitive")]
    if not personal:
        return {}
    return {"deidentification_statement": [Message(N_(
        "The data items %(items)s hold personal information: unconditional opening needs a"
        " statement of how they were de-identified; otherwise choose conditional opening or"
        " not open."), items=", ".join(personal))]}


def _side_errors(entry: Mapping[str, Any], side: str) -> Errors:
    """Art. 19 (share) / Art. 22 (open): a class, and for restrictions conditions and what the
    article requires (Art. 19: reason and basis; Art. 22: basis).

    The reason and the legal basis are separate errors because a form shows them on separate
    fields and a user can have filled in one but not the other.
    """
    spec = _SIDES[side]
    errors: Errors = {}
    chosen = entry.get(f"{side}_class")
    if chosen not in spec["classes"]:
        add(errors, f"{side}_class", spec["class_msg"])
        return errors
    if chosen == "conditional" and is_blank(entry.get(f"{side}_conditions")):
        add(errors, f"{side}_conditions", spec["conditions_msg"])
    if chosen != "unconditional":
        for part in spec["required"]:
            if is_blank(entry.get(f"{side}_{part}")):
                add(errors, f"{side}_{part}", spec[f"{part}_msg"])
    return errors


def _given(value: object) -> bool:
    return value is not None and value != ""


def _check_choice(errors: Errors, entry: Mapping[str, Any], field: str,
                  choices: Collection[str], message: str) -> None:
    """A value given for ``field`` that is not one of ``choices`` is an error on it."""
    value = entry.get(field)
    if _given(value) and value not in choices:
        add(errors, field, message)


def _review_errors(entry: Mapping[str, Any]) -> Errors:
    """Art. 28: a confidentiality review, recorded with who and when, before sharing or opening.

    An entry that is published and goes beyond its department (anything but not shared and
    not open) must carry a *passed* review.
    """
    errors: Errors = {}
    _check_choice(errors, entry, "confidentiality_review_status", REVIEW_STATUSES,
                  N_("Choose a confidentiality review status: pending, passed or failed."))
    status = entry.get("confidentiality_review_status")
    if status == "passed":
        if is_blank(entry.get("confidentiality_reviewer")):
            add(errors, "confidentiality_reviewer",
                 N_("Give the name of the person who did the confidentiality review."))
        reviewed_on = entry.get("confidentiality_reviewed_on")
        if not isinstance(reviewed_on, date) and is_blank(reviewed_on):
            add(errors, "confidentiality_reviewed_on",
                 N_("Give the date of the confidentiality review."))
    _check_choice(errors, entry, "catalog_state", CATALOG_STATES,
                  N_("The catalog state must be draft, submitted, published or returned."))
    state = entry.get("catalog_state")
    beyond_department = (
        entry.get("share_class") != "not_shared" or entry.get("open_class") != "not_open"
    )
    if state == "published" and beyond_department and status != "passed":
        add(errors, "confidentiality_review_status", N_(
            "Data that is shared or opened beyond your department can only be published after"
            " a passed confidentiality review."
        ))
    return errors


def _collection_errors(entry: Mapping[str, Any]) -> Errors:
    """Art. 17: collection outside the catalog is the exception and must say why."""
    if is_truthy(entry.get("temporary_collection")) and is_blank(
        entry.get("temporary_collection_reason")
    ):
        return {"temporary_collection_reason": [
            N_("Explain the special or urgent need for collecting this data temporarily.")
        ]}
    return {}


def _temporal_errors(entry: Mapping[str, Any]) -> Errors:
    """The period the data covers (``dct:temporal``) cannot end before it starts; each end is
    optional. Malformed dates are the date fields' own error."""
    start, end = date_or_none(entry.get("temporal_start")), date_or_none(entry.get("temporal_end"))
    if start is not None and end is not None and end < start:
        return {"temporal_end": [N_("The period the data covers cannot end before its start.")]}
    return {}


def _data_item_errors(items: object) -> Errors:
    """Art. 17, one data one source: every data item is named and names its source department.

    Item messages carry ``position`` (1-based, for the text) and ``subfield`` (where a form
    shows the error).
    """
    if items is None or items == "":
        return {}
    if not isinstance(items, list | tuple):
        return {"data_items": [N_("The data items could not be read; enter them again.")]}
    messages: list[str] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            messages.append(Message(N_("Data item %(position)s could not be read."),
                                    position=position, subfield="name"))
            continue
        if is_blank(item.get("name")):
            messages.append(Message(N_("Data item %(position)s needs a name."),
                                    position=position, subfield="name"))
        if is_blank(item.get("source_org")):
            messages.append(Message(
                N_("Data item %(position)s needs the department that is its authoritative"
                   " source."),
                position=position, subfield="source_org",
            ))
        kind = item.get("personal_information")
        if _given(kind) and kind not in PERSONAL_INFORMATION_KINDS:
            messages.append(Message(
                N_("Data item %(position)s: choose whether it holds no, personal or sensitive"
                   " personal information."),
                position=position, subfield="personal_information",
            ))
    return {"data_items": messages} if messages else {}



