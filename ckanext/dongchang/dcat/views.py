"""Pages behind the IRIs our feeds mint, so that each dereferences (F-9, issue 19 item 6):
our vocabulary at ``/ns/dongchang`` (Turtle) and each legal basis at ``/legal-basis/<digest>``."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.dongchang.dcat import legal_basis, vocabulary

dcat_blueprint = Blueprint("dongchang_dcat", __name__)


@dcat_blueprint.get(vocabulary.NS_PATH)
def ns_vocabulary():
    """Our DCAT terms (``dc:shareClass`` …) and the district as Turtle, at the namespace's own
    address."""
    graph = vocabulary.vocabulary_graph(tk.config.get("ckan.site_url", ""))
    return Response(graph.serialize(format="turtle"), content_type="text/turtle; charset=utf-8")


@dcat_blueprint.get(f"{vocabulary.LEGAL_BASIS_PATH}/<digest>")
def legal_basis_page(digest: str):
    """The text of a legal basis a public entry gives; 404 like any unknown address otherwise."""
    text = legal_basis.public_text(digest)
    if text is None:
        tk.abort(404, tk._("Legal basis not found"))
    return tk.render("dongchang/dcat/legal_basis.html", {"text": text})
