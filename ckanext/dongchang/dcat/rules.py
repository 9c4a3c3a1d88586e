"""How the DCAT catalog feed is paged so that a harvester's walk is stable (issue 19 item 2).

ckanext-dcat pages ``/catalog.ttl`` by offset over ``metadata_modified desc``. While a
harvester walks the pages, people keep working: an edit moves an entry to page 1 (already
read), so one entry is never seen and another is seen twice; an entry that stops being public
on page 1 shifts every later entry back by one, so one is skipped; and a harvester deletes
downstream whatever it did not see.

Here the order is by an entry's creation time, then its id: an immutable key, so an edit moves
nothing and a new entry comes last. Each page's ``hydra:next`` carries a cursor, the key of
the last entry on the page, and the next page starts strictly after it (keyset paging): an
entry that leaves the feed removes one row and shifts nothing, since the cursor does not count
rows. ``?page=N`` still answers page N by offset over the same order (its ``hydra:next`` is a
cursor link too), so the feed's paging contract is unchanged.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from ckanext.dongchang.kernel.messages import N_

SORT = "metadata_created asc, id asc"
# Parameters a walk carries from page to page (ckanext-dcat passes the same ones on).
CARRIED_PARAMETERS = ("modified_since", "profiles", "q", "fq")
BAD_CURSOR = N_("This is not a cursor of this catalog's pages: start again from the first page"
                " (the link without a cursor).")

# The share catalog (Art. 12, 18, 23): published entries other departments may know of.
SHARED_AND_PUBLISHED = ("share_class:(unconditional OR conditional)",
                        "catalog_state:published", "confidentiality_review_status:passed")

_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


@dataclass(frozen=True)
class Cursor:
    """The sort key of the last entry a page showed: creation time to the millisecond (what
    the search index keeps, so both sides of a comparison are equal) and the entry id."""

    created: str  # 2026-12-03T10:15:30.123Z
    entry_id: str

    def encode(self) -> str:
        return f"{self.created}_{self.entry_id}"

    def solr_filter(self) -> str:
        """Entries strictly after this key in :data:`SORT` order."""
        return (f'metadata_created:{{{self.created} TO *] OR '
                f'(metadata_created:"{self.created}" AND id:{{"{self.entry_id}" TO *])')


def cursor_after(entry: Mapping[str, str]) -> Cursor:
    """The cursor that continues after ``entry`` (a package dict as CKAN shows it)."""
    return Cursor(_millis(entry["metadata_created"]), entry["id"])


def decode_cursor(text: str) -> Cursor:
    """The cursor in a ``cursor`` parameter; ``ValueError`` for anything this feed did not
    give out, so it never reaches the search index as a query."""
    created, _, entry_id = (text or "").partition("_")
    if not _ID.fullmatch(entry_id):
        raise ValueError(text)
    return Cursor(_millis(created), entry_id)


def _millis(value: str) -> str:
    """An ISO time (naive = UTC, as CKAN keeps it) as Solr's millisecond UTC form."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def page_url(base: str, carried: Mapping[str, str], **position: str | int) -> str:
    """A paging link: the carried parameters (percent-encoded, so a space or a quote cannot
    break the IRI) and the position, ``page=N`` or ``cursor=…``."""
    pairs = [(key, carried[key]) for key in CARRIED_PARAMETERS if carried.get(key)]
    pairs += [(key, str(value)) for key, value in position.items()]
    return base + "?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in pairs)
