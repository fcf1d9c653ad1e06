"""Where a resource's bytes come from (an upload in the request, the stored upload, a link) and the
check of those bytes: `westsuffolk_core.validation.validate_table`, the same call the publish jobs
make, with the portal's allow-list and the dataset's register asset."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
import requests

from westsuffolk_core import validation
from westsuffolk_core.dataset_fields import ASSET_ID_FIELD

from .. import config
from . import allow_list, records, store


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


def validate_file(path: str, resource: dict[str, Any], filename: str = "") -> validation.ValidationResult:
    """Every file is scanned for personal data; one naming a table schema is also validated."""
    return validation.validate_table(path, resource.get("schema") or None, format=file_format(resource, filename),
                                     limit_errors=config.validation_max_issues(),
                                     personal_data=allow_list.active(), asset_id=asset_id(resource))


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
        with requests.get(resource["url"], stream=True, timeout=config.link_timeout()) as response:
            response.raise_for_status()
            received = 0
            for chunk in response.iter_content(1024 * 1024):
                received += len(chunk)
                if received > limit:
                    raise ValueError(f"The linked file is larger than the portal's limit of {limit // 1048576} MB.")
                handle.write(chunk)
        handle.flush()
        yield handle.name


def fetch_problem(problem: Exception) -> str:
    """Why a linked file could not be fetched, in words for the officer."""
    if isinstance(problem, requests.HTTPError) and problem.response is not None:
        response = problem.response
        return f"the link answered {response.status_code} {response.reason or ''}".rstrip() + "."
    if isinstance(problem, requests.Timeout):
        return f"the link's server did not answer within {config.link_timeout()} seconds."
    if isinstance(problem, requests.ConnectionError):
        return "the portal could not connect to the link's server."
    return str(problem)


def validate_stored(resource: dict[str, Any]) -> dict[str, Any]:
    """Validate a saved resource's bytes and record the result (used by jobs and the run action)."""
    try:
        with resource_file(resource) as path:
            result = validate_file(path, resource)
    except (requests.RequestException, ValueError, OSError) as problem:
        result = validation.ValidationResult(
            status=records.ERROR, schema_ref=resource.get("schema"), validated_at=records.now(),
            issues=[validation.ValidationIssue(
                type="source-error", title="The file could not be fetched",
                message=f"The portal could not read the file: {fetch_problem(problem)}",
                fix="Check the link works without logging in, or upload the file instead.")],
            error_count=1,
        )
    record = records.result_record(result, resource)
    store.write(resource, record)
    return record


