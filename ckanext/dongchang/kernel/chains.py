"""Chaining CKAN's own actions and auth functions, written once (issue 15: each fact once).

Several domains wrap a core action or auth function the same way: a read that filters what
core answers, an auth function that refuses first and lets CKAN judge the rest, a factory that
builds one chain per name. These are the pieces they share.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

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
