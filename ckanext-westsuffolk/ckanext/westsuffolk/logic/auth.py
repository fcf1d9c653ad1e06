"""Auth functions (registered through tk.blanket.auth_functions)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import authz

__all__ = [
    "member_create",
    "member_delete",
    "package_collaborator_list",
    "package_show",
    "westsuffolk_personal_data_allow",
    "westsuffolk_personal_data_allow_revoke",
    "westsuffolk_personal_data_allowed_list",
    "westsuffolk_resource_validation_run",
    "westsuffolk_resource_validation_show",
    "westsuffolk_transparency_status",
    "westsuffolk_ward_compare",
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


def _dataset_in_own_area(context, data_dict) -> dict | None:
    """For a dataset put into (or taken out of) a group: refused unless the user may edit the dataset.
    CKAN lets any member of a group add any dataset, another service area's (even private) included."""
    if data_dict.get("object_type") != "package" or not data_dict.get("object"):
        return None
    try:
        tk.check_access("package_update", dict(context), {"id": data_dict["object"]})
    except tk.NotAuthorized:
        return {"success": False, "msg": "Only officers of the dataset's own service area can change its groups."}
    except tk.ObjectNotFound:
        return {"success": False, "msg": "Dataset not found."}
    return None


@tk.chained_auth_function
def member_create(next_auth, context, data_dict):
    return _dataset_in_own_area(context, data_dict) or next_auth(context, data_dict)


@tk.chained_auth_function
def member_delete(next_auth, context, data_dict):
    return _dataset_in_own_area(context, data_dict) or next_auth(context, data_dict)


@tk.chained_auth_function
def package_collaborator_list(next_auth, context, data_dict):
    """Anonymous visitors are refused (CKAN's own check asserts a logged-in user: a 500, not a 403)."""
    if authz.auth_is_anon_user(context):
        return {"success": False, "msg": "Log in to see who may edit a dataset."}
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth, context, data_dict):
    """A refusal says nothing of the dataset: CKAN's message gives a private dataset's id to whoever asks
    for it by name."""
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return {"success": False, "msg": "You are not allowed to read this dataset."}
    return result
