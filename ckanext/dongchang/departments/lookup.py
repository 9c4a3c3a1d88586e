"""Finding a department from what a person typed or picked (issue 17 item 8).

A picker stores the department's URL name; someone typing may give the name, the id or the
title people know it by (区市场监督管理局). Each of them finds the same recognised department,
and a title two departments share finds both, so the caller can ask which one was meant.
"""
from __future__ import annotations

from ckan import model

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel import request_memo
from ckanext.dongchang.kernel.schema import typed_name

# What each typed value meant, kept for the rest of the web request: an entry names the same
# departments again and again (data items' sources, an import's rows, a page's titles).
_MEMO = "dongchang_departments_called"
request_memo.forget_on_write(_MEMO, tables=frozenset({"group", "member"}))


def departments_called(value: str) -> list[model.Group]:
    """The recognised departments ``value`` may mean: the one with that URL name or id, else
    every one with that title (spaces around ignored); [] if none."""
    value = typed_name(value)
    if not value:
        return []
    known = request_memo.kept(_MEMO)
    if value not in known:
        known[value] = _look_up(value)
    return list(known[value])


def _look_up(value: str) -> list[model.Group]:
    query = model.Session.query(model.Group).filter(audience.recognised_department())
    exact = query.filter((model.Group.name == value) | (model.Group.id == value)).all()
    if exact:
        return exact
    return query.filter(model.Group.title == value).order_by(model.Group.name).limit(5).all()


def department_title(name: object) -> str:
    """The title of the department a stored URL name (or id) refers to, for display; the value
    itself if it names no department any more."""
    if not isinstance(name, str) or not name.strip():
        return ""
    found = [group for group in departments_called(name)
             if group.name == name.strip() or group.id == name.strip()]
    return found[0].title or found[0].name if found else name
