"""Auth of the portal figures: public, like the home page that shows them."""
from __future__ import annotations

from ckanext.dongchang.kernel.auth import anyone

__all__ = ["dongchang_portal_figures"]


dongchang_portal_figures = anyone
