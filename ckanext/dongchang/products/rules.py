"""Derived data products (Art. 25; F-7): the rules on their sources, and their citation text.

Art. 25: "derived data products must state the source data and the date it was obtained". A
product names each catalog entry it uses and when the data was obtained; the date must be
possible (not in the future, not before the entry was published or the grant began), and data
that is not open to everyone must have been obtained through a grant fit for the product —
a commercial product only through a commercial grant, which is allocated by tender.

The citation is a bibliographic text in *both* languages at once (Chinese after GB/T 7714's
pattern for datasets, ``[DS/OL]``, and English), whatever the reader's interface language: it
is content to be copied into the product, not interface text, so it is not a msgid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ckanext.dongchang.kernel.messages import N_, Message
from ckanext.dongchang.kernel.rules import Errors, add, date_or_none, merge

PRODUCT_KINDS: tuple[str, ...] = ("app", "report", "model", "dataset", "other")
# What a registration says of each source: the entry, the day its data was obtained, the grant.
SOURCE_FIELDS: tuple[str, ...] = ("dataset_id", "acquired_on", "access_request_id")
LANGUAGES: tuple[str, ...] = ("zh_Hans_CN", "en")
CATALOG_NAME = {"zh_Hans_CN": "东昌府区政务数据资源目录",
                "en": "Dongchangfu District Government Data Catalog"}


@dataclass(frozen=True)
class Grant:
    """What a product needs to know of the access request it rests on."""

    purpose: str
    valid_from: date | None
    valid_until: date | None = None
    ended_on: date | None = None  # revoked early: the day access stopped


def source_errors(acquired_on: object, *, today: date, published_on: date | None,
                  data_public: bool, has_access: bool, grant: Grant | None,
                  commercial: bool) -> Errors:
    """Problems of one source as ``{subfield: [msgid, ...]}``; ``{}`` if it may be cited.

    ``has_access``: the registrant may use the data without a grant (owner department, Bureau,
    government users for unconditionally shared data). ``grant``: the access request the
    source rests on, if any.
    """
    errors: Errors = {}
    acquired = date_or_none(acquired_on) if acquired_on not in (None, "") else None
    if acquired_on in (None, ""):
        add(errors, "acquired_on", N_("Give the date you obtained the data."))
    elif acquired is None:
        add(errors, "acquired_on", N_("Enter a date as YYYY-MM-DD."))
    elif acquired > today:
        add(errors, "acquired_on", N_("The date the data was obtained cannot be in the"
                                       " future."))
    elif published_on is not None and acquired < published_on:
        add(errors, "acquired_on", Message(N_(
            "The entry was published on %(date)s; its data cannot have been obtained before"
            " that."), date=published_on.isoformat()))
    if grant is not None and acquired is not None and "acquired_on" not in errors:
        merge(errors, _grant_period_errors(acquired, grant))
    if not data_public:
        merge(errors, _gated_errors(grant, has_access, commercial))
    return errors


def _grant_period_errors(acquired: date, grant: Grant) -> Errors:
    if grant.valid_from is None:
        return {"access_request_id": [N_("This access request was never approved.")]}
    if acquired < grant.valid_from:
        return {"acquired_on": [Message(N_(
            "Your access began on %(date)s; the data cannot have been obtained through it"
            " before that."), date=grant.valid_from.isoformat())]}
    ends = [d for d in (grant.valid_until, grant.ended_on) if d is not None]
    if ends and acquired > min(ends):
        return {"acquired_on": [Message(N_(
            "Your access ended on %(date)s; the data cannot have been obtained through it"
            " after that."), date=min(ends).isoformat())]}
    return {}


def _gated_errors(grant: Grant | None, has_access: bool, commercial: bool) -> Errors:
    """Data not open to everyone: which grant may back the product (Art. 25)."""
    if commercial:
        if grant is None:
            message = N_("A commercial product may use data that is not open to everyone only"
                         " through your commercial access, awarded by tender: give that access"
                         " request.")
        elif grant.purpose == "research":
            message = N_("Access granted for research is for public-interest research and"
                         " education only; it cannot back a commercial product.")
        elif grant.purpose != "commercial":
            message = N_("Only commercial access, awarded by tender, can back a commercial"
                         " product.")
        else:
            return {}
        return {"access_request_id": [message]}
    if grant is None and not has_access:
        return {"access_request_id": [N_(
            "This data is not open to everyone: give the access request through which you"
            " obtained it.")]}
    return {}


# --- citation text ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CitedSource:
    """A source as one reader may see it: ``title`` is ``None`` for an entry not open to them."""

    title: str | None
    resource_code: str
    department: str
    acquired_on: str
    url: str = ""


def source_text(source: CitedSource, language: str) -> str:
    """One source: department, entry title, resource code, catalog, date obtained (and URL)."""
    catalog = CATALOG_NAME[language]
    if source.title is None:
        if language == "en":
            return (f"An entry of the {catalog} that is not open to you."
                    f" Obtained on {source.acquired_on}.")
        return f"{catalog}中一项未向您开放的条目. 获取日期: {source.acquired_on}."
    department = f"{source.department}. " if source.department else ""
    if language == "en":
        text = (f"{department}{source.title} [dataset]. {catalog}, resource code"
                f" {source.resource_code}. Obtained on {source.acquired_on}.")
    else:
        text = (f"{department}{source.title}[DS/OL]. {catalog}, 资源代码: {source.resource_code}."
                f" 获取日期: {source.acquired_on}.")
    return f"{text} {source.url}" if source.url else text


def product_text(product_title: str, developer: str, sources: Sequence[CitedSource],
                 language: str) -> str:
    """The whole citation of a product: a heading line and one numbered line per source."""
    if language == "en":
        heading = f'Data sources of "{product_title}"'
        heading += f" (developer: {developer}):" if developer else ":"
    else:
        heading = f"《{product_title}》"
        heading += f"（开发者：{developer}）" if developer else ""
        heading += "所用政务数据来源："
    lines = [f"[{n}] {source_text(source, language)}" for n, source in enumerate(sources, 1)]
    return "\n".join([heading, *lines])


def citations(product_title: str, developer: str, sources: Sequence[CitedSource]
              ) -> dict[str, str]:
    """The citation in every language: ``{"zh_Hans_CN": …, "en": …}``."""
    return {language: product_text(product_title, developer, sources, language)
            for language in LANGUAGES}





# What CKAN's pages call the data-product type, for each place it names a type
# (``h.humanize_entity_type`` purposes); CKAN would show "Data-Products", "Add Data-Product" ….
TYPE_LABELS: dict[str, str] = {
    "add link": N_("Register a data product"),
    "create label": N_("Register a data product"),
    "create title": N_("Register a data product"),
    "breadcrumb": N_("Data products"),
    "content tab": N_("Data products"),
    "facet label": N_("Data products"),
    "main nav": N_("Data products"),
    "page title": N_("Data products"),
    "delete confirmation": N_("Are you sure you want to delete this data product?"),
    "description placeholder": N_("What the product does and for whom..."),
    "edit label": N_("Edit data product"),
    "form label": N_("Data product"),
    "my label": N_("My data products"),
    "view label": N_("View data product"),
    "name placeholder": N_("My data product"),
    "no any objects": N_("No data product has been registered yet."),
    "no associated label": N_("There are no data products built on this entry."),
    "no description": N_("There is no description for this data product."),
    "no label": N_("Data product"),
    "save label": N_("Save data product"),
    "update label": N_("Update data product"),
    "search placeholder": N_("Search data products..."),
    "you not member": N_("You have registered no data product."),
}
