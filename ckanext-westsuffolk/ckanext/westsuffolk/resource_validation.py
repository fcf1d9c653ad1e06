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

from . import allowlist_store, config, validation, validation_store

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


def blocks_public(resource: dict[str, Any], record: dict[str, Any] | None) -> bool:
    """Whether this resource stops its dataset going public: a file naming a schema until it is
    valid; any file in which personal data was found, or an upload not yet scanned."""
    status = (record or {}).get("status", PENDING)
    if resource.get("schema"):
        return status != SUCCESS
    return status == FAILURE or (status == PENDING and resource.get("url_type") == "upload")


def found_personal_data(record: dict[str, Any] | None) -> bool:
    return any(issue.get("type") == "personal-data" for issue in (record or {}).get("issues", []))


def status_fields(record: dict[str, Any] | None) -> dict[str, Any]:
    """The read-only resource fields shown on pages and in the API."""
    if not record:
        return {"validation_status": PENDING, "validation_error_count": None,
                "validation_row_count": None, "validated_at": None}
    return {"validation_status": record["status"], "validation_error_count": record.get("error_count"),
            "validation_row_count": record.get("row_count"), "validated_at": record.get("validated_at")}


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
    return package.get("asset_register_id") or None


def validate_file(path: str, resource: dict[str, Any], filename: str = "") -> validation.ValidationResult:
    """Every file is scanned for personal data; one naming a table schema is also validated."""
    return validation.validate_table(path, resource.get("schema") or None, format=file_format(resource, filename),
                                     limit_errors=config.validation_max_issues(),
                                     personal_data=allowlist_store.active(), asset_id=asset_id(resource))


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
    if found_personal_data(record):
        withdraw(context, resource, record)
    reindex(resource["package_id"])
    log.info("validated resource %s: %s", resource_id, record["status"])
    return record["status"]


def withdraw(context: dict, resource: dict[str, Any], record: dict[str, Any]) -> None:
    """Personal data found after the file was saved (a large upload or a link): a public dataset is
    made private at once, and the report says so."""
    package = tk.get_action("package_show")(context, {"id": resource["package_id"]})
    if package.get("private"):
        return
    tk.get_action("package_patch")(dict(context), {"id": package["id"], "private": True})
    record.setdefault("warnings", []).insert(0, (
        f"Personal data was found in this file after it was published, so the dataset was made private on "
        f"{_now()[:10]}. Remove the personal data, upload the file again and make the dataset public."))
    validation_store.write(resource["id"], record)
    log.warning("dataset %s made private: personal data found in resource %s", package["name"], resource["id"])
