"""Mail to people, written once: bilingual text, sending through the outbox, who edits a department.

Every mail the extension sends is Chinese and then English, so it reads right whatever language
the recipient uses; it is queued in the outbox (``jobs.enqueue_mail``) and sent by a background
job, never in the web request.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ckan import model
from flask_babel import force_locale

from ckanext.dongchang import jobs

LOCALES = ("zh_Hans_CN", "en")
SUBJECT_SEPARATOR = " / "
BODY_SEPARATOR = "\n\n" + "-" * 40 + "\n\n"


def bilingual(render: Callable[[], str], separator: str = SUBJECT_SEPARATOR) -> str:
    """``render()`` in each of :data:`LOCALES`, joined (once where both read the same)."""
    parts = []
    for locale in LOCALES:
        with force_locale(locale):
            parts.append(render())
    return separator.join(dict.fromkeys(parts))


def send(users: Iterable[model.User | None], subject: Callable[[], str],
         body: Callable[[], str]) -> int:
    """Queue one bilingual mail to each user with an address; returns how many were queued.

    ``subject`` and ``body`` are rendered once per locale, so they call ``tk._`` inside."""
    sent = 0
    for user in users:
        if user is not None and user.email:
            jobs.enqueue_mail(user.display_name, user.email, bilingual(subject),
                              bilingual(body, BODY_SEPARATOR))
            sent += 1
    return sent


def digest(org_id: str | None, texts: Mapping[str, Callable[[], str]], facts: dict[str, Any],
           items: Callable[[], list[dict[str, Any]]]) -> int:
    """Queue one bilingual mail to each editor and admin of a department (:func:`editors_of`):
    ``texts``' ``subject`` and ``body`` with ``facts``, the body's ``%(lines)s`` one ``line``
    per item (``items()`` runs once per language, so the labels in them are translated).
    Returns how many were queued."""
    def subject() -> str:
        return texts["subject"]() % facts

    def body() -> str:
        lines = "\n".join(texts["line"]() % item for item in items())
        return texts["body"]() % dict(facts, lines=lines)

    return send(editors_of(org_id), subject, body)


def editors_of(org_id: str | None) -> list[model.User]:
    """The active editors and admins of a department: the people who act for it."""
    if not org_id:
        return []
    return (
        model.Session.query(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .filter(model.Member.group_id == org_id, model.Member.table_name == "user",
                model.Member.state == "active", model.Member.capacity.in_(("admin", "editor")),
                model.User.state == "active")
        .all()
    )
