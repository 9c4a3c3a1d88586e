"""The ``dongchang`` plugin: wiring only. Every behaviour lives in a module of its own."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation

from ckanext.dongchang import indexing


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.cli
class DongchangPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer
    def update_config(self, config: CKANConfig):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "dongchang")

    # IPackageController
    def before_dataset_index(self, pkg_dict):
        return indexing.before_dataset_index(pkg_dict)

    def before_dataset_search(self, search_params):
        return indexing.before_dataset_search(search_params)
