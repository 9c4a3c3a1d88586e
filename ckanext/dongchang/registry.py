"""What the domain packages give CKAN, listed once: the plugin's blankets read these lists.

Each domain keeps its actions, auth functions, validators and pages in its own package; adding
one means adding its module here (and, for a module of a new kind, nothing else).
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.dongchang.access import activity, chained, enforcement, existence
from ckanext.dongchang.access import auth as access_auth
from ckanext.dongchang.catalog import actions as catalog_actions
from ckanext.dongchang.catalog import auth as catalog_auth
from ckanext.dongchang.catalog import merge_actions, merge_auth, merge_views, merges
from ckanext.dongchang.catalog import pickers as entry_pickers
from ckanext.dongchang.catalog import validators as catalog_validators
from ckanext.dongchang.catalog import views as catalog_views
from ckanext.dongchang.dcat import actions as dcat_actions
from ckanext.dongchang.dcat import cache as dcat_cache
from ckanext.dongchang.dcat import share_catalog
from ckanext.dongchang.dcat import views as dcat_views
from ckanext.dongchang.delivery import actions as delivery_actions
from ckanext.dongchang.delivery import auth as delivery_auth
from ckanext.dongchang.delivery import datastore as delivery_datastore
from ckanext.dongchang.delivery import service as delivery_service
from ckanext.dongchang.delivery import upstream as delivery_upstream
from ckanext.dongchang.delivery import views as delivery_views
from ckanext.dongchang.departments import auth as department_auth
from ckanext.dongchang.departments import validators as department_validators
from ckanext.dongchang.open_lists import actions as open_list_actions
from ckanext.dongchang.open_lists import auth as open_list_auth
from ckanext.dongchang.open_lists import views as open_list_views
from ckanext.dongchang.oversight import actions as oversight_actions
from ckanext.dongchang.oversight import audit as audit_actions
from ckanext.dongchang.oversight import auth as oversight_auth
from ckanext.dongchang.oversight import views as oversight_views
from ckanext.dongchang.portal import actions as portal_actions
from ckanext.dongchang.portal import auth as portal_auth
from ckanext.dongchang.portal import views as portal_views
from ckanext.dongchang.products import actions as product_actions
from ckanext.dongchang.products import auth as product_auth
from ckanext.dongchang.products import validators as product_validators
from ckanext.dongchang.products import views as product_views
from ckanext.dongchang.requests import actions as request_actions
from ckanext.dongchang.requests import auth as request_auth
from ckanext.dongchang.requests import pickers as request_pickers
from ckanext.dongchang.requests import service as request_service
from ckanext.dongchang.requests import views as request_views
from ckanext.dongchang.security import csrf, headers, hidden_as_missing, input_guard, refusals
from ckanext.dongchang.tenders import actions as tender_actions
from ckanext.dongchang.tenders import auth as tender_auth
from ckanext.dongchang.tenders import service as tender_service
from ckanext.dongchang.tenders import views as tender_views
from ckanext.dongchang.workbench import actions as workbench_actions
from ckanext.dongchang.workbench import auth as workbench_auth
from ckanext.dongchang.workbench import views as workbench_views

ACTION_MODULES = (chained, existence, request_actions, audit_actions, catalog_actions,
                  open_list_actions, tender_actions, product_actions, oversight_actions,
                  dcat_actions, portal_actions, workbench_actions, delivery_actions,
                  merge_actions, entry_pickers, request_pickers)
AUTH_MODULES = (request_auth, catalog_auth, open_list_auth, tender_auth, product_auth,
                oversight_auth, department_auth, access_auth, portal_auth,
                workbench_auth, delivery_auth, merge_auth)
VALIDATOR_MODULES = (catalog_validators, department_validators, product_validators,
                     delivery_upstream)
# Order matters: the security blueprints' request hooks run in this order, after the pages'.
BLUEPRINTS = (activity.activity_blueprint, request_views.requests_blueprint,
              catalog_views.catalog_blueprint, merge_views.merges_blueprint,
              open_list_views.open_lists_blueprint,
              tender_views.tenders_blueprint, product_views.products_blueprint,
              oversight_views.evaluation_blueprint, workbench_views.workbench_blueprint,
              delivery_views.delivery_blueprint, portal_views.portal_blueprint,
              dcat_views.dcat_blueprint, share_catalog.share_catalog_blueprint,
              entry_pickers.pickers_blueprint, request_pickers.request_pickers_blueprint,
              input_guard.input_guard_blueprint,
              csrf.csrf_blueprint, headers.headers_blueprint, refusals.refusals_blueprint,
              hidden_as_missing.hidden_as_missing_blueprint,
              # after the guards: serves an upstream file's download (issue 16 item 3)
              delivery_upstream.upstream_blueprint,
              # last: answers from the DCAT cache only once every guard above let it through
              dcat_cache.dcat_cache_blueprint)

# One domain tells another through a signal instead of importing it (dependencies run one way).
SIGNAL_SUBSCRIPTIONS = {tender_service.tender_ended: [request_service.end_tender_grants],
                        tk.signals.action_succeeded: [dcat_cache.on_action_succeeded,
                                                      merges.on_review],
                        enforcement.gated_file_served: [delivery_service.note_served]}


def _exported(modules: tuple[ModuleType, ...]) -> dict[str, Any]:
    """Every name the modules list in ``__all__``; a name given twice is a mistake."""
    members: dict[str, Any] = {}
    for module in modules:
        for name in module.__all__:
            if name in members:
                raise RuntimeError(f"{name} is exported by two modules")
            members[name] = getattr(module, name)
    return members


def actions() -> dict[str, Any]:
    # the DataStore's chains exist only with the datastore plugin (issue 16 item 4)
    return _exported(ACTION_MODULES) | delivery_datastore.actions()


def auth_functions() -> dict[str, Any]:
    return _exported(AUTH_MODULES) | delivery_datastore.auth_functions()


def validators() -> dict[str, Any]:
    return _exported(VALIDATOR_MODULES)


def blueprints() -> list[Any]:
    return list(BLUEPRINTS)


def signal_subscriptions() -> dict[Any, list[Any]]:
    return {signal: list(listeners) for signal, listeners in SIGNAL_SUBSCRIPTIONS.items()}
