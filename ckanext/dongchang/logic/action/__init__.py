"""All actions of ckanext-dongchang (collected here for ``@tk.blanket.actions``)."""
from ckanext.dongchang.logic.action import access_request, audit, core
from ckanext.dongchang.logic.action.access_request import *  # noqa: F403
from ckanext.dongchang.logic.action.audit import *  # noqa: F403
from ckanext.dongchang.logic.action.core import *  # noqa: F403

__all__ = [*core.__all__, *access_request.__all__, *audit.__all__]
