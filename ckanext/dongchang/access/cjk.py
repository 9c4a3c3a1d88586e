"""Chinese full-text search on CKAN's stock Solr schema.

CKAN's ``text`` field splits on whitespace, so "东昌府区公交站点" is one token and a search for
"公交站点" finds nothing. Rather than fork CKAN's schema, the index gets a copy of the Chinese
text with every CJK character as its own token, and a query's CJK runs become phrase queries
over those tokens: a substring match, in order, on the schema every CKAN site already has.
"""
from __future__ import annotations

import re

# CJK Unified Ideographs (+ Extension A), compatibility ideographs, CJK punctuation excluded.
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Inside a quoted phrase or a field query (x:y) the user asked for Solr syntax: leave it alone.
_PROTECTED = re.compile(r'"[^"]*"|\S+:\S+')


def spaced(text: str) -> str:
    """Put a space between CJK characters so whitespace tokenizers index one per token."""
    return _CJK_RUN.sub(lambda m: " " + " ".join(m.group(0)) + " ", text).strip()


def phrase_query(q: str) -> str:
    """Rewrite each bare CJK run of a search box query as a phrase of single characters.

    ``公交站点 2026`` becomes ``"公 交 站 点" 2026``; a single character stays as it is.
    """
    out, last = [], 0
    for protected in _PROTECTED.finditer(q):
        out.append(_rewrite(q[last:protected.start()]))
        out.append(protected.group(0))
        last = protected.end()
    out.append(_rewrite(q[last:]))
    return "".join(out)


def _rewrite(fragment: str) -> str:
    return _CJK_RUN.sub(
        lambda m: m.group(0) if len(m.group(0)) == 1 else '"' + " ".join(m.group(0)) + '"',
        fragment,
    )
