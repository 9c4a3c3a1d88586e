"""Chaining CKAN's own actions and auth functions, written once (issue 15: each fact once).

Several domains wrap a core action or auth function the same way: a read that filters what
core answers, an auth function that refuses first and lets CKAN judge the rest, a factory that
builds one chain per name. These are the pieces they share.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.dongchang.kernel.messages import N_

Function = TypeVar("Function", bound=Callable[..., Any])


def chained_read(action: Function) -> Function:
    """A chained core action that only reads: CKAN passes it the action it wraps first
    (``chained_action``), and the API answers it on a GET (``side_effect_free``)."""
    return tk.chained_action(tk.side_effect_free(action))


def named(function: Function, name: str, doc: str | None = None) -> Function:
    """A function a factory built, under the action or auth name CKAN registers it by (CKAN
    chains by ``__name__``)."""
    function.__name__ = name
    if doc is not None:
        function.__doc__ = doc
    return function


def refusing_first(name: str,
                   refusal: Callable[[Context, DataDict | None], AuthResult | None]
                   ) -> AuthFunction:
    """The chained auth function ``name``: ``refusal`` answers first (a refusal, or None when
    it has nothing to say), then CKAN's own auth function judges as before."""
    @tk.chained_auth_function
    def auth(next_auth: AuthFunction, context: Context,
             data_dict: DataDict | None = None) -> AuthResult:
        return refusal(context, data_dict) or next_auth(context, data_dict)

    return named(auth, name)


# Validation messages CKAN raises without passing them through gettext (its uploader), so the
# Chinese site answered them in English: each pattern CKAN formats, and the msgid that says the
# same in our catalogs with the varying part as a named placeholder.
UNTRANSLATED_CORE_MESSAGES = (
    (re.compile(r"File upload too large"), N_("File upload too large")),
    (re.compile(r"Unsupported upload type: (?P<type>.*)"),
     N_("Unsupported upload type: %(type)s")),
    (re.compile(r"No uploads allowed for object type (?P<kind>.*)"),
     N_("No uploads allowed for object type %(kind)s")),
    (re.compile(r"Invalid storage (?P<what>path|directory)"), N_("Invalid storage location")),
)


def translated_core_message(message: str) -> str:
    """``message`` in the reader's language: a known untranslated core message through its
    msgid, any other through gettext (which returns a text it has no entry for as it is, so
    messages CKAN already translated pass through unchanged)."""
    for pattern, msgid in UNTRANSLATED_CORE_MESSAGES:
        found = pattern.fullmatch(message)
        if found:
            return tk._(msgid) % found.groupdict() if found.groupdict() else tk._(msgid)
    return tk._(message)


@contextmanager
def core_messages_translated() -> Iterator[None]:
    """Re-raise a core action's ``ValidationError`` with every message in the reader's
    language (``translated_core_message``)."""
    try:
        yield
    except tk.ValidationError as error:
        error.error_dict = {
            field: ([translated_core_message(message) if isinstance(message, str) else message
                     for message in messages] if isinstance(messages, list) else messages)
            for field, messages in (error.error_dict or {}).items()}
        raise


def translating_core_messages(name: str) -> Callable[..., Any]:
    """The chained core action ``name`` that only translates its validation messages (actions
    that take an image upload: departments, groups, users)."""
    @tk.chained_action
    def action(up_func: Callable[..., Any], context: Context, data_dict: DataDict) -> Any:
        with core_messages_translated():
            return up_func(context, data_dict)

    return named(action, name, translating_core_messages.__doc__)
