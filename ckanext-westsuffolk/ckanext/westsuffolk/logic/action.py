"""Actions of the extension (registered through tk.blanket.actions)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate
from ckan.types import Context, DataDict

from .. import datagovuk, transparency_status
from ..loading import load as loading
from ..validation import allow_list, files, hooks, jobs, records, store
from . import limits, schema
from .private_reads import datastore_search, tag_autocomplete, tag_list, tag_search, tag_show

__all__ = [
    "bulk_update_public",
    "datastore_search",
    "package_create",
    "package_update",
    "tag_autocomplete",
    "tag_list",
    "tag_search",
    "tag_show",
    "westsuffolk_personal_data_allow",
    "westsuffolk_personal_data_allow_revoke",
    "westsuffolk_personal_data_allowed_list",
    "westsuffolk_resource_validation_run",
    "westsuffolk_resource_validation_show",
    "westsuffolk_transparency_status",
    "westsuffolk_ward_compare",
]


@tk.side_effect_free
@validate(schema.resource_validation_show)
def westsuffolk_resource_validation_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The full check report of a resource (anyone who can see the resource): its validation against
    its table schema, if it names one, and the personal-data scan every file gets."""
    resource_id = data_dict["id"]
    tk.check_access("westsuffolk_resource_validation_show", context, {"id": resource_id})
    resource = tk.get_action("resource_show")(context, {"id": resource_id})
    if not resource.get("url"):
        raise tk.ObjectNotFound("This resource has no file or link, so there is nothing to check.")
    record = store.read(resource_id) or records.pending_record(resource)
    return {"resource_id": resource_id, **record}


@validate(schema.resource_validation_run)
def westsuffolk_resource_validation_run(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Validate a resource again: now, or in the background with async=true."""
    resource_id = data_dict["id"]
    tk.check_access("westsuffolk_resource_validation_run", context, {"id": resource_id})
    resource = tk.get_action("resource_show")(dict(context, ignore_auth=True), {"id": resource_id})
    if not resource.get("url"):
        raise tk.ValidationError({"url": ["Upload a file or give a link first."]})
    if data_dict["async"]:
        jobs.enqueue(resource)
        return {"resource_id": resource_id, **store.read(resource_id)}
    files.validate_stored(resource)
    record = loading.load(resource)
    jobs.reindex(resource["package_id"])
    return {"resource_id": resource_id, **record}


@validate(schema.personal_data_allow)
def westsuffolk_personal_data_allow(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Let the personal-data scan accept a value published on purpose (a switchboard number, a
    business named after its owner), anywhere or for one register asset (`asset_id`). Recorded with
    who allowed it, when and why. The data protection officer's decision: sysadmins only."""
    tk.check_access("westsuffolk_personal_data_allow", context, data_dict)
    return allow_list.add(data_dict["value"], data_dict["reason"], data_dict.get("asset_id"), context["user"])


@validate(schema.personal_data_allow_revoke)
def westsuffolk_personal_data_allow_revoke(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Stop allowing a value; the entry stays in the history with who revoked it and when."""
    tk.check_access("westsuffolk_personal_data_allow_revoke", context, data_dict)
    record = allow_list.get(data_dict["id"])
    if record is None:
        raise tk.ObjectNotFound("There is no allowed value with this id.")
    if record.revoked_at is not None:
        raise tk.ValidationError({"id": ["This value is no longer allowed already."]})
    return allow_list.revoke(record, context["user"])


@tk.side_effect_free
@validate(schema.personal_data_allowed_list)
def westsuffolk_personal_data_allowed_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The values the personal-data scan accepts. The publish jobs read it so that their plan gives the
    portal's answer. Sysadmins (the data protection officer) also see who allowed and revoked each
    value, and with include_revoked=true the whole history."""
    tk.check_access("westsuffolk_personal_data_allowed_list", context, data_dict)
    if _is_sysadmin(context):
        return allow_list.entries(include_revoked=data_dict["include_revoked"])
    private = ("allowed_by", "revoked_by")
    return [{k: v for k, v in entry.items() if k not in private} for entry in allow_list.entries()]


@tk.side_effect_free
@validate(schema.ward_compare)
def westsuffolk_ward_compare(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Wards side by side over every ward-level table: the figures of /wards/compare as JSON.

    :param wards: 2 to 6 ONS ward codes (E05 and six digits), as a list or as one text separated by
        commas. Codes are read without spaces and in capitals (" e05012763" is E05012763); a ward given
        twice is compared once (a note says so). Unknown codes, fewer than 2 or more than 6 wards are
        refused with a message saying which and why.
    :returns: ``wards`` (code, name, seats, residents, councillors), ``district`` (the whole district),
        ``tables``: for each public ward-level table that passed validation, its dataset, period, the
        first and last dates in the data, and for each measure the value, unit, rate per residents
        (where a ward population dataset is published), rank among the 43 wards and the links to the
        rows behind each number (``rows_url``: CSV, ``api_url``: datastore_search with a filter); the
        breakdown by category; rows coded to other wards. ``left_out``: tables not used and why.
        ``url``: the comparison's permanent page; ``csv_url``: the same as CSV.

    Only public datasets count, whoever asks: the answer is the same for everyone.
    """
    from ..wards.comparison import WardInputError, compare, parse_wards

    tk.check_access("westsuffolk_ward_compare", context, data_dict)
    try:
        codes, notes = parse_wards(data_dict["wards"])
    except WardInputError as problem:
        raise tk.ValidationError({"wards": problem.messages}) from None
    return compare(codes, notes).as_dict()


def _is_sysadmin(context: Context) -> bool:
    try:
        tk.check_access("sysadmin", context)
    except tk.NotAuthorized:
        return False
    return True


def _current(context, id_or_name: str | None) -> dict | None:
    if not id_or_name:
        return None
    try:
        return tk.get_action("package_show")(dict(context, ignore_auth=True), {"id": id_or_name})
    except tk.ObjectNotFound:
        return None


@tk.chained_action
def package_create(next_action, context, data_dict):
    limits.check_sizes(data_dict)
    datagovuk.strip_echoed_extras(data_dict)
    hooks.check_can_go_public(context, data_dict, was_private=True)
    return next_action(context, data_dict)


@tk.chained_action
def package_update(next_action, context, data_dict):
    limits.check_sizes(data_dict)
    datagovuk.strip_echoed_extras(data_dict)
    current = context.get("original_package") or _current(context, data_dict.get("id") or data_dict.get("name"))
    was_private = tk.asbool(current["private"]) if current else True
    # without a "resources" key package_update keeps the stored resources: check those
    resulting = data_dict if "resources" in data_dict or not current else dict(
        data_dict, resources=current.get("resources", []))
    hooks.check_can_go_public(context, resulting, was_private)
    return next_action(context, data_dict)


@tk.chained_action
def bulk_update_public(next_action, context, data_dict):
    for dataset_id in data_dict.get("datasets", []):
        dataset = tk.get_action("package_show")(dict(context, ignore_auth=True), {"id": dataset_id})
        hooks.check_can_go_public(context, dict(dataset, private=False), was_private=True)
    return next_action(context, data_dict)


@tk.side_effect_free
@validate(schema.transparency_status)
def westsuffolk_transparency_status(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Whether each Local Government Transparency Code return was published on time: for every obligation,
    the last `quarters` quarters (default 8) or `years` financial years (default 3) that have ended, or its
    one-off return, each with its deadline and status (on_time, late, due_soon, overdue, missing), from
    the public datasets' files. `date` (YYYY-MM-DD) gives the answer as it stood that day; `obligation`
    (a table schema name) just one. Also: a plain summary and the problems officers must fix."""
    tk.check_access("westsuffolk_transparency_status", context, data_dict)
    day = data_dict.get("date")
    return transparency_status.report(day.date() if day else None, data_dict.get("obligation"),
                                      data_dict["quarters"], data_dict["years"]).as_dict()
