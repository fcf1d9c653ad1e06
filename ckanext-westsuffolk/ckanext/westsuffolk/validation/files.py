"""Where a resource's bytes come from (an upload in the request, the stored upload, a link) and the
check of those bytes: `westsuffolk_core.validation.validate_table`, the same call the publish jobs
make, with the portal's allow-list and the dataset's register asset."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk

from westsuffolk_core import safe_fetch, validation
from westsuffolk_core.dataset_fields import ASSET_ID_FIELD

from .. import config
from . import allow_list, records, store

log = logging.getLogger(__name__)

def file_format(resource: dict[str, Any], filename: str = "") -> str | None:
    """The file's format: its name's extension, else the resource's format field."""
    name = (filename or resource.get("url") or "").split("?")[0].split("#")[0].lower()
    extension = Path(name).suffix.lstrip(".")
    if extension.isalnum() and len(extension) <= 8:
        return extension
    return (resource.get("format") or "").strip().lower() or None


def asset_id(resource: dict[str, Any]) -> str | None:
    """The register asset of the resource's dataset (values allowed for it apply)."""
    if not resource.get("package_id"):
        return None
    try:
        package = tk.get_action("package_show")({"ignore_auth": True, "for_update": True},
                                                {"id": resource["package_id"]})
    except tk.ObjectNotFound:
        return None
    return package.get(ASSET_ID_FIELD) or None


def validate_file(path: str, resource: dict[str, Any], filename: str = "",
                  on_rows: Callable[[int], None] | None = None) -> validation.ValidationResult:
    """Every file is scanned for personal data; one naming a table schema is also validated."""
    return validation.validate_table(path, resource.get("schema") or None, format=file_format(resource, filename),
                                     limit_errors=config.validation_max_issues(),
                                     personal_data=allow_list.active(), asset_id=asset_id(resource),
                                     on_rows=on_rows)


def _progress_recorder(resource: dict[str, Any]) -> Callable[[int], None]:
    """Rows checked so far, on the pending record the report page shows (at most every records.PROGRESS_SECONDS)."""
    due = records.due_every(lambda: records.PROGRESS_SECONDS)

    def record_rows(rows: int) -> None:
        if not due():
            return
        record = store.read(resource["id"]) or records.pending_record(resource)
        if record.get("status") == records.PENDING:
            store.write(resource, {**record, "rows_checked": rows})

    return record_rows


def upload_size(upload: Any) -> int:
    stream = upload.stream
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


@contextmanager
def upload_copy(upload: Any) -> Iterator[str]:
    """A temporary file holding the uploaded bytes; the upload stays readable for CKAN."""
    suffix = Path(upload.filename or "upload").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        upload.stream.seek(0)
        shutil.copyfileobj(upload.stream, handle, 1024 * 1024)
        handle.flush()
        upload.stream.seek(0)
        yield handle.name


@contextmanager
def resource_file(resource: dict[str, Any]) -> Iterator[str]:
    """The resource's bytes as a local file: the stored upload, or a download of the link through the
    safe fetcher (public addresses only, size and time limits; raises safe_fetch.FetchError)."""
    if resource.get("url_type") == "upload":
        from ckan.lib import uploader

        yield uploader.get_resource_uploader(resource).get_path(resource["id"])
        return
    suffix = Path(resource["url"].split("?")[0].split("#")[0]).suffix[:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        safe_fetch.fetch(resource["url"], handle, config.fetch_policy())
        handle.flush()
        yield handle.name


def validate_stored(resource: dict[str, Any]) -> dict[str, Any]:
    """Validate a saved resource's bytes and record the result (used by jobs and the run action).
    Officers read what went wrong and what to do; the underlying error (an internal address, a
    connection error naming a port, a storage path) goes to the log only."""
    try:
        with resource_file(resource) as path:
            result = validate_file(path, resource, on_rows=_progress_recorder(resource))
    except safe_fetch.FetchError as problem:
        log.warning("resource %s: link not fetched: %s", resource.get("id"), problem.detail)
        result = _not_read(resource, problem.message, problem.fix)
    except (OSError, ValueError) as problem:
        log.error("resource %s: file not read: %r", resource.get("id"), problem)
        result = _not_read(resource, "The portal could not read the file.",
                           "Upload the file again; if this happens again, tell the portal's administrators.")
    record = records.result_record(result, resource)
    store.write(resource, record)
    return record


def _not_read(resource: dict[str, Any], message: str, fix: str) -> validation.ValidationResult:
    return validation.ValidationResult(
        status=records.ERROR, schema_ref=resource.get("schema"), validated_at=records.now(),
        issues=[validation.ValidationIssue(type="source-error", title="The file could not be fetched",
                                           message=message, fix=fix)],
        error_count=1,
    )
