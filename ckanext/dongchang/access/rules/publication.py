"""When an entry counts as published, and whether its metadata is public (DESIGN §4)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ckanext.dongchang.access.rules import visibility

PUBLIC_VIEWER = frozenset({visibility.PUBLIC})


def is_published(entry: Mapping[str, Any]) -> bool:
    """Published = the catalog review passed *and* the confidentiality review is recorded.

    Both are needed before anyone outside the department sees the entry (Art. 15, Art. 28).
    """
    return (
        entry.get("catalog_state") == "published"
        and entry.get("confidentiality_review_status") == "passed"
    )


def _public(may_see: Callable[..., bool], entry: Mapping[str, Any]) -> bool:
    """Whether ``may_see`` (one of visibility's questions) lets an anonymous visitor see it."""
    return may_see(PUBLIC_VIEWER, str(entry.get("share_class") or ""),
                   str(entry.get("open_class") or ""), is_published(entry))


def metadata_is_public(entry: Mapping[str, Any]) -> bool:
    """True when anonymous visitors may see the metadata; CKAN's ``private`` is the inverse."""
    return _public(visibility.may_see_metadata, entry)


def data_is_public(entry: Mapping[str, Any]) -> bool:
    """True when anonymous visitors may download the data (unconditionally open, published)."""
    return _public(visibility.may_see_data, entry)


def least_viewer(entry: Mapping[str, Any]) -> frozenset[str]:
    """The least-privileged viewer that finds the entry in search: the public for an entry on
    an open list, any department for a shared one, else the owner department (the search index
    answers them all alike, so it may hold only what this viewer may know)."""
    audience = visibility.metadata_audience(
        entry.get("share_class"), entry.get("open_class"), is_published(entry))
    if audience == visibility.PUBLIC:
        return PUBLIC_VIEWER
    if audience == visibility.GOVERNMENT:
        return frozenset({visibility.PUBLIC, visibility.GOVERNMENT})
    return frozenset({visibility.OWNER})
