"""Auth functions (registered through tk.blanket.auth_functions)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["westsuffolk_resource_validation_show", "westsuffolk_resource_validation_run"]


@tk.auth_allow_anonymous_access
def westsuffolk_resource_validation_show(context, data_dict):
    """Anyone who can see the resource can read its report."""
    return tk.check_access("resource_show", context, data_dict) and {"success": True}


def westsuffolk_resource_validation_run(context, data_dict):
    """Editors of the owning organisation (anyone who may update the resource) and sysadmins."""
    try:
        tk.check_access("resource_update", context, data_dict)
    except tk.NotAuthorized:
        return {"success": False, "msg": "Only officers of the owning service area can run validation."}
    return {"success": True}
