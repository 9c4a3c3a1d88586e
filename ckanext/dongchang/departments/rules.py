"""Which organisations are departments, and who may say so (Art. 3, 6, 7; F-1).

A department (政务部门) is an organisation the District Big Data Bureau created or recognised:
its ``is_department`` flag is ``"true"``. Membership of any other organisation — one a
registered user made for themselves — makes nobody a government user.

Only the Bureau (a sysadmin, or an admin of the Bureau's organisation) sets or changes the
flag. What the Bureau creates is a department unless it says otherwise; what anyone else
creates is not. Anyone else who sends the flag must send the value it already has: a different
value is refused on the field (not dropped silently), so an API client learns that the change
did not happen and why.
"""
from __future__ import annotations

from collections.abc import Mapping

from ckanext.dongchang.kernel.messages import N_, Message

FLAG = "is_department"
YES = "true"
NO = "false"


def is_department(extras: Mapping[str, object] | None) -> bool:
    """Whether an organisation's extras mark it as a recognised department."""
    return (extras or {}).get(FLAG) == YES


def department_flag(requested: str | None, stored: str | None, creating: bool,
                    actor_is_bureau: bool) -> tuple[str, Message | None]:
    """The flag to save, and the error when the actor may not set the value asked for.

    ``requested`` is ``"true"``, ``"false"`` or ``None`` (not sent); ``stored`` is the value
    the organisation has (``None`` when creating or never set).
    """
    if creating:
        current = YES if actor_is_bureau else NO
    else:
        current = stored if stored in (YES, NO) else NO
    if requested is None or requested == current:
        return current, None
    if actor_is_bureau:
        return requested, None
    return current, Message(N_("Only the District Big Data Bureau can recognise an"
                               " organisation as a department."))
