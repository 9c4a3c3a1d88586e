"""The two answers of every auth function, written once."""
from __future__ import annotations

from ckan.types import AuthResult


def allowed() -> AuthResult:
    return {"success": True}


def refused(message: str) -> AuthResult:
    """Refused, saying why (a translated message: the caller sees it in the 403)."""
    return {"success": False, "msg": message}
