"""Every state-changing request of a cookie session needs the CSRF token, always (issue 14, item 5).

CKAN 2.12 turns CSRF protection off for requests without a session login (an API token in the
``Authorization`` header, or no login at all) by calling ``csrf.exempt(view)`` in
``ckan_before_request``. That exemption is not per request: Flask-WTF keeps it in a set of
the process-wide ``CSRFProtect`` object, so after one such request the view stays exempt for
the life of the worker, and from then on a browser's cookie-authenticated POST to the same
view (the Bureau's publish form, a department's decision forms, ``/api/3/action/*``) is
accepted without a token — a cross-site request forgery.

Here the check is made per request instead: this hook runs after CKAN's own before-request
hook (which tells us how this request authenticated) and before Flask-WTF's, and validates
the token itself whenever the request is not one CKAN meant to exempt. Requests carrying an
API token, or no login at all, stay exempt as CKAN intends (a forged cross-site request can
carry neither a header nor someone else's credentials). Flask-WTF's ``protect()`` is its
public API for exactly this ("combine a custom before_request hook").
"""
from __future__ import annotations

import flask

csrf_blueprint = flask.Blueprint("dongchang_csrf", __name__)


def authenticated_without_session() -> bool:
    """True when CKAN identified this request by an API token header, or it has no login.

    CKAN's user loaders set ``g.login_via_auth_header`` for exactly these requests (the name is
    CKAN's: it is set for anonymous requests too); ``identify_user`` has run them already.
    """
    return bool(flask.g.get("login_via_auth_header"))


@csrf_blueprint.before_app_request
def require_csrf_token_for_sessions() -> None:
    """Validate the token of a session's POST/PUT/PATCH/DELETE, whatever CKAN exempted before.

    A missing or wrong token raises Flask-WTF's ``CSRFError`` (a 400), before the view runs.
    """
    if not flask.current_app.config.get("WTF_CSRF_ENABLED", True):
        return None
    if authenticated_without_session():
        return None
    # CKAN's CSRFProtect (flask_app.csrf), as Flask-WTF registers it on the app.
    flask.current_app.extensions["csrf"].protect()  # GET, HEAD, OPTIONS pass
    return None
