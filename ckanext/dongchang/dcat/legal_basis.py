"""The legal bases the public feeds name, found again by the IRI minted for them (F-9).

A legal basis given as text gets the IRI ``<site>/legal-basis/<sha1 of the text>`` in the feeds
(``vocabulary.legal_basis_iri``). The IRI must dereference (issue 19 item 6): its page shows the
text, for the bases of entries the public may see; the basis of any other entry answers exactly
like an unknown one.
"""
from __future__ import annotations

import sqlalchemy as sa
from ckan import model

from ckanext.dongchang.dcat import vocabulary

LEGAL_BASIS_FIELDS = ("open_legal_basis", "share_legal_basis")

# CKAN 2.12 keeps a dataset's extra fields in the ``package.extras`` JSONB column.
_PUBLIC_BASES = sa.text("""
    select distinct trim(basis.value)
      from package entry, jsonb_each_text(entry.extras) basis
     where basis.key in :fields and trim(basis.value) <> ''
       and entry.state = 'active' and entry.private = false and entry.type = 'dataset'
""").bindparams(sa.bindparam("fields", expanding=True))


def public_text(wanted: str) -> str | None:
    """The legal basis of a public entry whose digest is ``wanted``; None for any other."""
    if len(wanted) != 40 or not all(c in "0123456789abcdef" for c in wanted):
        return None
    texts = model.Session.execute(_PUBLIC_BASES, {"fields": list(LEGAL_BASIS_FIELDS)}).scalars()
    return next((text for text in texts if vocabulary.legal_basis_digest(text) == wanted), None)
