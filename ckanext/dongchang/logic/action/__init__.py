"""All actions of ckanext-dongchang (collected here for ``@tk.blanket.actions``)."""
from ckanext.dongchang.logic.action import (
    access_request,
    audit,
    catalog,
    core,
    dcat_feed,
    evaluation,
    existence,
    open_list,
    product,
    tender,
)
from ckanext.dongchang.logic.action.access_request import *  # noqa: F403
from ckanext.dongchang.logic.action.audit import *  # noqa: F403
from ckanext.dongchang.logic.action.catalog import *  # noqa: F403
from ckanext.dongchang.logic.action.core import *  # noqa: F403
from ckanext.dongchang.logic.action.dcat_feed import *  # noqa: F403
from ckanext.dongchang.logic.action.evaluation import *  # noqa: F403
from ckanext.dongchang.logic.action.existence import *  # noqa: F403
from ckanext.dongchang.logic.action.open_list import *  # noqa: F403
from ckanext.dongchang.logic.action.product import *  # noqa: F403
from ckanext.dongchang.logic.action.tender import *  # noqa: F403

__all__ = [
    *core.__all__, *access_request.__all__, *audit.__all__, *catalog.__all__,
    *open_list.__all__, *tender.__all__, *product.__all__, *evaluation.__all__,
    *dcat_feed.__all__, *existence.__all__,
]
