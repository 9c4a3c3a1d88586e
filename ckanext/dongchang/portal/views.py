"""The portal's name in the reader's language (issue 17 item 12).

``ckan.site_title`` is one text, shown by CKAN's header, page titles and footer through ``g``;
on the English site it would stay Chinese. CKAN's ``g`` is per request and falls back to the app
globals, so setting ``g.site_title`` here, for this request only, renames the site in every
template without overriding them.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

portal_blueprint = Blueprint("dongchang_portal", __name__)

SITE_TITLE_EN = "ckanext.dongchang.site_title_en"


@portal_blueprint.before_app_request
def site_title_in_the_readers_language() -> None:
    english = tk.config.get(SITE_TITLE_EN)
    language = str(tk.h.lang() or "")
    if english and not language.startswith("zh"):
        tk.g.site_title = english
