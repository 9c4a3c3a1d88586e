"""Catalog review, duplicates, one data one source, and update deadlines (Art. 15–17).

Review workflow (DESIGN §5)::

    draft --submit--> submitted --publish--> published
      ^                  |   \\--return--> returned --submit--> submitted
      |                  +--mark duplicate--> draft (withdrawn, points to the survivor)
      +-- a publisher may always go back to draft

A publisher (a department's editor or admin) only ever keeps the state or sets ``draft``; the
review action moves an entry to ``published`` or ``returned``; the Bureau, being the reviewer,
may set any state directly. A publisher's change to what the public sees of a published entry
(:data:`REREVIEW_FIELDS`) is held as a pending revision and the published version stays public
until the Bureau decides; only a change that narrows who gets the data (:func:`narrows_only`)
acts at once and sends the entry back to ``submitted``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ckanext.dongchang.catalog.rules.classes import CATALOG_STATES, FILE_AUDIENCES
from ckanext.dongchang.kernel.messages import N_, Message
from ckanext.dongchang.kernel.rules import Errors, is_blank, parse_date

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
    "title", "share_method", *CLASS_FIELDS, "security_grade", "involves_state_secrets",
    "deidentification_statement", "temporary_collection", "temporary_collection_reason",
    "data_items", "recollection_reason",
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
        if old_state == "published":  # leaving the catalog is the Bureau's decision
            return StateOutcome(None, ASK_FOR_WITHDRAWAL)
        return StateOutcome("draft")
    if requested != old_state:
        return StateOutcome(None, PUBLISHER_ONLY_DRAFT)
    if old_state == "published" and classes_changed:
        return StateOutcome("submitted", resubmitted=True)
    return StateOutcome(old_state)


# --- CKAN's stock controls and withdrawal (issue 17 item 5) ------------------------------------

# Catalog states in which an entry is public or awaiting the Bureau: CKAN's stock controls
# (取消发布 = package state ``draft``, delete, the organisation page's bulk actions) would take
# it out of the catalog or out of the review queue behind the Bureau's back.
IN_WORKFLOW: frozenset[str] = frozenset({"published", "submitted"})
# The one "field" a withdrawal request changes; it is held like any change of a published entry.
WITHDRAWAL = "withdrawal"

ASK_FOR_WITHDRAWAL = N_(
    "A published entry leaves the catalog only when the Big Data Bureau approves its"
    " withdrawal: use “Request withdrawal” on the entry's page."
)
UNDER_REVIEW_STAYS = N_(
    "This entry awaits the Big Data Bureau's review: it cannot be unpublished or deleted"
    " meanwhile."
)
VISIBILITY_FOLLOWS_CLASSES = N_(
    "Who sees an entry follows its share and open classes and the Big Data Bureau's review;"
    " it cannot be set by hand."
)
WITHDRAW_ONLY_PUBLISHED = N_("Only a published entry can be withdrawn from the catalog.")
WITHDRAW_NEEDS_REASON = N_("Say why the entry should leave the catalog.")
WITHDRAWAL_PENDING = N_(
    "A withdrawal of this entry already awaits the Big Data Bureau's decision."
)
CHANGE_WHILE_WITHDRAWING = N_(
    "A withdrawal of this entry awaits the Big Data Bureau's decision: it cannot be changed"
    " meanwhile."
)


def stock_control_refusal(catalog_state: str | None, *, reviewer: bool) -> str | None:
    """Why a publisher may not unpublish or delete an entry by CKAN's own controls; ``None``
    when it may (its draft or returned entry, which the public does not see)."""
    if reviewer or catalog_state not in IN_WORKFLOW:
        return None
    return ASK_FOR_WITHDRAWAL if catalog_state == "published" else UNDER_REVIEW_STAYS


def package_state_errors(catalog_state: str | None, stored: str | None, requested: Any, *,
                         reviewer: bool) -> dict[str, list[str]]:
    """CKAN's package ``state`` in a save (``draft`` is what 取消发布 sends, ``deleted`` a
    delete): a publisher keeps it on an entry in the workflow."""
    if requested in (None, "") or requested == stored:
        return {}
    refusal = stock_control_refusal(catalog_state, reviewer=reviewer)
    return {"state": [refusal]} if refusal else {}


def is_withdrawal(fields: Iterable[str]) -> bool:
    """A pending revision that asks for the entry's withdrawal rather than a change."""
    return list(fields) == [WITHDRAWAL]


def withdrawal_errors(state: str | None, reason: Any,
                      pending_fields: Iterable[str] | None) -> dict[str, list[str]]:
    """Why a department cannot ask to withdraw an entry; ``{}`` when it can. A pending change
    does not stop it (the withdrawal replaces it); a pending withdrawal does."""
    errors: dict[str, list[str]] = {}
    if state != "published":
        errors["catalog_state"] = [WITHDRAW_ONLY_PUBLISHED]
    if is_blank(reason):
        errors["reason"] = [WITHDRAW_NEEDS_REASON]
    if pending_fields is not None and is_withdrawal(pending_fields):
        errors["id"] = [WITHDRAWAL_PENDING]
    return errors


def withdrawal_diff(reason: str) -> list[dict[str, str]]:
    """The review queue's row for a withdrawal request: the reason the department gave."""
    return [{"field": WITHDRAWAL, "before": "", "after": reason}]


def submit_errors(state: str | None) -> dict[str, list[str]]:
    if state in SUBMITTABLE:
        return {}
    return {"catalog_state": [NOT_SUBMITTABLE]}


def review_errors(state: str | None, decision: str | None,
                  reason: str | None, revision_pending: bool = False) -> dict[str, list[str]]:
    """Why a review decision cannot be taken; ``{}`` when it can. A published entry is under
    review when a change of it is pending (``revision_pending``)."""
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = [UNKNOWN_DECISION]
    if decision == "return" and is_blank(reason):
        errors["reason"] = [RETURN_NEEDS_REASON]
    if state != "submitted" and not (state == "published" and revision_pending):
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


# --- re-review of published entries (issue 14 item 10) ---------------------------------------

# What the public sees of a published entry, and what decides who gets its data: a
# department's change to any of these waits for the Bureau's review, and the published version
# stays public until the Bureau approves the new one (Art. 15 applies to changes as to new
# entries). ``tag_string`` stands for the tags however they are sent, ``resources`` for adding,
# deleting, or changing a resource's :data:`REVIEWED_RESOURCE_FIELDS`.
REREVIEW_FIELDS: tuple[str, ...] = (
    "title", "name", "notes", "tag_string", "catalog_category", "resource_code",
    "related_resource_codes", "owner_org", "data_items", *CLASS_FIELDS, "share_method",
    "security_grade", "involves_state_secrets", "deidentification_statement",
    "temporary_collection", "temporary_collection_reason", "recollection_reason", "resources",
)
# Bookkeeping a department keeps current on its own: they say when, not what or to whom.
# Every field of the entry schema is in exactly one of the two lists (a unit test holds it).
APPLIED_AT_ONCE: tuple[str, ...] = (
    "update_cycle", "issued", "temporal_start", "temporal_end", "catalog_state")
REVIEWED_RESOURCE_FIELDS: tuple[str, ...] = ("name", "url", "format", "description", "audience")
# Taken out of a resource before any save (an upstream's address, issue 16 item 3): never
# stored in the entry, so never compared nor held; the address has its own table.
TAKEN_OUT_RESOURCE_FIELDS: tuple[str, ...] = ("upstream_url",)
# Not in the entry schema but shown to the public by CKAN: treated as text to review.
_TAG_FIELDS = ("tags", "tag_string")

REVISION_HELD = N_(
    "Your change awaits the Big Data Bureau's review; the published version stays public until"
    " it is approved. Changed: %(fields)s."
)
_OPEN_RANK = {"not_open": 0, "conditional": 1, "unconditional": 2}
_SHARE_RANK = {"not_shared": 0, "conditional": 1, "unconditional": 2}


def _tags(entry: Mapping[str, Any]) -> str | None:
    """The entry's tags as one sorted text; ``None`` when the input names none (kept).
    CKAN saves the union of ``tags`` and ``tag_string`` when both are given."""
    tags, tag_string = entry.get("tags"), entry.get("tag_string")
    if not isinstance(tags, list) and not isinstance(tag_string, str):
        return None
    names = [t.get("name") if isinstance(t, Mapping) else t
             for t in (tags if isinstance(tags, list) else [])]
    names += tag_string.split(",") if isinstance(tag_string, str) else []
    return ", ".join(sorted({normalize(n) for n in names if normalize(n)}))


def _items_key(items: Any) -> str:
    if not isinstance(items, list):
        return ""
    rows = [tuple(normalize(item.get(k)) for k in ("name", "type", "description", "source_org"))
            for item in items if isinstance(item, Mapping)]
    filled = [row for row in rows if any(row)]  # blank form panels are not items
    return repr(filled) if filled else ""


def resource_url(resource: Mapping[str, Any]) -> str:
    """An uploaded file's URL is stored as its file name and shown as a full download URL."""
    url = normalize(resource.get("url"))
    return url.rsplit("/", 1)[-1] if resource.get("url_type") == "upload" else url


def _resource_view(resource: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(resource_url(resource) if name == "url" else normalize(resource.get(name))
                 for name in REVIEWED_RESOURCE_FIELDS)


def _resources(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = entry.get("resources")
    return [r for r in value if isinstance(r, Mapping)] if isinstance(value, list) else []


def resources_changed(published: Mapping[str, Any], proposed: Mapping[str, Any]) -> bool:
    """A resource added or deleted, or one's name, URL, format or description changed.
    Order and the system's own attributes (size, hash, DataStore state) do not count."""
    if not isinstance(proposed.get("resources"), list):
        return False  # package_update keeps the resources when the input has none
    before = {r.get("id"): _resource_view(r) for r in _resources(published)}
    after = {r.get("id") or f"new-{i}": _resource_view(r)
             for i, r in enumerate(_resources(proposed))}
    return before != after


def _field_key(entry: Mapping[str, Any], name: str) -> str | None:
    if name == "tag_string":
        return _tags(entry)
    if name == "data_items":
        return _items_key(entry.get(name))
    return normalize(entry.get(name))


def rereview_changes(published: Mapping[str, Any], proposed: Mapping[str, Any]) -> list[str]:
    """The :data:`REREVIEW_FIELDS` a save would change on a published entry."""
    changed = []
    for name in REREVIEW_FIELDS:
        if name == "resources":
            if resources_changed(published, proposed):
                changed.append(name)
            continue
        after = _field_key(proposed, name)
        if after is not None and after != _field_key(published, name):
            changed.append(name)
    return changed


def narrows_only(published: Mapping[str, Any], proposed: Mapping[str, Any]) -> bool:
    """The change takes data away from some audience and gives it to none: a class goes down,
    or a passed confidentiality review no longer stands. Such a change must act at once (the
    entry leaves the public catalog and goes back to review, as before); holding it would keep
    data public that its department has just said is not."""
    ranks = [(_OPEN_RANK, "open_class"), (_SHARE_RANK, "share_class")]
    down = up = False
    for rank, name in ranks:
        before, after = rank.get(normalize(published.get(name))), rank.get(
            normalize(proposed.get(name)))
        if before is None or after is None:
            continue
        down, up = down or after < before, up or after > before
    passed_before = normalize(published.get("confidentiality_review_status")) == "passed"
    passed_after = normalize(proposed.get("confidentiality_review_status")) == "passed"
    down = down or (passed_before and not passed_after)
    up = up or (passed_after and not passed_before)
    files_down, files_up = _file_audience_moves(published, proposed)
    return (down or files_down) and not (up or files_up)


# Files' audiences from the widest (issue 16 item 1): a move towards ``owner`` narrows.
_FILE_RANK = {name: len(FILE_AUDIENCES) - i for i, name in enumerate(FILE_AUDIENCES)}


def _file_audience_moves(published: Mapping[str, Any],
                         proposed: Mapping[str, Any]) -> tuple[bool, bool]:
    """Whether some kept file's declared audience goes down, and whether some goes up. New or
    removed files move nothing here (a narrowing save sends the entry back to review, so a
    new file is reviewed before anyone gets it); an undeclared audience decides nothing."""
    if not isinstance(proposed.get("resources"), list):
        return False, False  # package_update keeps the files as they are
    before = {r.get("id"): _FILE_RANK.get(r.get("audience"))
              for r in published.get("resources") or [] if isinstance(r, Mapping)}
    down = up = False
    for resource in proposed["resources"]:
        if not isinstance(resource, Mapping) or before.get(resource.get("id")) is None:
            continue
        after = _FILE_RANK.get(resource.get("audience"))
        if after is not None:
            down = down or after < before[resource["id"]]
            up = up or after > before[resource["id"]]
    return down, up


def _merged_resources(pending: list[Mapping[str, Any]], published: list[Mapping[str, Any]],
                      incoming: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Apply the resource changes ``incoming`` makes to ``published`` onto ``pending``."""
    before = {r.get("id"): r for r in published}
    kept_ids = {r.get("id") for r in incoming if r.get("id") in before}
    result = [dict(r) for r in pending if r.get("id") not in set(before) - kept_ids]
    position = {r.get("id"): i for i, r in enumerate(result) if r.get("id")}
    for resource in incoming:
        rid = resource.get("id")
        if rid in before and _resource_view(resource) == _resource_view(before[rid]):
            continue  # untouched by this edit
        if rid and rid in position:
            result[position[rid]] = dict(resource)
        else:
            result.append(dict(resource))
    return result


def merge_revision(pending: Mapping[str, Any] | None, published: Mapping[str, Any],
                   incoming: Mapping[str, Any]) -> dict[str, Any]:
    """The proposal after one more edit: what ``incoming`` changes relative to the published
    version is applied onto the pending proposal (or onto the published version when none is
    pending). So successive edits (two new resources, a title then an abstract) add up."""
    merged = dict(pending if pending is not None else published)
    for name in rereview_changes(published, incoming):
        if name == "resources":
            base = _resources(merged) if "resources" in merged else _resources(published)
            merged["resources"] = _merged_resources(base, _resources(published),
                                                    _resources(incoming))
        elif name == "tag_string":
            _put_tags(merged, incoming)
        else:
            put(merged, name, incoming.get(name))
    return merged


def _put_tags(entry: dict[str, Any], source: Mapping[str, Any]) -> None:
    """``source``'s tags on ``entry`` as ``package_update`` takes them (``tags``, never the
    form's ``tag_string`` beside them)."""
    entry.pop("tag_string", None)
    entry["tags"] = [{"name": tag} for tag in (_tags(source) or "").split(", ") if tag]


def put(entry: dict[str, Any], name: str, value: Any) -> None:
    """Set a field, or leave it out when it has no value: ``package_update`` reads a missing
    field as empty, while ``None`` in a repeating field (data items) is a type error."""
    if value is None:
        entry.pop(name, None)
    else:
        entry[name] = value


def apply_revision(current: Mapping[str, Any], proposed: Mapping[str, Any]) -> dict[str, Any]:
    """The entry the Bureau publishes: the current entry with the proposal's reviewed fields.

    What the department changed at once since (:data:`APPLIED_AT_ONCE`, a resource's size)
    is kept; a proposed resource keeps the current one's other attributes.
    """
    result = dict(current)
    for name in REREVIEW_FIELDS:
        if name == "resources":
            by_id = {r.get("id"): r for r in _resources(current)}
            result["resources"] = [
                dict(by_id[r.get("id")], **{k: r.get(k) for k in (*REVIEWED_RESOURCE_FIELDS,
                                                                   "url_type")})
                if r.get("id") in by_id else dict(r) for r in _resources(proposed)]
        elif name == "tag_string":
            _put_tags(result, proposed)
        else:
            put(result, name, proposed.get(name))
    return result


def _resource_text(resource: Mapping[str, Any]) -> str:
    name, url, fmt, description, audience = _resource_view(resource)
    return " · ".join(part for part in (name, fmt, url, description, audience) if part)


def revision_diff(published: Mapping[str, Any],
                  proposed: Mapping[str, Any]) -> list[dict[str, str]]:
    """``[{"field", "before", "after"}]`` between the published version and a proposal, one
    row per changed field and one per added, deleted or changed resource. A withdrawal
    request's proposal is ``{"withdrawal": reason}``: its one row gives the reason."""
    if WITHDRAWAL in proposed:
        return withdrawal_diff(normalize(proposed[WITHDRAWAL]))
    diff: list[dict[str, str]] = []
    for name in rereview_changes(published, proposed):
        if name == "resources":
            before = {r.get("id"): r for r in _resources(published)}
            after_ids = set()
            for resource in _resources(proposed):
                old = before.get(resource.get("id"))
                after_ids.add(resource.get("id"))
                if old is None or _resource_view(old) != _resource_view(resource):
                    diff.append({"field": "resources",
                                 "before": _resource_text(old) if old else "",
                                 "after": _resource_text(resource)})
            diff.extend({"field": "resources", "before": _resource_text(old), "after": ""}
                        for rid, old in before.items() if rid not in after_ids)
        elif name == "data_items":
            diff.append({"field": name, "before": items_summary(published.get(name)),
                         "after": items_summary(proposed.get(name))})
        else:
            diff.append({"field": name, "before": _field_key(published, name) or "",
                         "after": _field_key(proposed, name) or ""})
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


RECOLLECTION_KINDS = frozenset({"source_elsewhere", "published_elsewhere"})
RECOLLECTION_NEEDS_REASON = N_(
    "The data items %(items)s can be obtained from other departments by sharing, and Art. 17"
    " forbids collecting again what sharing provides: say why the shared data cannot serve"
    " (the Big Data Bureau reads it when it reviews the entry), or remove the items."
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


def recollection_errors(warnings: Iterable[Mapping[str, Any]], reason: object) -> Errors:
    """Art. 17 ("可以通过共享方式获得数据的，不得通过其他方式重复采集") at submission: an entry
    whose items :func:`recollection_warnings` finds elsewhere is submitted only with a reason
    why the shared data cannot serve (``recollection_reason``), not on a warning alone."""
    items = list(dict.fromkeys(str(w.get("item") or "") for w in warnings
                               if w.get("kind") in RECOLLECTION_KINDS))
    if not items or not is_blank(reason):
        return {}
    return {"recollection_reason": [Message(RECOLLECTION_NEEDS_REASON, items=", ".join(items))]}


# --- update deadlines (Art. 16) ---------------------------------------------------------------

TRIGGERS: tuple[str, ...] = ("legal_basis", "functions", "system_update", "other")
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
    ``soon_until``, the end of the configured due-soon window, ``due_soon_working_days``) or
    ``open``."""
    if reported_on is not None:
        return "closed"
    if due_on < today:
        return "overdue"
    if due_on <= soon_until:
        return "due_soon"
    return "open"
