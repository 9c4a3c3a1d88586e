"""API of the portal: ``dongchang_portal_figures`` (the home page's figures)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.dongchang.portal import service

__all__ = ["dongchang_portal_figures"]


@tk.side_effect_free
def dongchang_portal_figures(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The district catalog in figures, the same for every visitor (what the public sees).

    :returns: ``{"entries": published entries, "entries_open": on the unconditional open
        list, "entries_conditional": on the conditional open list, "departments": departments
        with published entries, "requests": {"decided", "on_time", "ratio"} (access requests
        decided, and decided by their due date), "latest": the five newest entries
        [{"name", "title", "department", "metadata_modified"}]}``
    """
    tk.check_access("dongchang_portal_figures", context, data_dict)
    return service.figures()
