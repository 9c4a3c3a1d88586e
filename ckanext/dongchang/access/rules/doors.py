"""The portal is the only door to gated data (issue 16 item 3; Art. 20, 24, 25, 28).

A gated file (:func:`visibility.file_is_gated`: the public may not use it) must be served by
the portal, which checks the grant on every download: an upload in CKAN's FileStore, a
registered *upstream* (an address at the department that only the portal calls), or a table in
the DataStore (served by ``datastore_search``, which checks the grant too). A plain link would
hand the data's address to whoever once received it, so revocation and expiry would take
nothing back: it is refused, with a message telling the publisher what to do instead.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ckanext.dongchang.access.rules import visibility
from ckanext.dongchang.kernel.messages import N_, Message
from ckanext.dongchang.kernel.rules import Errors

UPLOAD = "upload"  # CKAN's FileStore
UPSTREAM = "dongchang_upstream"  # an address at the department that only the portal calls
DATASTORE = "datastore"  # a DataStore table, served by datastore_search
PORTAL_SERVED: tuple[str, ...] = (UPLOAD, UPSTREAM, DATASTORE)
UPSTREAM_SCHEMES: tuple[str, ...] = ("http", "https")

GATED_LINK = N_(
    "File %(position)s is not open to everyone, so it cannot be a link: upload the file, or"
    " register an upstream address that only the portal calls. A link is allowed only for"
    " the open version of an unconditionally open entry.")
GATED_LINK_AFTER_CHANGE = N_(
    "With these classes file %(number)s would no longer be open to everyone, but it is a"
    " link: upload the file or register an upstream address for it first, then change the"
    " classes.")
UPSTREAM_ADDRESS = N_(
    "Give the upstream address as a full http:// or https:// address of a server at your"
    " department.")
UPSTREAM_MISSING = N_(
    "File %(position)s is served from an upstream but no upstream address is registered:"
    " type its address.")


def served_by_portal(url_type: object) -> bool:
    """Whether the portal itself serves the file's data (and so checks each download)."""
    return url_type in PORTAL_SERVED


def gated_links(resources: Iterable[Any], share_class: object, open_class: object
                ) -> list[int]:
    """1-based positions of the files that are gated under these classes but are links."""
    return [position for position, resource in enumerate(resources, start=1)
            if isinstance(resource, Mapping) and _is_link(resource)
            and visibility.file_is_gated(resource.get("audience"), share_class, open_class)]


def _is_link(resource: Mapping[str, Any]) -> bool:
    return not served_by_portal(resource.get("url_type")) and not _blank(resource.get("url"))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def gated_link_errors(entry: Mapping[str, Any]) -> Errors:
    """The files of ``entry`` (as submitted) that are links to gated data, on their ``url``."""
    resources = entry.get("resources")
    if not isinstance(resources, list | tuple):
        return {}
    positions = gated_links(resources, entry.get("share_class"), entry.get("open_class"))
    return {"resources": [Message(GATED_LINK, position=position, subfield="url")
                          for position in positions]} if positions else {}


def class_change_errors(stored: list[Mapping[str, Any]], old: Mapping[str, Any],
                        new: Mapping[str, Any]) -> Errors:
    """A change of classes (the files left out of the update) that would make a stored link
    file gated is refused: the publisher uploads it or registers an upstream first. A link
    that was already gated before (stored before this rule) is left to its next edit."""
    before = set(gated_links(stored, old.get("share_class"), old.get("open_class")))
    after = gated_links(stored, new.get("share_class"), new.get("open_class"))
    newly = [number for number in after if number not in before]
    return {"resources": [Message(GATED_LINK_AFTER_CHANGE, number=number)
                          for number in newly]} if newly else {}


def upstream_address_valid(address: object) -> bool:
    """An absolute http(s) address with a host and no credentials in it."""
    if not isinstance(address, str) or not address.strip() or any(c.isspace() for c in
                                                                    address.strip()):
        return False
    try:
        parts = urlsplit(address.strip())
        return (parts.scheme in UPSTREAM_SCHEMES and bool(parts.hostname)
                and parts.username is None and parts.password is None)
    except ValueError:
        return False
