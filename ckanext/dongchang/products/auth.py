"""Auth of data products (F-7). Same names as the actions."""
from __future__ import annotations

from ckanext.dongchang.access import audience
from ckanext.dongchang.kernel.auth import anyone, registered_users
from ckanext.dongchang.kernel.messages import N_
from ckanext.dongchang.products import actions

# One auth function per action, under its name.
__all__ = actions.__all__


# Any registered user: the registrant must be known (their grants back the sources).
dongchang_product_register = registered_users(N_("Log in to register a data product."))


dongchang_product_proposed_source = dongchang_product_register


# Product records are public; the citation action still applies ``package_show`` to the
# product and cites hidden sources without their details.
dongchang_product_citation = anyone
dongchang_product_list = anyone

dongchang_utilisation = audience.bureau_only(
    N_("Only the Big Data Bureau tracks the utilisation of granted data."))
