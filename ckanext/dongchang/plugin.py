"""The ``dongchang`` plugin: wiring only. Every behaviour lives in a module of its own."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation

from ckanext.dongchang import config as dc_config
from ckanext.dongchang import registry
from ckanext.dongchang.access import enforcement, indexed_version, indexing
from ckanext.dongchang.catalog import service as catalog_service
from ckanext.dongchang.dcat import cache as dcat_cache
from ckanext.dongchang.delivery import upstream
from ckanext.dongchang.oversight import evaluation
from ckanext.dongchang.portal import facets


@tk.blanket.config_declarations
@tk.blanket.actions(registry.actions)
@tk.blanket.auth_functions(registry.auth_functions)
@tk.blanket.validators(registry.validators)
@tk.blanket.helpers
@tk.blanket.cli
@tk.blanket.blueprints(registry.blueprints)
class DongchangPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.ISignal)
    p.implements(p.IFacets, inherit=True)

    # IConfigurer
    def update_config(self, config: CKANConfig):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "dongchang")

    # IConfigurable
    def configure(self, config: CKANConfig):
        evaluation.check_configuration(config)
        dc_config.check_configuration(config)

    # IPackageController
    def before_dataset_index(self, pkg_dict):
        return indexing.before_dataset_index(pkg_dict)

    def before_dataset_search(self, search_params):
        return indexing.before_dataset_search(search_params)

    def after_dataset_search(self, search_results, search_params):
        return facets.label_values(search_results)

    def after_dataset_show(self, context, pkg_dict):
        indexed_version.keep(context, pkg_dict)
        enforcement.strip_dataset(context, pkg_dict)

    def after_dataset_create(self, context, pkg_dict):
        dcat_cache.bump_after_commit()

    def after_dataset_update(self, context, pkg_dict):
        catalog_service.record_resubmission(context, pkg_dict)
        enforcement.refresh_activity_labels(pkg_dict["id"])
        dcat_cache.bump_after_commit()

    def after_dataset_delete(self, context, pkg_dict):
        enforcement.refresh_activity_labels(pkg_dict["id"], deleting=True)
        dcat_cache.bump_after_commit()

    # IResourceController (issue 16 item 3: an upstream file's url is the portal's route)
    def before_resource_show(self, resource_dict):
        upstream.show_as_portal_route(resource_dict)
        return resource_dict

    # IPermissionLabels
    def get_dataset_labels(self, dataset_obj):
        return enforcement.dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        return enforcement.user_labels(user_obj)

    # IFacets (issue 17 item 11)
    def dataset_facets(self, facets_dict, package_type):
        return facets.dataset_facets(facets_dict, package_type)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return facets.organization_facets(facets_dict, organization_type, package_type)

    # ISignal
    def get_signal_subscriptions(self):
        return registry.signal_subscriptions()
