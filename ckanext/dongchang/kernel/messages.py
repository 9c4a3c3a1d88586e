"""User-facing messages of the policy layer.

Policy code returns English msgids; the CKAN layer translates them at display time (``tk._``),
so the rules stay free of CKAN and of any request's locale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction (``keywords = N_`` in setup.cfg); translate later."""
    return msgid


class Message(str):
    """A msgid that carries the values of its ``%(name)s`` placeholders.

    It compares and serialises as the untranslated msgid, so callers that only show or test
    the text keep working; :func:`render` translates it first and fills the placeholders
    after, which is the only order that lets translators see the msgid.
    """

    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        message = super().__new__(cls, msgid)
        message.params = params
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (str(self), self.params))


def _rebuild(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


class Term(str):
    """A placeholder value that is itself a msgid (a class or grade name): :func:`render`
    translates it too, so "%(grade)s data" reads 核心数据, not Core数据, in Chinese."""


def render(message: str, translate: Callable[[str], str] = N_) -> str:
    """Translate ``message`` and fill its placeholders (if it is a :class:`Message`)."""
    text = translate(str(message))
    params = getattr(message, "params", None)
    if not params:
        return text
    return text % {name: translate(str(value)) if isinstance(value, Term) else value
                   for name, value in params.items()}
