"""Auth of tenders (F-6): reading is public, the Bureau decides. Same names as the actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.dongchang.access import audience

__all__ = [
    "dongchang_tender_create", "dongchang_tender_show", "dongchang_tender_list",
    "dongchang_tender_update", "dongchang_tender_award", "dongchang_tender_cancel",
]


@tk.auth_allow_anonymous_access
def dongchang_tender_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Tender notices and awards are public: commercial use is allocated in open competition."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def dongchang_tender_list(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def _bureau(context: Context, data_dict: DataDict) -> AuthResult:
    if audience.is_bureau(context):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the Big Data Bureau announces, changes, awards and cancels"
                        " tenders.")}


dongchang_tender_create = _bureau
dongchang_tender_update = _bureau
dongchang_tender_award = _bureau
dongchang_tender_cancel = _bureau
