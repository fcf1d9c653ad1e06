"""Load a resource's checked file into the DataStore and record how it went.

The state lives in the resource's validation record (validation/store.py) under "datastore":
  status       a westsuffolk_core.statuses.LoadStatus, about the file named by `fingerprint`
  message      for the officer: why it was not loaded, or what was loaded
  rows_done    rows read so far, and rows_total (the check's count) while loading
  table        what the DataStore holds now: {fingerprint, rows, columns, loaded_at, inferred}
A failed or refused load leaves `table` (and the DataStore) as they were: the last good table stays.
"""
from __future__ import annotations

import logging
import tempfile
from typing import Any

import ckan.plugins.toolkit as tk

from westsuffolk_core import datastore_tables, safe_fetch, table_schemas
from westsuffolk_core.statuses import LoadStatus, Status

from ..validation import files, records, store
from . import tables

log = logging.getLogger(__name__)


def state(record: dict[str, Any] | None) -> dict[str, Any]:
    return dict((record or {}).get("datastore") or {})


def _save(resource: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    record = store.read(resource["id"]) or records.pending_record(resource)
    record["datastore"] = {**state(record), **changes}
    store.write(resource, record)
    return record


def schema_of(resource: dict[str, Any]) -> dict | None:
    if not resource.get("schema"):
        return None
    name, version = table_schemas.parse_ref(resource["schema"])
    return table_schemas.get_descriptor(name, version)


def wanted(record: dict[str, Any] | None) -> bool:
    """Only a file that passed its check is loaded."""
    return bool(record) and record.get("status") == Status.SUCCESS


def refuse(resource: dict[str, Any], record: dict[str, Any], message: str) -> dict[str, Any]:
    return _save(resource, {"status": LoadStatus.NOT_LOADED, "fingerprint": record.get("fingerprint"),
                            "message": message, "rows_done": 0, "finished_at": records.now()})


def load(resource: dict[str, Any]) -> dict[str, Any]:
    """Load the resource's current file if its check passed; returns the updated record."""
    record = store.read(resource["id"])
    if files.file_format(resource) not in datastore_tables.TABLE_FORMATS and wanted(record):
        return refuse(resource, record, "Not loaded into the DataStore: only CSV and Excel (.xlsx) files are tables.")
    if not wanted(record):
        record = record or records.pending_record(resource)
        why = "did not pass its check"
        if record.get("status") == Status.ERROR and record.get("issues"):
            why = f"could not be read ({record['issues'][0]['message'].rstrip('.')})"
        kept = " The DataStore keeps the table of the last file that passed." if state(record).get("table") else ""
        return refuse(resource, record, f"This file {why}, so it was not loaded into the DataStore.{kept}")
    fingerprint = record.get("fingerprint")
    started = records.now()
    total = record.get("row_count") or None
    _save(resource, {"status": LoadStatus.LOADING, "fingerprint": fingerprint, "message": "Loading.",
                     "started_at": started, "rows_done": 0, "rows_total": total})
    due = records.due_every(lambda: records.PROGRESS_SECONDS)

    def progress(rows: int, phase: str = "Reading rows") -> None:
        if due():
            _save(resource, {"rows_done": rows, "message": f"{phase}: {rows:,}"
                             + (f" of {total:,}" if total else "") + "."})

    try:
        with files.resource_file(resource) as path, \
                tempfile.TemporaryFile("w+", encoding="utf-8", newline="", suffix=".csv") as rows_csv:
            table = datastore_tables.write_rows(path, schema_of(resource), rows_csv,
                                                format=files.file_format(resource), on_progress=progress)
            size = rows_csv.tell() or 1
            rows_csv.seek(0)
            tables.replace(resource["id"], table.fields, table.primary_key, rows_csv,
                           on_bytes=lambda done: progress(table.row_count * done // size, "Writing rows"))
    except datastore_tables.NotLoadable as problem:
        return refuse(resource, record, f"Not loaded into the DataStore: {problem}")
    except safe_fetch.FetchError as problem:  # the link, fetched again: refused or failing now (officer's words)
        log.warning("resource %s: link not fetched for loading: %s", resource["id"], problem.detail)
        return refuse(resource, record, f"Not loaded into the DataStore: {problem.message}")
    except Exception as problem:  # the DataStore or the file store failed: say so, keep the old table
        log.exception("loading resource %s into the DataStore failed", resource["id"])
        return _save(resource, {"status": LoadStatus.FAILED, "finished_at": records.now(), "message": (
            f"Loading into the DataStore failed ({problem.__class__.__name__}); the DataStore keeps the table "
            "it had. Try again later, or ask the portal's administrators.")})
    _mark_active(resource)
    columns = [{"id": f["id"], "type": f["type"]} for f in table.fields]
    how = "with column types inferred from the values" if table.inferred else f"with the types of {resource['schema']}"
    return _save(resource, {
        "status": LoadStatus.LOADED, "finished_at": records.now(), "rows_done": table.row_count,
        "message": " ".join([f"{table.row_count:,} rows loaded into the DataStore {how}.", *table.notes]),
        "table": {"fingerprint": fingerprint, "rows": table.row_count, "columns": columns,
                  "loaded_at": records.now(), "inferred": table.inferred}})


def _mark_active(resource: dict[str, Any]) -> None:
    """CKAN's flag for "this resource has a DataStore table" (what datastore_create sets)."""
    if tk.asbool(resource.get("datastore_active")):
        return
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("resource_patch")({"user": site_user["name"], "ignore_auth": True},
                                    {"id": resource["id"], "datastore_active": True})
