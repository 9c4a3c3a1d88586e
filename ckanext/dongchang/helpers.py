"""Template helpers (registered by ``@tk.blanket.helpers``)."""
from __future__ import annotations

from typing import Any

from ckanext.scheming.helpers import scheming_language_text

__all__ = ["dongchang_form_section"]


def dongchang_form_section(field: dict[str, Any]) -> str:
    """The heading of the form section a schema field opens, in the user's language, or ''."""
    section = field.get("form_section")
    return scheming_language_text(section) if section else ""
