"""Security headers on every response: Content-Security-Policy and friends (issue 14, item 4).

The policy allows scripts only from the site itself and inline scripts that carry this
request's nonce, so markup injected into a page (a department title ``</script><img
onerror=…>``) cannot run even if a template forgot to escape it. Neither CKAN 2.12's core
templates nor ours emit inline scripts, except the resource view frame
(``dataviewer/base.html``, overridden to carry the nonce) and the inline ``onclick``
handlers of the resource form's URL/upload switch (overridden without them; the
``dongchang-resource-upload`` asset does the same). JSON for scripts is embedded as
``<script type="application/json">{{ value|tojson }}</script>`` data blocks, which CSP does
not execute. Inline *styles* stay allowed: CKAN's templates and htmx use them, and CSS cannot
run script.

The policy is configurable (``ckanext.dongchang.content_security_policy``; ``{nonce}`` is
replaced by the request's nonce; empty sends none, for a site whose proxy sets it).
"""
from __future__ import annotations

import secrets

import ckan.plugins.toolkit as tk
import flask

headers_blueprint = flask.Blueprint("dongchang_security_headers", __name__)

POLICY_OPTION = "ckanext.dongchang.content_security_policy"

# Sent unless a view set its own.
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Resource views are iframes of the site itself; no other site may frame a page.
    "X-Frame-Options": "SAMEORIGIN",
    # Same-origin requests keep their Referer (Flask-WTF checks it on HTTPS POSTs); other sites
    # learn nothing of the page (password-reset keys are in URLs).
    "Referrer-Policy": "same-origin",
}


def csp_nonce() -> str:
    """This request's nonce (made on first use), for ``<script nonce="{{ csp_nonce() }}">``."""
    if "dongchang_csp_nonce" not in flask.g:
        flask.g.dongchang_csp_nonce = secrets.token_urlsafe(18)
    return flask.g.dongchang_csp_nonce


def content_security_policy() -> str:
    policy = tk.config.get(POLICY_OPTION) or ""
    return " ".join(policy.split()).replace("{nonce}", csp_nonce()) if policy else ""


@headers_blueprint.app_context_processor
def template_nonce() -> dict[str, object]:
    return {"csp_nonce": csp_nonce}


@headers_blueprint.after_app_request
def add_security_headers(response: flask.Response) -> flask.Response:
    policy = content_security_policy()
    if policy:
        response.headers.setdefault("Content-Security-Policy", policy)
    for name, value in FIXED_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
