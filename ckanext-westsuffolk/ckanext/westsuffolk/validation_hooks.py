"""What the plugin does around resource and dataset writes: validate uploads, record results,
show them, and refuse to make a dataset public while a resource is not valid."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import config, resource_validation as rv, validation, validation_store
from .logic import validators

_STASH = "westsuffolk_validation"  # context key: results of uploads validated before saving
SUMMARY_LINES = 10


def _upload(resource: dict[str, Any]) -> Any:
    upload = resource.get("upload")
    return upload if getattr(upload, "filename", None) and hasattr(upload, "stream") else None


def _raise_for(result) -> None:
    raise tk.ValidationError({"upload": refusal_lines(result)})


def refusal_lines(result) -> list[str]:
    """Why an upload was refused: one headline, then what to fix by column and cause, then the first rows."""
    if result.status == rv.ERROR:
        return [f"{result.issues[0].message} {result.issues[0].fix} Nothing was saved."]
    personal = any(issue.type == "personal-data" for issue in result.issues)
    if result.schema_ref:
        headline = (f"The file does not follow the table schema {result.schema_ref}: {result.error_count:,} "
                    f"problem{'s' if result.error_count != 1 else ''} found. Nothing was saved.")
    else:
        headline = "The file seems to contain personal data, which the portal never publishes. Nothing was saved."
    lines = [headline]
    headings = [i for i in result.issues if i.row == 1 and i.type != "personal-data"]
    lines += [f"{issue.message} {issue.fix}".strip() for issue in headings[:SUMMARY_LINES]]
    if result.expected_headings:
        lines.append(f"The column headings should be, in this order: {', '.join(result.expected_headings)}.")
    rows = [i for i in result.issues if i not in headings]
    many = [group for group in result.groups if group.count > 1]
    once = {(group.type, group.field, group.rows[0] if group.rows else None)
            for group in result.groups if group.count == 1}
    # the same cause in many rows is said once; a problem in one row is said as it is
    lines += [f"{group.message} {group.fix}".strip() for group in many[:SUMMARY_LINES]]
    lines += [f"{issue.message} {issue.fix}".strip() for issue in rows
              if (issue.type, issue.field, issue.row) in once][:SUMMARY_LINES]
    if many:
        lines.append("The first problems, row by row:")
        lines += [issue.message for issue in rows[:SUMMARY_LINES]]
    if personal and not result.schema_ref:
        lines.append("Remove or redact the personal data (or delete the sheet that holds it) and upload the file again.")
    return lines


def refuses(result) -> bool:
    """A file naming a schema must be valid; any file must hold no personal data."""
    if result.schema_ref or validation.CHECK_SCHEMA in result.checks:
        return result.status != rv.SUCCESS
    return result.status == rv.FAILURE


def before_write(context: dict, resource: dict[str, Any]) -> None:
    """Check a small upload now (schema or not); a failing file is refused with the errors listed."""
    for key in rv.STATUS_FIELDS:  # read-only: never taken from the caller
        resource.pop(key, None)
    if resource.get("schema"):
        try:
            resource["schema"] = validators.westsuffolk_table_schema_ref(resource["schema"])
        except tk.Invalid as problem:
            raise tk.ValidationError({"schema": [problem.error]}) from None
    upload = _upload(resource)
    if upload is None:
        return
    if rv.upload_size(upload) > config.validation_sync_max_bytes():
        return  # checked in the background after saving
    with rv.upload_copy(upload) as path:
        result = rv.validate_file(path, resource, upload.filename)
    if refuses(result):
        _raise_for(result)
    context.setdefault(_STASH, []).append(result)


def after_write(context: dict, resource: dict[str, Any], changed: bool = True) -> None:
    """Record the sync result under the saved resource's id, or queue a background check."""
    if not resource.get("url"):
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
        if resource.get("id") and resource.get("url"):
            resource.update(rv.status_fields(validation_store.read(resource["id"])))


def unvalidated(pkg_dict: dict[str, Any], context: dict) -> list[str]:
    """Names of resources that stop the dataset going public (see resource_validation.blocks_public)."""
    fresh = len(context.get(_STASH) or [])
    blocking = []
    for resource in pkg_dict.get("resources", []):
        if not resource.get("url"):
            continue
        record = validation_store.read(resource["id"]) if resource.get("id") else None
        if record is None and not resource.get("id") and fresh:
            fresh -= 1  # a new upload checked just now, in this request
            continue
        if rv.blocks_public(resource, record):
            blocking.append(resource.get("name") or resource.get("id") or "new resource")
    return blocking


def check_can_go_public(context: dict, pkg_dict: dict[str, Any], was_private: bool) -> None:
    if not config.block_public_on_failure() or tk.asbool(pkg_dict.get("private", False)) or not was_private:
        return
    blocking = unvalidated(pkg_dict, context)
    if blocking:
        raise tk.ValidationError({"private": [
            "This dataset cannot be made public until every file has been checked: a file naming a table schema "
            "must follow it, and no file may hold personal data. "
            f"Not yet passed: {', '.join(blocking)}. Open each file's validation report, fix the problems and "
            "upload it again."]})
