"""All validators of ckanext-dongchang (collected here for ``@tk.blanket.validators``)."""
from ckanext.dongchang.logic.validators import catalog, department, product
from ckanext.dongchang.logic.validators.catalog import *  # noqa: F403
from ckanext.dongchang.logic.validators.department import *  # noqa: F403
from ckanext.dongchang.logic.validators.product import *  # noqa: F403

__all__ = [*catalog.__all__, *department.__all__, *product.__all__]
