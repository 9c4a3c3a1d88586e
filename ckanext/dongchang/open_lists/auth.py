"""Auth of the open lists (Art. 23): published lists are for everyone."""
from __future__ import annotations

from ckanext.dongchang.kernel.auth import anyone

__all__ = ["dongchang_open_list"]


# Anyone, logged in or not: the lists only contain what the public may already see.
dongchang_open_list = anyone
