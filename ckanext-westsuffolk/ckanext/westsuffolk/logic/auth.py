"""Auth functions (registered through tk.blanket.auth_functions)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = [
    "westsuffolk_personal_data_allow",
    "westsuffolk_personal_data_allow_revoke",
    "westsuffolk_personal_data_allowed_list",
    "westsuffolk_resource_validation_run",
    "westsuffolk_resource_validation_show",
    "westsuffolk_ward_compare",
    "westsuffolk_transparency_status",
]


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


def westsuffolk_personal_data_allow(context, data_dict):
    """Sysadmins only (they pass every auth function): allowing personal-looking values is the data
    protection officer's decision."""
    return {"success": False, "msg": "Only the data protection officer (a sysadmin) can allow values."}


def westsuffolk_personal_data_allow_revoke(context, data_dict):
    return {"success": False, "msg": "Only the data protection officer (a sysadmin) can revoke allowed values."}


@tk.auth_allow_anonymous_access
def westsuffolk_personal_data_allowed_list(context, data_dict):
    """Anyone: the allowed values are published values (the action hides who allowed them, and the
    revoked history, from everyone but sysadmins). The publish jobs read it, with or without a token."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def westsuffolk_ward_compare(context, data_dict):
    """Anyone: a comparison uses public data only, the same for everyone."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def westsuffolk_transparency_status(context, data_dict):
    """Anyone: it is worked out from public datasets only."""
    return {"success": True}
