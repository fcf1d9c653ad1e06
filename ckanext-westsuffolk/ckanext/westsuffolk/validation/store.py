"""Where the portal keeps each resource's latest check: the table westsuffolk_validation_result in
PostgreSQL (migration 0002), seen alike by every web replica and worker."""
from __future__ import annotations

from typing import Any

from ckan import model

from ..model import ValidationResultRecord

__all__ = ["delete", "failing", "read", "statuses", "write"]
# What status_fields() needs of a record: read alone, without the issues (one query per dataset).
STATUS_KEYS = ("status", "error_count", "row_count", "validated_at", "fingerprint")


def read(resource_id: str) -> dict[str, Any] | None:
    row = model.Session.get(ValidationResultRecord, resource_id)
    return dict(row.record) if row is not None else None


def statuses(resource_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The status part of each resource's record, by resource id (one query)."""
    if not resource_ids:
        return {}
    record = ValidationResultRecord.record
    rows = model.Session.query(ValidationResultRecord.resource_id, *(record[key] for key in STATUS_KEYS),
                               record["datastore"]["status"], record["datastore"]["fingerprint"]).filter(
        ValidationResultRecord.resource_id.in_(resource_ids))
    found = {}
    for resource_id, *values in rows:
        found[resource_id] = dict(zip(STATUS_KEYS, values[:len(STATUS_KEYS)], strict=True))
        found[resource_id]["datastore"] = {"status": values[-2], "fingerprint": values[-1]}
    return found


def write(resource: dict[str, Any], record: dict[str, Any]) -> None:
    """Store `record` as the check of `resource` (a resource dict: its id and package_id)."""
    row = model.Session.get(ValidationResultRecord, resource["id"])
    if row is None:
        row = ValidationResultRecord(resource_id=resource["id"])
        model.Session.add(row)
    elif "datastore" not in record and row.record.get("datastore"):
        record = {**record, "datastore": row.record["datastore"]}  # a new check keeps the DataStore's state
    row.package_id = resource.get("package_id") or row.package_id
    row.status = str(record["status"])
    row.record = _plain(record)
    model.Session.commit()


def delete(resource_id: str) -> None:
    model.Session.query(ValidationResultRecord).filter_by(resource_id=resource_id).delete()
    model.Session.commit()


def failing(statuses: tuple[str, ...] = ("failure", "error")) -> list[tuple[str, str | None, str]]:
    """(resource id, dataset id, status) of every resource whose latest check did not pass."""
    rows = model.Session.query(ValidationResultRecord.resource_id, ValidationResultRecord.package_id,
                               ValidationResultRecord.status).filter(ValidationResultRecord.status.in_(statuses))
    return [tuple(row) for row in rows]


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe copy (status enums become their text)."""
    import json

    return json.loads(json.dumps(record, default=str))
