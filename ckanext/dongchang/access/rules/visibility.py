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
from typing import Any

from ckanext.dongchang.catalog.rules.classes import (
    FILE_AUDIENCES as FILE_AUDIENCES,  # re-exported: the file rules are read from here too
)
from ckanext.dongchang.catalog.rules.classes import (
    FILE_OPEN,
    FILE_OWNER,
    FILE_SHARED,
    OPEN_CLASSES,
    SHARE_CLASSES,
    file_audiences_allowed,
    is_wider,
)

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


# --- per file (issue 16): each resource says who it is for --------------------------------------
# Which files a grant of each request kind may cover: an open request (Art. 25) the open
# version, a share request (Art. 20) the shared version.
GRANTABLE_FILES: dict[str, str] = {"open": FILE_OPEN, "share": FILE_SHARED}


def default_file_audience(share_class: object, open_class: object) -> str:
    """The audience of a file that declares none (files from before issue 16).

    Only what the classes give *without a request*: the open version of an unconditionally
    open entry, the shared version of an unconditionally shared one. Files behind a condition
    stay with the department until it says which version is which, so no grant can hand out
    a file meant for someone else (the full-field shared file reaching a citizen).
    """
    if _known(share_class, open_class):
        if open_class == "unconditional":
            return FILE_OPEN
        if share_class == "unconditional":
            return FILE_SHARED
    return FILE_OWNER


def file_audience(declared: object, share_class: object, open_class: object) -> str:
    """The audience a file has today: as declared, the default when none is declared, and
    ``owner`` when the declared one is unknown or the entry's classes no longer allow it."""
    if declared is None or declared == "":
        return default_file_audience(share_class, open_class)
    if declared in file_audiences_allowed(share_class, open_class):
        return str(declared)
    return FILE_OWNER


def grant_covers(grants: Iterable[tuple[Any, ...]], resource_id: object,
                 audience: str) -> bool:
    """Whether one of the viewer's grants on the entry, ``(request kind, resource ids[,
    request id])``, names this file and the file (still) has the audience the grant's kind
    may cover."""
    return _covering(grants, resource_id, audience) is not None


def covering_grant(grants: Iterable[tuple[Any, ...]], resource_id: object,
                   audience: str) -> str | None:
    """The request id of the grant that covers this file (what the access log records);
    ``None`` when no grant does or the covering one carries no id."""
    grant = _covering(grants, resource_id, audience)
    return str(grant[2]) if grant is not None and len(grant) > 2 else None


def _covering(grants: Iterable[tuple[Any, ...]], resource_id: object,
              audience: str) -> tuple[Any, ...] | None:
    return next((grant for grant in grants
                 if GRANTABLE_FILES.get(grant[0]) == audience and resource_id in grant[1]),
                None)


def grantable_files(kind: str, files: Iterable[tuple[str, object]], share_class: object,
                    open_class: object) -> list[str]:
    """Ids of the files (``(id, declared audience)``, in the entry's order) that a grant of
    this request kind may cover: the open version for an open request, the shared version
    for a share request."""
    wanted = GRANTABLE_FILES.get(kind)
    return [resource_id for resource_id, declared in files
            if wanted is not None and file_audience(declared, share_class, open_class) == wanted]


def may_use_file(viewer: frozenset[str], share_class: str, open_class: str, published: bool,
                 declared: object, covered: bool) -> bool:
    """Whether ``viewer`` may get this file's data (its URL, a download).

    ``covered``: one of the viewer's grants covers the file (:func:`grant_covers`). Owner
    files are for the department and the Bureau; the open version goes to everyone when the
    entry is open unconditionally (Art. 24), the open and shared versions to every department
    when it is shared unconditionally (Art. 20); otherwise only a grant naming the file.
    """
    if _is_insider(viewer):
        return True
    if not may_see_data(viewer, share_class, open_class, published):
        return False
    audience = file_audience(declared, share_class, open_class)
    if audience == FILE_OWNER:
        return False
    if audience == FILE_OPEN and open_class == "unconditional":
        return True
    if share_class == "unconditional" and _is_government(viewer):
        return True
    return GRANTEE in viewer and covered


def file_is_gated(declared: object, share_class: object, open_class: object) -> bool:
    """Whether the file's data is kept from the public once the entry is published: anything
    but the open version of an unconditionally open entry. Such data may only leave through
    the portal, which checks the grant on each download (issue 16 item 3)."""
    public = frozenset({PUBLIC})
    return not may_use_file(public, str(share_class or ""), str(open_class or ""), True,
                            declared, False)


def file_listed(viewer: frozenset[str], share_class: str, open_class: str, published: bool,
                declared: object, covered: bool) -> bool:
    """Whether ``viewer`` may know the file exists (its name, description and format).

    Those who may see the entry see the files they could obtain by a request of their kind:
    the open version for everyone, the shared version for departments. An owner file, or a
    shared file for the public, does not exist for them.
    """
    if may_use_file(viewer, share_class, open_class, published, declared, covered):
        return True
    if not may_see_metadata(viewer, share_class, open_class, published):
        return False
    audience = file_audience(declared, share_class, open_class)
    return audience == FILE_OPEN or (audience == FILE_SHARED and _is_government(viewer))


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
