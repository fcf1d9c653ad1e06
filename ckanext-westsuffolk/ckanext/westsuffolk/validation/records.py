"""What is recorded about a resource's check, and what that record means for the resource and its
dataset: the status fields shown on pages and in the API, staleness, the public rule."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from westsuffolk_core import validation
from westsuffolk_core.statuses import LoadStatus, Status

PENDING, SUCCESS, FAILURE, ERROR = Status.PENDING, Status.SUCCESS, Status.FAILURE, Status.ERROR
UNSAFE_FILE = "unsafe-workbook"
STATUS_FIELDS = ("validation_status", "validation_error_count", "validation_row_count", "validated_at",
                 "datastore_load_status")

PROGRESS_SECONDS = 2.0  # how often a background check or load records its progress


def due_every(seconds_of: Callable[[], float]) -> Callable[[], bool]:
    """A clock for progress writes: true once `seconds_of()` seconds have passed since the last true
    (read each time, so tests can shorten PROGRESS_SECONDS)."""
    last = [time.monotonic()]

    def due() -> bool:
        if time.monotonic() - last[0] < seconds_of():
            return False
        last[0] = time.monotonic()
        return True

    return due


def now() -> str:
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
            "queued_at": now(), "row_count": 0, "error_count": 0, "issues": [], "summary": [], "warnings": []}


def blocks_public(resource: dict[str, Any], record: dict[str, Any] | None) -> bool:
    """Whether this resource stops its dataset going public: a file naming a schema until it is
    valid; any file in which personal data was found, or an upload not yet scanned."""
    status = (record or {}).get("status", PENDING)
    if unsafe((record or {}).get("issues", [])):
        return True
    if resource.get("schema"):
        return status != SUCCESS
    return status == FAILURE or (status == PENDING and resource.get("url_type") == "upload")


def unsafe(issues) -> bool:
    """Whether the check found a file the portal will not open (westsuffolk_core.workbook_safety)."""
    return any((issue.get("type") if isinstance(issue, dict) else issue.type) == UNSAFE_FILE for issue in issues)


def found_personal_data(record: dict[str, Any] | None) -> bool:
    return any(issue.get("type") == "personal-data" for issue in (record or {}).get("issues", []))


def status_fields(record: dict[str, Any] | None) -> dict[str, Any]:
    """The read-only resource fields shown on pages and in the API."""
    if not record:
        return {"validation_status": PENDING, "validation_error_count": None,
                "validation_row_count": None, "validated_at": None, "datastore_load_status": LoadStatus.PENDING}
    return {"validation_status": record["status"], "validation_error_count": record.get("error_count"),
            "validation_row_count": record.get("row_count"), "validated_at": record.get("validated_at"),
            "datastore_load_status": load_status(record)}


def load_status(record: dict[str, Any] | None) -> LoadStatus:
    """Whether the resource's CURRENT file (the record's fingerprint) is in the DataStore; the state
    itself is written by loading/load.py under the record's "datastore" key."""
    current = (record or {}).get("datastore") or {}
    if record and current.get("fingerprint") == record.get("fingerprint") and current.get("status"):
        return LoadStatus(current["status"])
    if not record or record.get("status") in (PENDING, SUCCESS):
        return LoadStatus.PENDING
    return LoadStatus.NOT_LOADED


