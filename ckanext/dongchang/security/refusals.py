"""Refusals that escape a view become 404/403/400 pages, never a 500 (issue 14, item 9).

CKAN core and plugin views call actions and mostly map ``ObjectNotFound`` and
``NotAuthorized`` themselves; where one forgets (the activity plugin's
``/dataset/changes_multiple`` without ids is one), Flask would answer 500. These handlers
apply to every view, core ones included; the API has its own mapping and never gets here.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import flask

refusals_blueprint = flask.Blueprint("dongchang_refusals", __name__)


@refusals_blueprint.app_errorhandler(tk.ObjectNotFound)
def not_found(error: tk.ObjectNotFound) -> tuple[str, int]:
    return _page(404, str(error.message or "") or tk._("Not found"))


@refusals_blueprint.app_errorhandler(tk.NotAuthorized)
def not_authorized(error: tk.NotAuthorized) -> tuple[str, int]:
    return _page(403, str(error.message or "") or tk._("Not authorized to see this page"))


@refusals_blueprint.app_errorhandler(tk.ValidationError)
def invalid(error: tk.ValidationError) -> tuple[str, int]:
    summary = "; ".join(f"{field}: {message}" for field, message in error.error_summary.items())
    return _page(400, summary or tk._("Bad request"))


def _page(code: int, message: str) -> tuple[str, int]:
    return tk.render("error_document_template.html",
                     {"code": code, "content": message, "name": str(code)}), code
