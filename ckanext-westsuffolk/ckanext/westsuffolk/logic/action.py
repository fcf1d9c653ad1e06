"""Actions of the extension (registered through tk.blanket.actions)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import datagovuk, resource_validation as rv, validation_hooks, validation_store

__all__ = [
    "westsuffolk_resource_validation_show",
    "westsuffolk_resource_validation_run",
    "package_create",
    "package_update",
    "bulk_update_public",
]


@tk.side_effect_free
def westsuffolk_resource_validation_show(context, data_dict) -> dict[str, Any]:
    """The full validation report of a resource (anyone who can see the resource)."""
    resource_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("westsuffolk_resource_validation_show", context, {"id": resource_id})
    resource = tk.get_action("resource_show")(context, {"id": resource_id})
    if not resource.get("schema"):
        raise tk.ObjectNotFound("This resource does not name a table schema, so it is not validated.")
    record = validation_store.read(resource_id) or rv.pending_record(resource)
    return {"resource_id": resource_id, **record}


def westsuffolk_resource_validation_run(context, data_dict) -> dict[str, Any]:
    """Validate a resource again: now, or in the background with async=true."""
    resource_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("westsuffolk_resource_validation_run", context, {"id": resource_id})
    resource = tk.get_action("resource_show")(dict(context, ignore_auth=True), {"id": resource_id})
    if not resource.get("schema"):
        raise tk.ValidationError({"schema": ["Choose a table schema for this resource first."]})
    if tk.asbool(data_dict.get("async", False)):
        rv.enqueue(resource)
        return {"resource_id": resource_id, **validation_store.read(resource_id)}
    record = rv.validate_stored(resource)
    rv.reindex(resource["package_id"])
    return {"resource_id": resource_id, **record}


def _current(context, id_or_name: str | None) -> dict | None:
    if not id_or_name:
        return None
    try:
        return tk.get_action("package_show")(dict(context, ignore_auth=True), {"id": id_or_name})
    except tk.ObjectNotFound:
        return None


@tk.chained_action
def package_create(next_action, context, data_dict):
    datagovuk.strip_echoed_extras(data_dict)
    validation_hooks.check_can_go_public(context, data_dict, was_private=True)
    return next_action(context, data_dict)


@tk.chained_action
def package_update(next_action, context, data_dict):
    datagovuk.strip_echoed_extras(data_dict)
    current = context.get("original_package") or _current(context, data_dict.get("id") or data_dict.get("name"))
    was_private = tk.asbool(current["private"]) if current else True
    # without a "resources" key package_update keeps the stored resources: check those
    resulting = data_dict if "resources" in data_dict or not current else dict(
        data_dict, resources=current.get("resources", []))
    validation_hooks.check_can_go_public(context, resulting, was_private)
    return next_action(context, data_dict)


@tk.chained_action
def bulk_update_public(next_action, context, data_dict):
    for dataset_id in data_dict.get("datasets", []):
        dataset = tk.get_action("package_show")(dict(context, ignore_auth=True), {"id": dataset_id})
        validation_hooks.check_can_go_public(context, dict(dataset, private=False), was_private=True)
    return next_action(context, data_dict)
