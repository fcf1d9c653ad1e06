"""The `westsuffolk` CKAN plugin: declares interfaces and delegates to small modules."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import compression, datagovuk, datastore_fixes, facets, preview, read_cache, settings_check, solr_connections
from . import config as westsuffolk_config
from .validation import hooks, store


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.validators
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
class WestSuffolkPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IDomainObjectModification, inherit=True)
    p.implements(p.ITranslation)

    # IConfigurer
    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
        tk.add_resource("assets", "westsuffolk")
        # Declarations are applied before IConfigurer runs, so the declared default is here.
        config_["ckan.site_title"] = config_["ckanext.westsuffolk.site_title"]
        datastore_fixes.apply()
        solr_connections.apply()
        settings_check.apply()

    # IResourceController
    def before_resource_create(self, context, resource):
        datagovuk.strip_echoed_resource_fields(resource)
        hooks.before_write(context, resource)

    def after_resource_create(self, context, resource):
        hooks.after_write(context, resource)

    def before_resource_update(self, context, current, resource):
        datagovuk.strip_echoed_resource_fields(resource)
        hooks.before_write(context, resource)

    def after_resource_update(self, context, resource):
        hooks.after_write(context, resource, changed=False)
        preview.ensure_table_view(context, resource)  # datastore_create marks the resource active

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

    def before_dataset_index(self, pkg_dict):
        read_cache.bump()
        return facets.index_fields(pkg_dict)

    # IDomainObjectModification: a purge leaves the index without indexing anything
    def notify(self, entity, operation):
        if operation == "deleted":
            read_cache.bump()

    def after_dataset_search(self, search_results, search_params):
        return facets.label_facets(search_results)

    # IFacets: the council's own fields, on dataset search and service area pages
    def dataset_facets(self, facets_dict, package_type):
        return facets.facet_titles(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        facets_dict = facets.facet_titles(facets_dict)
        facets_dict.pop(facets.SERVICE_AREA, None)  # the page is one service area already
        return facets_dict

    # IMiddleware
    def make_middleware(self, app, config):
        return compression.compress(read_cache.install(app), westsuffolk_config.compress_responses())
