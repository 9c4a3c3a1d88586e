"""One guard for malformed input, before any view or action sees it (issue 14, item 9).

CKAN core, ckanext-dcat and our own code each answered some malformed requests with a 500:
a NUL character reaches PostgreSQL (which refuses it), ``1e999`` becomes ``inf``, deeply
nested JSON exhausts Python's recursion, invalid UTF-8 breaks the decoder. Rather than fifty
special cases, every request is checked here once: the body's size, its encoding, JSON depth,
NUL characters in the path, query string, form and JSON, and numbers that are not finite or
too large for any column. A refusal is a 400 (413 for size) in the API's JSON error shape
under ``/api/``, naming the field at fault, and a plain-text 400 elsewhere.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk
import flask

from ckanext.dongchang.security import api_parameters

input_guard_blueprint = flask.Blueprint("dongchang_input_guard", __name__)

MAX_JSON_DEPTH = 32
# Beyond 2**53 a JSON number is no longer exact in browsers, and far beyond any count, page or
# size this site stores; PostgreSQL's bigint ends at 2**63.
MAX_NUMBER = 2**53
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_BODY_FIELD = "__body"


class Refusal(Exception):
    """A malformed request: the field at fault, the message, the HTTP status."""

    def __init__(self, field: str, message: str, status: int = 400,
                 errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message, self.status = message, status
        self.errors = errors or {field: [message]}


@input_guard_blueprint.before_app_request
def refuse_malformed_input() -> flask.Response | None:
    try:
        check_request(flask.request)
    except Refusal as refusal:
        return _response(refusal)
    return None


def check_request(request: flask.Request) -> None:
    """Raise ``Refusal`` for the first problem found in ``request``."""
    if "\x00" in request.path:
        raise Refusal("url", _nul_message())
    _check_pairs(request.args.items(multi=True))
    data: Any = _as_dict(request.args)
    _check_paging_arguments(data)
    if request.method in ("POST", "PUT", "PATCH"):
        _check_size(request)
        if request.mimetype in _FORM_TYPES:
            _check_pairs(request.form.items(multi=True))
            data = _check_form_json(request) or _as_dict(request.form)
        elif request.mimetype == "application/json" or request.path.startswith("/api/"):
            raw = request.get_data(cache=True)
            if raw.strip():
                data = check_json_body(raw)
    if request.path.startswith("/api/") and "/action/" in request.path \
            and isinstance(data, dict):
        _check_action_parameters(data)


def _as_dict(pairs: Any) -> dict[str, Any]:
    """Parameters as CKAN's API reads them: one value, or a list when repeated."""
    return {key: values[0] if len(values) == 1 else values
            for key, values in pairs.to_dict(flat=False).items()}


def _check_paging_arguments(arguments: dict[str, Any]) -> None:
    """``?page=`` and its kin on every page (CKAN's lists, ckanext-dcat's catalog feeds)."""
    errors = api_parameters.errors({key: value for key, value in arguments.items()
                                    if key in api_parameters.WHOLE_NUMBER})
    if errors:
        field, messages = next(iter(errors.items()))
        raise Refusal(field, messages[0], errors=errors)


def _check_action_parameters(data: dict[str, Any]) -> None:
    errors = api_parameters.errors(data)
    if errors:
        field, messages = next(iter(errors.items()))
        raise Refusal(field, messages[0], errors=errors)


def _check_size(request: flask.Request) -> None:
    """Uploads have CKAN's own limit (``ckan.max_resource_size``); other bodies have ours."""
    limit = tk.config.get("ckanext.dongchang.max_request_body_kb") * 1024
    if request.mimetype != "multipart/form-data" and (request.content_length or 0) > limit:
        raise Refusal(_BODY_FIELD, tk._(
            "The request is too large: at most %(limit)s KB.") % {"limit": limit // 1024}, 413)


def _check_pairs(pairs: Iterator[tuple[str, Any]]) -> None:
    for key, value in pairs:
        if "\x00" in key or (isinstance(value, str) and "\x00" in value):
            raise Refusal(key.replace("\x00", "") or _BODY_FIELD, _nul_message())


def _check_form_json(request: flask.Request) -> Any:
    """CKAN's API also reads a form whose only key is a JSON document (value ``1`` or empty)."""
    if request.path.startswith("/api/") and len(request.form) == 1:
        key, value = next(iter(request.form.items()))
        if value in ("1", "") and key.lstrip().startswith(("{", "[")):
            return check_json_body(key.encode("utf-8"))
    return None


def check_json_body(raw: bytes) -> Any:
    """The parsed document, or ``Refusal`` naming the top-level field at fault."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(_BODY_FIELD, tk._("The request is not valid UTF-8 text.")) from None
    try:
        document = json.loads(text, parse_constant=float)
    except RecursionError:
        raise Refusal(_BODY_FIELD, _depth_message()) from None
    except ValueError:
        raise Refusal(_BODY_FIELD, tk._("The request is not valid JSON.")) from None
    _check_document(document)
    return document


def _check_document(document: Any) -> None:
    """Walk the document without recursion: depth, NUL characters, numbers."""
    stack: list[tuple[Any, str, int]] = [(document, _BODY_FIELD, 0)]
    while stack:
        value, field, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Refusal(field, _depth_message())
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise Refusal(key.replace("\x00", "") or _BODY_FIELD, _nul_message())
                stack.append((item, key if depth == 0 else field, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, field, depth + 1) for item in value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise Refusal(field, _nul_message())
        elif (isinstance(value, (int, float)) and not isinstance(value, bool)
              and (not math.isfinite(value) or abs(value) > MAX_NUMBER)):
            raise Refusal(field, tk._(
                "Give a finite number between -%(limit)s and %(limit)s.")
                % {"limit": MAX_NUMBER})


def _api_status(refusal: Refusal) -> int:
    """A bad value of a named field is a validation error, 409 as CKAN's own API answers one;
    a body that cannot be read at all (encoding, JSON, depth, size) stays 400/413."""
    named = set(refusal.errors) - {_BODY_FIELD, "url"}
    return 409 if refusal.status == 400 and named else refusal.status


def _nul_message() -> str:
    return tk._("Text must not contain the NUL character.")


def _depth_message() -> str:
    return tk._("The request is nested too deeply: at most %(depth)s levels.") % {
        "depth": MAX_JSON_DEPTH}


def _response(refusal: Refusal) -> flask.Response:
    if flask.request.path.startswith("/api/"):
        body = {"help": flask.request.base_url, "success": False,
                "error": {"__type": "Validation Error", "message": refusal.message,
                          **refusal.errors}}
        return flask.Response(json.dumps(body), _api_status(refusal),
                              mimetype="application/json")
    return flask.Response(refusal.message, refusal.status, mimetype="text/plain")
