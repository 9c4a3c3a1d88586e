"""Who may see what (DESIGN §4; Art. 3, 19, 20, 22, 24, 25, 28).

A viewer is a frozenset of audiences, e.g. ``{"public"}`` for anonymous users,
``{"government", "owner"}`` for a member of the owning department, ``{"bureau", "government"}``
for the Big Data Bureau; ``"grantee"`` is added for holders of an active grant.

| open class    | share class      | metadata            | data                                  |
|---------------|------------------|---------------------|---------------------------------------|
| unconditional | unconditional    | everyone            | everyone                              |
| conditional   | uncond./cond.    | everyone            | grantees; government if share uncond. |
| not_open      | unconditional    | government          | government                            |
| not_open      | conditional      | government          | grantees (who are government)         |
| not_open      | not_shared       | owner, Bureau       | owner, Bureau                         |

The owner department and the Bureau always see everything, published or not; nobody else sees
anything before publication (Art. 28 review) or of a row the classification rules forbid or do
not know (fail closed).  Data is never shown to someone who may not see the metadata.
"""

from __future__ import annotations

from collections.abc import Iterable

from ckanext.dongchang.catalog.rules.classes import OPEN_CLASSES, SHARE_CLASSES, is_wider

PUBLIC = "public"
GOVERNMENT = "government"
OWNER = "owner"
GRANTEE = "grantee"
BUREAU = "bureau"
AUDIENCES: tuple[str, ...] = (PUBLIC, GOVERNMENT, OWNER, GRANTEE, BUREAU)

# Permission labels (CKAN IPermissionLabels): they decide search/metadata visibility only.
LABEL_PUBLIC = "public"
LABEL_GOVERNMENT = "government"
LABEL_BUREAU = "bureau"


def member_label(org_id: str) -> str:
    """The label members of organisation ``org_id`` carry and its datasets always have."""
    return f"member-{org_id}"


def _is_insider(viewer: frozenset[str]) -> bool:
    """Owner department and Bureau: they compile and review the entry (Art. 14, 15)."""
    return OWNER in viewer or BUREAU in viewer


def _is_government(viewer: frozenset[str]) -> bool:
    return GOVERNMENT in viewer or _is_insider(viewer)


def _known(share_class: object, open_class: object) -> bool:
    """A row of the table: known values, and opening no wider than sharing."""
    return (
        share_class in SHARE_CLASSES
        and open_class in OPEN_CLASSES
        and not is_wider(open_class, share_class)
    )


def metadata_audience(share_class: object, open_class: object, published: bool) -> str:
    """Who beyond owner and Bureau sees the metadata: PUBLIC, GOVERNMENT or OWNER (nobody).

    Open classes other than not_open put the entry on an open list (Art. 23), so everyone
    sees it; a shared-but-not-open entry is for departments only (Art. 3, 19).
    """
    if published is not True or not _known(share_class, open_class):
        return OWNER
    if open_class != "not_open":
        return PUBLIC
    if share_class != "not_shared":
        return GOVERNMENT
    return OWNER


def may_see_metadata(
    viewer: frozenset[str], share_class: str, open_class: str, published: bool
) -> bool:
    """Whether ``viewer`` may see the entry's metadata (and find it in search)."""
    if _is_insider(viewer):
        return True
    audience = metadata_audience(share_class, open_class, published)
    if audience == PUBLIC:
        return True
    return audience == GOVERNMENT and _is_government(viewer)


def may_see_data(
    viewer: frozenset[str], share_class: str, open_class: str, published: bool
) -> bool:
    """Whether ``viewer`` may get the data (resource URLs, downloads).

    Unconditional opening means online download for all (Art. 24); unconditional sharing means
    platform access for every department (Art. 20); conditional rows need a grant (Art. 20, 25).
    """
    if _is_insider(viewer):
        return True
    if not may_see_metadata(viewer, share_class, open_class, published):
        return False
    if open_class == "unconditional":
        return True
    if share_class == "unconditional" and _is_government(viewer):
        return True
    conditional = open_class == "conditional" or share_class == "conditional"
    return conditional and GRANTEE in viewer


def dataset_labels(
    dataset_id: str,
    owner_org_id: str | None,
    share_class: str,
    open_class: str,
    published: bool,
) -> list[str]:
    """Permission labels of a dataset, so search shows it exactly to :func:`may_see_metadata`.

    ``dataset_id`` is part of the signature so per-dataset labels can be added without
    changing callers; grants do not need one, as they widen data access, not metadata.
    """
    labels = [LABEL_BUREAU]
    if owner_org_id:
        labels.append(member_label(owner_org_id))
    audience = metadata_audience(share_class, open_class, published)
    if audience == PUBLIC:
        labels.append(LABEL_PUBLIC)
    elif audience == GOVERNMENT:
        labels.append(LABEL_GOVERNMENT)
    return labels


def user_labels(is_authenticated: bool, org_ids: Iterable[str], is_bureau: bool) -> list[str]:
    """Permission labels of a user: any department member is a government user (Art. 3)."""
    labels = [LABEL_PUBLIC]
    if not is_authenticated:
        return labels
    members = [member_label(org_id) for org_id in dict.fromkeys(org_ids) if org_id]
    if members or is_bureau:
        labels.append(LABEL_GOVERNMENT)
    labels.extend(members)
    if is_bureau:
        labels.append(LABEL_BUREAU)
    return labels
