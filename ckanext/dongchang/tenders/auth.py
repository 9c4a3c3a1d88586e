"""Auth of tenders (F-6): reading is public, the Bureau decides. Same names as the actions."""
from __future__ import annotations

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel.auth import anyone
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.tenders import actions

# One auth function per action, under its name.
__all__ = actions.__all__


# Tender notices and awards are public: commercial use is allocated in open competition.
dongchang_tender_show = anyone
dongchang_tender_list = anyone

_bureau = audience.bureau_only(N_("Only the Big Data Bureau announces, changes, awards and"
                                  " cancels tenders."))


dongchang_tender_create = _bureau
dongchang_tender_update = _bureau
dongchang_tender_award = _bureau
dongchang_tender_cancel = _bureau
