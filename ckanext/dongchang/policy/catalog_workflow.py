"""Catalog review, duplicates, one data one source, and update deadlines (Art. 15–17).

Review workflow (DESIGN §5)::

    draft --submit--> submitted --publish--> published
      ^                  |   \\--return--> returned --submit--> submitted
      |                  +--mark duplicate--> draft (withdrawn, points to the survivor)
      +-- a publisher may always go back to draft

A publisher (a department's editor or admin) only ever keeps the state or sets ``draft``; the
review action moves an entry to ``published`` or ``returned``; the Bureau, being the reviewer,
may set any state directly. When a publisher changes a published entry's classification (classes,
conditions, reasons, legal bases, confidentiality review), it goes back to ``submitted``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ckanext.dongchang.policy.classes import CATALOG_STATES, is_blank
from ckanext.dongchang.policy.messages import N_, Message

# --- review workflow --------------------------------------------------------------------------

DECISIONS: tuple[str, ...] = ("publish", "return")
SUBMITTABLE: frozenset[str] = frozenset({"draft", "returned"})

# Art. 15 read with Art. 19, 22 and 28: these decide who gets the data, so changing any of them
# on a published entry needs the Bureau's review again.
CLASS_FIELDS: tuple[str, ...] = (
    "share_class", "share_conditions", "share_reason", "share_legal_basis",
    "open_class", "open_conditions", "open_reason", "open_legal_basis",
    "confidentiality_review_status", "confidentiality_reviewer", "confidentiality_reviewed_on",
)
# What the reviewer is shown as "changed since the last review": the class fields plus what
# decides the entry's sensitivity and its sources.
REVIEW_FIELDS: tuple[str, ...] = (
    "title", "share_method", *CLASS_FIELDS, "security_grade", "temporary_collection",
    "temporary_collection_reason", "data_items",
)

PUBLISHER_ONLY_DRAFT = N_(
    "Only the Big Data Bureau publishes or returns catalog entries. Save the entry as a draft"
    " and submit it for review."
)
NOT_SUBMITTABLE = N_("Only a draft or a returned entry can be submitted for review.")
NOT_UNDER_REVIEW = N_("This entry is not awaiting review.")
UNKNOWN_DECISION = N_("The decision must be publish or return.")
RETURN_NEEDS_REASON = N_("Say why the entry is returned and what the department must change.")
SURVIVOR_IS_SELF = N_("An entry cannot be a duplicate of itself.")
MARKED_DUPLICATE = N_("The Bureau withdrew this entry as a duplicate of %(title)s.")


_MIDNIGHT = re.compile(r"\d{4}-\d{2}-\d{2}([T ]00:00(:00(\.0+)?)?)?")


@dataclass(frozen=True)
class StateOutcome:
    """The state an entry ends up in after a save, or why the save is refused."""

    state: str | None
    error: str | None = None
    resubmitted: bool = False  # a published entry went back to review because classes changed


def normalize(value: Any) -> str:
    """One spelling per value, so a form's "" and a stored None, or a date and its ISO text,
    compare equal and only real changes count."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    if _MIDNIGHT.fullmatch(text):  # a date written as midnight is still that date
        return text[:10]
    return text


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any],
                   fields: Iterable[str] = CLASS_FIELDS) -> list[str]:
    """The fields whose value differs between two versions of an entry."""
    return [name for name in fields
            if normalize(before.get(name)) != normalize(after.get(name))]


def resulting_state(old_state: str | None, requested: str | None, *, reviewer: bool,
                    workflow: bool, classes_changed: bool) -> StateOutcome:
    """The catalog state a save leaves an entry in (Art. 15).

    :param old_state: the stored state, ``None`` when the entry is being created
    :param requested: the state in the input, ``None`` when the input does not name one
    :param reviewer: the Bureau (or a trusted internal caller) is saving
    :param workflow: the submit/review actions themselves are saving
    :param classes_changed: a :data:`CLASS_FIELDS` value differs from the stored one
    """
    if requested is None:
        requested = old_state or "draft"
    if workflow or reviewer or requested not in CATALOG_STATES:
        # Unknown values fall through to the schema's own choice check, which names them.
        return StateOutcome(requested)
    if requested == "draft":
        return StateOutcome("draft")
    if requested != old_state:
        return StateOutcome(None, PUBLISHER_ONLY_DRAFT)
    if old_state == "published" and classes_changed:
        return StateOutcome("submitted", resubmitted=True)
    return StateOutcome(old_state)


def submit_errors(state: str | None) -> dict[str, list[str]]:
    if state in SUBMITTABLE:
        return {}
    return {"catalog_state": [NOT_SUBMITTABLE]}


def review_errors(state: str | None, decision: str | None,
                  reason: str | None) -> dict[str, list[str]]:
    """Why a review decision cannot be taken; ``{}`` when it can."""
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [UNKNOWN_DECISION]
    if decision == "return" and is_blank(reason):
        errors["reason"] = [RETURN_NEEDS_REASON]
    if state != "submitted":
        errors["catalog_state"] = [NOT_UNDER_REVIEW]
    return errors


def decision_state(decision: str) -> str:
    return {"publish": "published", "return": "returned"}[decision]


# --- what changed since the last review -------------------------------------------------------

def _item_text(item: Mapping[str, Any]) -> str:
    name = normalize(item.get("name"))
    source = normalize(item.get("source_org"))
    return f"{name} ({source})" if source else name


def items_summary(items: Any) -> str:
    """Data items as one line a reviewer can compare: "name (source), …"."""
    if not isinstance(items, list):
        return ""
    return ", ".join(_item_text(item) for item in items if isinstance(item, Mapping))


def review_diff(baseline: Mapping[str, Any] | None,
                current: Mapping[str, Any]) -> list[dict[str, str]]:
    """``[{"field", "before", "after"}]`` for every review field that changed.

    ``baseline`` is the version last published (``None``: never published, nothing to diff).
    """
    if baseline is None:
        return []
    diff = []
    for name in REVIEW_FIELDS:
        if name == "data_items":
            before, after = items_summary(baseline.get(name)), items_summary(current.get(name))
        else:
            before, after = normalize(baseline.get(name)), normalize(current.get(name))
        if before != after:
            diff.append({"field": name, "before": before, "after": after})
    return diff


# --- duplicates (Art. 15) ---------------------------------------------------------------------

# Trigram similarity (0..1) from which two entries count as possible duplicates. Chinese titles
# of one district share their first characters ("东昌府区…"), which alone gives unrelated titles
# about 0.25; a near-copy scores 0.6 and more.
THRESHOLDS: dict[str, float] = {"title": 0.5, "notes": 0.5, "data_items": 0.5}
INDEX_THRESHOLD: float = min(THRESHOLDS.values())
MATCH_FIELDS: tuple[str, ...] = tuple(THRESHOLDS)


@dataclass
class Candidate:
    """A possible duplicate of an entry, with the evidence."""

    id: str
    scores: dict[str, float]
    shared_items: list[str] = field(default_factory=list)
    same_department: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def matched(self) -> list[str]:
        """The fields that matched, best first (the reason shown to the reviewer)."""
        hits = [name for name in MATCH_FIELDS if self.scores.get(name, 0) >= THRESHOLDS[name]]
        return sorted(hits, key=lambda name: -self.scores[name])

    @property
    def score(self) -> float:
        return max((self.scores.get(name, 0.0) for name in self.matched), default=0.0)


def rank_candidates(candidates: Iterable[Candidate], limit: int = 10) -> list[Candidate]:
    """Keep the candidates with at least one field over its threshold, best first.

    Other departments come before the entry's own department at equal score: a duplicate
    across departments is what Art. 15 asks the Bureau to resolve.
    """
    kept = [c for c in candidates if c.matched]
    kept.sort(key=lambda c: (-round(c.score, 4), c.same_department, c.id))
    return kept[:limit]


def item_names(items: Any) -> list[str]:
    """Normalised data item names, as the database index computes them (lower, trimmed)."""
    if not isinstance(items, list):
        return []
    names = {normalize(item.get("name")).lower() for item in items if isinstance(item, Mapping)}
    return sorted(name for name in names if name)


def items_text(items: Any) -> str:
    """The data item names as one text, the form the trigram index compares."""
    return " ".join(item_names(items))


# --- one data, one source (Art. 17) -----------------------------------------------------------

SOURCE_ELSEWHERE = N_(
    "Data item %(item)s has department %(org)s as its authoritative source: obtain it from"
    " that department by sharing instead of collecting it again (one data, one source)."
)
PUBLISHED_ELSEWHERE = N_(
    "Data item %(item)s is already published as their own source by: %(orgs)s. Obtain it by"
    " sharing instead of collecting it again (one data, one source)."
)


@dataclass(frozen=True)
class Publication:
    """Another department's published entry that names itself the source of a data item."""

    item: str  # normalised item name
    org_name: str
    org_title: str
    dataset: Mapping[str, Any] | None = None  # None when the viewer may not see the entry


def recollection_warnings(items: Any, own_org: str, org_titles: Mapping[str, str],
                          publications: Iterable[Publication]) -> list[dict[str, Any]]:
    """Art. 17 warnings for an entry's data items, one per item.

    * an item whose authoritative source is another department (``source_elsewhere``), and
    * an item the entry claims as its own (or gives no source for) while other departments
      already publish it as their own source (``published_elsewhere``, naming them all).
    """
    warnings: list[dict[str, Any]] = []
    claimed: dict[str, str] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping) or is_blank(item.get("name")):
            continue
        name, source = normalize(item["name"]), normalize(item.get("source_org"))
        if source and source != own_org:
            warnings.append({
                "kind": "source_elsewhere", "item": name, "org": source, "orgs": [source],
                "datasets": [],
                "message": Message(SOURCE_ELSEWHERE, item=name,
                                   org=org_titles.get(source) or source),
            })
        else:
            claimed[name.lower()] = name
    by_item: dict[str, dict[str, Any]] = {}
    for publication in publications:
        name = claimed.get(publication.item)
        if name is None or publication.org_name == own_org:
            continue
        found = by_item.setdefault(name, {"orgs": {}, "datasets": []})
        found["orgs"].setdefault(publication.org_name,
                                 publication.org_title or publication.org_name)
        if publication.dataset:
            found["datasets"].append(dict(publication.dataset))
    for name, found in by_item.items():
        orgs = list(found["orgs"])
        warnings.append({
            "kind": "published_elsewhere", "item": name, "org": orgs[0], "orgs": orgs,
            "datasets": found["datasets"],
            "message": Message(PUBLISHED_ELSEWHERE, item=name,
                               orgs=", ".join(found["orgs"].values())),
        })
    return warnings


# --- update deadlines (Art. 16) ---------------------------------------------------------------

TRIGGERS: tuple[str, ...] = ("legal_basis", "functions", "system_update", "other")
DUE_SOON_WORKING_DAYS = 3
CHANGE_STATES: tuple[str, ...] = ("open", "closed")

UNKNOWN_TRIGGER = N_(
    "Choose what changed: the legal basis, the department's functions, an information system"
    " update, or other."
)
FUTURE_OCCURRENCE = N_("The change cannot have happened in the future.")
BAD_DATE = N_("Give the date as YYYY-MM-DD.")
NOT_UPDATED_YET = N_(
    "Update the catalog entry first: it has not been changed since %(occurred_on)s."
)
ALREADY_REPORTED = N_("This change was already reported on %(reported_on)s.")


def parse_date(value: Any) -> date | None:
    """A date from a form or API value; ``None`` when blank; ``ValueError`` when malformed."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return datetime.fromisoformat(text).date()


def change_errors(trigger: Any, occurred_on: Any, today: date) -> dict[str, list[str]]:
    """Why a change event cannot be recorded as given; ``{}`` when it can (Art. 16)."""
    errors: dict[str, list[str]] = {}
    if trigger not in TRIGGERS:
        errors["trigger"] = [UNKNOWN_TRIGGER]
    try:
        day = parse_date(occurred_on)
    except (TypeError, ValueError):
        errors["occurred_on"] = [BAD_DATE]
    else:
        if day is None:
            errors["occurred_on"] = [BAD_DATE]
        elif day > today:
            errors["occurred_on"] = [FUTURE_OCCURRENCE]
    return errors


def report_errors(occurred_on: date, reported_on: date | None,
                  entry_modified_on: date | None) -> dict[str, list[str]]:
    """A change is closed once the entry was updated after it happened, and then reported."""
    if reported_on is not None:
        return {"id": [Message(ALREADY_REPORTED, reported_on=reported_on.isoformat())]}
    if entry_modified_on is None or entry_modified_on < occurred_on:
        return {"dataset_id": [Message(NOT_UPDATED_YET, occurred_on=occurred_on.isoformat())]}
    return {}


def change_status(due_on: date, reported_on: date | None, today: date,
                  soon_until: date) -> str:
    """``closed``, ``overdue`` (open past ``due_on``), ``due_soon`` (open and due by
    ``soon_until``, the day :data:`DUE_SOON_WORKING_DAYS` working days after today) or
    ``open``."""
    if reported_on is not None:
        return "closed"
    if due_on < today:
        return "overdue"
    if due_on <= soon_until:
        return "due_soon"
    return "open"
