"""The `westsuffolk` CKAN plugin: declares interfaces and delegates to small modules."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from . import datagovuk
from .validation import hooks, store


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.validators
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
class WestSuffolkPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer
    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
        tk.add_resource("assets", "westsuffolk")
        # Declarations are applied before IConfigurer runs, so the declared default is here.
        config_["ckan.site_title"] = config_["ckanext.westsuffolk.site_title"]

    # IResourceController
    def before_resource_create(self, context, resource):
        hooks.before_write(context, resource)

    def after_resource_create(self, context, resource):
        hooks.after_write(context, resource)

    def before_resource_update(self, context, current, resource):
        hooks.before_write(context, resource)

    def after_resource_update(self, context, resource):
        hooks.after_write(context, resource, changed=False)

    def before_resource_delete(self, context, resource, resources):
        store.delete(resource["id"])

    # IPackageController
    def after_dataset_create(self, context, pkg_dict):
        for resource in pkg_dict.get("resources", []):
            if resource.get("url") and resource.get("id"):
                hooks.after_write(context, resource, changed=False)

    def after_dataset_show(self, context, pkg_dict):
        hooks.show(pkg_dict)
        if not context.get("for_update"):
            datagovuk.add_extras(pkg_dict)
