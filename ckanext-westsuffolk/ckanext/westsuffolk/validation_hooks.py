"""What the plugin does around resource and dataset writes: validate uploads, record results,
show them, and refuse to make a dataset public while a resource is not valid."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import config, resource_validation as rv, validation_store
from .logic import validators

_STASH = "westsuffolk_validation"  # context key: results of uploads validated before saving
SUMMARY_LINES = 10


def _upload(resource: dict[str, Any]) -> Any:
    upload = resource.get("upload")
    return upload if getattr(upload, "filename", None) and hasattr(upload, "stream") else None


def _raise_for(result) -> None:
    lines = [result.issues[0].message if result.status == rv.ERROR else
             f"The file does not follow the table schema {result.schema_ref}: "
             f"{result.error_count} problem{'s' if result.error_count != 1 else ''} found. Nothing was saved."]
    if result.status != rv.ERROR:
        # messages already say where ("Row 3, column "amount": ..."); the fix says what to do
        lines.extend(f"{issue.message} {issue.fix}".strip() for issue in result.issues[:SUMMARY_LINES])
        if result.error_count > SUMMARY_LINES:
            lines.append(f"…and {result.error_count - SUMMARY_LINES} more. Fix these and upload the file again.")
    raise tk.ValidationError({"upload": lines})


def before_write(context: dict, resource: dict[str, Any]) -> None:
    """Sync-validate a small upload; a failing file is refused with the errors listed."""
    for key in rv.STATUS_FIELDS:  # read-only: never taken from the caller
        resource.pop(key, None)
    if not resource.get("schema"):
        return
    try:
        resource["schema"] = validators.westsuffolk_table_schema_ref(resource["schema"])
    except tk.Invalid as problem:
        raise tk.ValidationError({"schema": [problem.error]}) from None
    upload = _upload(resource)
    if upload is None:
        return
    if rv.upload_size(upload) > config.validation_sync_max_bytes():
        return  # validated in the background after saving
    with rv.upload_copy(upload) as path:
        result = rv.validate_file(path, resource, upload.filename)
    if result.status != rv.SUCCESS:
        _raise_for(result)
    context.setdefault(_STASH, []).append(result)


def after_write(context: dict, resource: dict[str, Any], changed: bool = True) -> None:
    """Record the sync result under the saved resource's id, or queue background validation."""
    if not resource.get("schema"):
        validation_store.delete(resource["id"])
        return
    stash = context.get(_STASH) or []
    if stash:
        record = rv.result_record(stash.pop(0), resource)
        validation_store.write(resource["id"], record)
        rv.reindex(resource["package_id"])  # the dataset was indexed before its result was stored
    else:
        record = validation_store.read(resource["id"])
        if changed or not record or record.get("fingerprint") != rv.fingerprint(resource):
            rv.enqueue(resource)
            record = validation_store.read(resource["id"])
    resource.update(rv.status_fields(record))  # what resource_create/update return


def show(pkg_dict: dict[str, Any]) -> None:
    for resource in pkg_dict.get("resources", []):
        if resource.get("schema"):
            resource.update(rv.status_fields(validation_store.read(resource["id"])))


def unvalidated(pkg_dict: dict[str, Any], context: dict) -> list[str]:
    """Names of resources that stop the dataset going public (schema given, result not success)."""
    fresh = len(context.get(_STASH) or [])
    blocking = []
    for resource in pkg_dict.get("resources", []):
        if not resource.get("schema"):
            continue
        record = validation_store.read(resource["id"]) if resource.get("id") else None
        if record is None and not resource.get("id") and fresh:
            fresh -= 1  # a new upload validated just now, in this request
            continue
        if not record or record["status"] != rv.SUCCESS:
            blocking.append(resource.get("name") or resource.get("id") or "new resource")
    return blocking


def check_can_go_public(context: dict, pkg_dict: dict[str, Any], was_private: bool) -> None:
    if not config.block_public_on_failure() or tk.asbool(pkg_dict.get("private", False)) or not was_private:
        return
    blocking = unvalidated(pkg_dict, context)
    if blocking:
        raise tk.ValidationError({"private": [
            "This dataset cannot be made public until every file passes validation against its table schema. "
            f"Not yet valid: {', '.join(blocking)}. Open each file's validation report, fix the problems and "
            "upload it again."]})
