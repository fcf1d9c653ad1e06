"""Validation of portal resources against their table schema: when, where the bytes come from,
and what is recorded. The checking itself is `validation.validate_table`, shared with the
publish jobs, so a file validates identically in both places."""
from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import requests

import ckan.plugins.toolkit as tk

from . import config, validation, validation_store

log = logging.getLogger(__name__)

PENDING, SUCCESS, FAILURE, ERROR = "pending", "success", "failure", "error"
STATUS_FIELDS = ("validation_status", "validation_error_count", "validation_row_count", "validated_at")
JOB_TITLE = "westsuffolk: validate resource {}"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def fingerprint(resource: dict[str, Any]) -> str:
    """What the stored result was computed from; a change means the result is stale."""
    return "|".join(str(resource.get(k) or "") for k in ("schema", "url", "last_modified", "size"))


def result_record(result: validation.ValidationResult, resource: dict[str, Any]) -> dict[str, Any]:
    record = result.as_dict()
    record["fingerprint"] = fingerprint(resource)
    return record


def pending_record(resource: dict[str, Any]) -> dict[str, Any]:
    return {"status": PENDING, "schema_ref": resource.get("schema"), "fingerprint": fingerprint(resource),
            "queued_at": _now(), "row_count": 0, "error_count": 0, "issues": [], "summary": [], "warnings": []}


def status_fields(record: dict[str, Any] | None) -> dict[str, Any]:
    """The read-only resource fields shown on pages and in the API."""
    if not record:
        return {"validation_status": PENDING, "validation_error_count": None,
                "validation_row_count": None, "validated_at": None}
    return {"validation_status": record["status"], "validation_error_count": record.get("error_count"),
            "validation_row_count": record.get("row_count"), "validated_at": record.get("validated_at")}


def file_format(resource: dict[str, Any], filename: str = "") -> str | None:
    name = (filename or resource.get("url") or "").lower()
    for ext in ("csv", "tsv", "xlsx"):
        if name.endswith("." + ext):
            return ext
    fmt = (resource.get("format") or "").lower()
    return fmt if fmt in ("csv", "tsv", "xlsx") else None


def validate_file(path: str, resource: dict[str, Any], filename: str = "") -> validation.ValidationResult:
    return validation.validate_table(path, resource["schema"], format=file_format(resource, filename),
                                     limit_errors=config.validation_max_issues(), scan_personal_data=True,
                                     personal_data_allowed=config.personal_data_allowed_values())


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
    """The resource's bytes as a local file: the stored upload, or a size-limited download."""
    if resource.get("url_type") == "upload":
        from ckan.lib import uploader

        yield uploader.get_resource_uploader(resource).get_path(resource["id"])
        return
    limit = tk.config["ckan.max_resource_size"] * 1024 * 1024
    with tempfile.NamedTemporaryFile(suffix=Path(resource["url"].split("?")[0]).suffix) as handle:
        with requests.get(resource["url"], stream=True, timeout=60) as response:
            response.raise_for_status()
            received = 0
            for chunk in response.iter_content(1024 * 1024):
                received += len(chunk)
                if received > limit:
                    raise ValueError(f"The linked file is larger than the portal's limit of {limit // 1048576} MB.")
                handle.write(chunk)
        handle.flush()
        yield handle.name


def validate_stored(resource: dict[str, Any]) -> dict[str, Any]:
    """Validate a saved resource's bytes and record the result (used by jobs and the run action)."""
    try:
        with resource_file(resource) as path:
            result = validate_file(path, resource)
    except (requests.RequestException, ValueError, OSError) as problem:
        result = validation.ValidationResult(
            status=ERROR, schema_ref=resource.get("schema"), validated_at=_now(),
            issues=[validation.ValidationIssue(
                type="source-error", title="The file could not be fetched",
                message=f"The portal could not read the file: {problem}",
                fix="Check the link works without logging in, or upload the file instead.")],
            error_count=1,
        )
    record = result_record(result, resource)
    validation_store.write(resource["id"], record)
    return record


def reindex(package_id: str) -> None:
    """Refresh a dataset in the search index so listings show its validation badges."""
    from ckan.lib import search

    search.rebuild(package_id)


def enqueue(resource: dict[str, Any]) -> None:
    validation_store.write(resource["id"], pending_record(resource))
    tk.enqueue_job(westsuffolk_validate_resource_job, [resource["id"]], title=JOB_TITLE.format(resource["id"]),
                   rq_kwargs={"timeout": 3600})


def westsuffolk_validate_resource_job(resource_id: str) -> str:
    """Background job: validate one resource and refresh its dataset in the search index."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    resource = tk.get_action("resource_show")(context, {"id": resource_id})
    record = validate_stored(resource)
    reindex(resource["package_id"])
    log.info("validated resource %s: %s", resource_id, record["status"])
    return record["status"]
