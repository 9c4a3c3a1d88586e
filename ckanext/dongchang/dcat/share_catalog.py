"""``/share-catalog.ttl`` (``.xml``, ``.jsonld``): the share catalog for the city exchange
platform (Art. 12, 18, 23; issue 19 item 9), for government users only.

The city exchange platform harvests it with the API token of a government harvester account
(a member of a recognised department, or the Bureau) in the ``Authorization`` header. Anyone
else — anonymous, citizens, members of organisations that are not departments — gets the 404
of a page that does not exist, so the feed's existence tells them nothing. Paging, cursors and
``modified_since`` as on ``/catalog.*``; what it lists: ``actions.share_catalog_page``.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from ckanext.dongchang.access.audience import memberships_for
from ckanext.dongchang.dcat import actions

share_catalog_blueprint = Blueprint("dongchang_share_catalog", __name__)

# extension -> (rdflib format, content type), as ckanext-dcat serves /catalog.*
FORMATS = {"ttl": ("turtle", "text/turtle"), "xml": ("xml", "application/rdf+xml"),
           "jsonld": ("json-ld", "application/ld+json")}


def _government_user() -> bool:
    user = tk.current_user
    if not user or not user.is_authenticated:
        return False
    if user.sysadmin:
        return True
    memberships = memberships_for(user.name)
    return bool(memberships.org_ids or memberships.is_bureau)


@share_catalog_blueprint.get("/share-catalog.<fmt>")
def share_catalog(fmt: str):
    if fmt not in FORMATS or not _government_user():
        tk.abort(404)
    rdf_format, content_type = FORMATS[fmt]
    profiles = request.args.get("profiles")
    data_dict = {"page": request.args.get("page"), "cursor": request.args.get("cursor"),
                 "modified_since": request.args.get("modified_since"),
                 "q": request.args.get("q"), "fq": request.args.get("fq"),
                 "format": rdf_format, "profiles": profiles.split(",") if profiles else None}
    context = {"user": tk.current_user.name}
    try:
        body = actions.share_catalog_page(context, data_dict)
    except tk.ValidationError as error:
        tk.abort(409, str(error))
    return Response(body, content_type=f"{content_type}; charset=utf-8")
