"""All validators of ckanext-dongchang (collected here for ``@tk.blanket.validators``)."""
from ckanext.dongchang.logic.validators import catalog, product
from ckanext.dongchang.logic.validators.catalog import *  # noqa: F403
from ckanext.dongchang.logic.validators.product import *  # noqa: F403

__all__ = [*catalog.__all__, *product.__all__]
