"""What the plugin does around resource and dataset writes: validate uploads, record results,
show them, and refuse to make a dataset public while a resource is not valid."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk

from westsuffolk_core import validation

from .. import config
from ..loading import load as loading
from ..logic import validators
from . import files, jobs, records, store

# context key: {stored file name: result} of uploads checked in this request before saving. CKAN stores
# an upload under its munged file name (resource "url"), so the saved resource finds its own result.
_CHECKED = "westsuffolk_checked_uploads"
SUMMARY_LINES = 10  # groups, and rows, listed in a refusal
HEADING_LINES = 40  # heading problems are few (one per column) and each needs its own fix


def _upload(resource: dict[str, Any]) -> Any:
    upload = resource.get("upload")
    return upload if getattr(upload, "filename", None) and hasattr(upload, "stream") else None


def _stored_name(filename: str) -> str:
    from ckan.lib.munge import munge_filename

    return munge_filename(filename)


def _checked(context: dict) -> dict[str, Any]:
    return context.setdefault(_CHECKED, {})


def _upload_name(resource: dict[str, Any]) -> str | None:
    """The stored file name of an uploaded resource (before or after CKAN took the upload in)."""
    upload = _upload(resource)
    if upload is not None:
        return _stored_name(upload.filename)
    if resource.get("url_type") == "upload" and resource.get("url"):
        return urlparse(resource["url"]).path.rsplit("/", 1)[-1]
    return None


def _checked_result(context: dict, resource: dict[str, Any]) -> Any:
    """The result checked before saving for this saved upload, taken once."""
    name = _upload_name(resource)
    return _checked(context).pop(name, None) if name else None


def _raise_for(result) -> None:
    raise tk.ValidationError({"upload": refusal_lines(result)})


def refusal_lines(result) -> list[str]:
    """Why an upload was refused: one headline, then what to fix by column and cause, then the first rows."""
    if result.status == records.ERROR:
        return [f"{result.issues[0].message} {result.issues[0].fix} Nothing was saved."]
    personal = any(issue.type == "personal-data" for issue in result.issues)
    if result.schema_ref:
        headline = (f"The file does not follow the table schema {result.schema_ref}: {result.error_count:,} "
                    f"problem{'s' if result.error_count != 1 else ''} found. Nothing was saved.")
    else:
        headline = "The file seems to contain personal data, which the portal never publishes. Nothing was saved."
    lines = [headline]
    headings = [i for i in result.issues if i.row == 1 and i.type != "personal-data"]
    lines += [f"{issue.message} {issue.fix}".strip() for issue in headings[:HEADING_LINES]]
    if len(headings) > HEADING_LINES:
        lines.append(f"…and {len(headings) - HEADING_LINES} more heading problems (see the validation report).")
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
        lines.append("Remove or redact the personal data (or delete the sheet that holds it) and upload the file "
                     "again.")
    return lines


def refuses(result) -> bool:
    """A file naming a schema must be valid; any file must hold no personal data, and a workbook the portal
    will not open (damaged, a zip bomb, XML entity tricks) is refused whatever it is for."""
    if records.unsafe(result.issues):
        return True
    if result.schema_ref or validation.CHECK_SCHEMA in result.checks:
        return result.status != records.SUCCESS
    return result.status == records.FAILURE


def before_write(context: dict, resource: dict[str, Any]) -> None:
    """Check a small upload now (schema or not); a failing file is refused with the errors listed."""
    for key in records.STATUS_FIELDS:  # read-only: never taken from the caller
        resource.pop(key, None)
    if resource.get("schema"):
        try:
            resource["schema"] = validators.westsuffolk_table_schema_ref(resource["schema"])
        except tk.Invalid as problem:
            raise tk.ValidationError({"schema": [problem.error]}) from None
    upload = _upload(resource)
    if upload is None:
        return
    if files.upload_size(upload) > config.validation_sync_max_bytes():
        return  # checked in the background after saving
    with files.upload_copy(upload) as path:
        result = files.validate_file(path, resource, upload.filename)
    if refuses(result):
        _raise_for(result)
    _checked(context)[_stored_name(upload.filename)] = result


def after_write(context: dict, resource: dict[str, Any], changed: bool = True) -> None:
    """Record the sync result under the saved resource's id, or queue a background check."""
    if not resource.get("url"):
        store.delete(resource["id"])
        return
    result = _checked_result(context, resource)
    if result is not None:
        record = records.result_record(result, resource)
        store.write(resource, record)
        record = loading.load(resource)  # checked while the officer waited: loaded now too
        jobs.reindex(resource["package_id"])  # the dataset was indexed before its result was stored
    else:
        record = store.read(resource["id"])
        if changed or not record or record.get("fingerprint") != records.fingerprint(resource):
            jobs.enqueue(resource)
            record = store.read(resource["id"])
    resource.update(records.status_fields(record))  # what resource_create/update return


def show(pkg_dict: dict[str, Any]) -> None:
    """The status fields of each resource. A dataset from the search index has them already: every
    write of a result is followed by a reindex (here, in jobs and in the actions). One query for the rest."""
    wanted = [r for r in pkg_dict.get("resources", [])
              if r.get("id") and r.get("url") and "validation_status" not in r]
    found = store.statuses([r["id"] for r in wanted])
    for resource in wanted:
        resource.update(records.status_fields(found.get(resource["id"])))


def unvalidated(pkg_dict: dict[str, Any], context: dict) -> list[str]:
    """Names of resources that stop the dataset going public (see records.blocks_public)."""
    checked = _checked(context)
    blocking = []
    for resource in pkg_dict.get("resources", []):
        if not resource.get("url"):
            continue
        record = store.read(resource["id"]) if resource.get("id") else None
        if record is None and _upload_name(resource) in checked:
            continue  # a new upload checked just now, in this request
        if records.blocks_public(resource, record):
            blocking.append(resource.get("name") or resource.get("id") or "new resource")
    return blocking


def check_can_go_public(context: dict, pkg_dict: dict[str, Any], was_private: bool) -> None:
    if not config.block_public_on_failure() or tk.asbool(pkg_dict.get("private", False)) or not was_private:
        return
    blocking = unvalidated(pkg_dict, context)
    if blocking:
        raise tk.ValidationError({"private": [(
            "This dataset cannot be made public until every file has been checked: a file naming a table schema "
            "must follow it, and no file may hold personal data. "
            f"Not yet passed: {', '.join(blocking)}. Open each file's validation report, fix the problems and "
            "upload it again.")]})
