"""The `westsuffolk` CKAN plugin: declares interfaces and delegates to small modules."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk



@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.validators
class WestSuffolkPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer
    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
        tk.add_public_directory(config_, "public")
        tk.add_resource("assets", "westsuffolk")
        # Declarations are applied before IConfigurer runs, so the declared default is here.
        config_["ckan.site_title"] = config_["ckanext.westsuffolk.site_title"]
