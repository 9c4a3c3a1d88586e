"""All auth functions of ckanext-dongchang (collected for ``@tk.blanket.auth_functions``).
Each has the name of the action it guards."""
from ckanext.dongchang.logic.auth import (
    access_request,
    catalog,
    collaborators,
    department,
    evaluation,
    open_list,
    product,
    tender,
)
from ckanext.dongchang.logic.auth.access_request import *  # noqa: F403
from ckanext.dongchang.logic.auth.catalog import *  # noqa: F403
from ckanext.dongchang.logic.auth.collaborators import *  # noqa: F403
from ckanext.dongchang.logic.auth.department import *  # noqa: F403
from ckanext.dongchang.logic.auth.evaluation import *  # noqa: F403
from ckanext.dongchang.logic.auth.open_list import *  # noqa: F403
from ckanext.dongchang.logic.auth.product import *  # noqa: F403
from ckanext.dongchang.logic.auth.tender import *  # noqa: F403

__all__ = [
    *access_request.__all__, *catalog.__all__, *open_list.__all__, *tender.__all__,
    *product.__all__, *evaluation.__all__, *department.__all__,
    *collaborators.__all__,
]
