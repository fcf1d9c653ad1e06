"""Load a published table into the portal's DataStore: typed columns, primary key, chunked upserts."""
from __future__ import annotations

import csv
import io
from typing import Callable, Iterator

from .portal import NotOnPortal

# Frictionless field type -> PostgreSQL type used by the DataStore
DATASTORE_TYPES = {
    "string": "text", "integer": "int8", "number": "numeric", "boolean": "bool", "date": "date",
    "datetime": "timestamp", "time": "time", "year": "int4",
}
DEFAULT_TYPE = "text"


def datastore_fields(schema: dict) -> list[dict]:
    return [
        {"id": field["name"], "type": DATASTORE_TYPES.get(field.get("type", "string"), DEFAULT_TYPE),
         "info": {"label": field.get("title", field["name"]), "notes": field.get("description", "")}}
        for field in schema["fields"]
    ]


def records(csv_bytes: bytes) -> list[dict]:
    """Rows of the published CSV as DataStore records; empty cells are NULL."""
    reader = csv.DictReader(io.StringIO(csv_bytes.decode("utf-8"), newline=""))
    return [{key: (value if value != "" else None) for key, value in row.items()} for row in reader]


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load(write: Callable, resource_id: str, schema: dict, csv_bytes: bytes, chunk_rows: int,
         replace: bool, after_chunk: Callable[[int], None] = lambda done: None) -> int:
    """Recreate the resource's DataStore table and fill it; returns the number of rows loaded."""
    primary_key = schema.get("primaryKey") or []
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    if replace:
        try:
            write("datastore_delete", resource_id=resource_id, force=True)
        except NotOnPortal:
            pass  # no table yet (e.g. an earlier run stopped before creating it)
    write("datastore_create", resource_id=resource_id, fields=datastore_fields(schema),
          primary_key=primary_key, force=True)
    method = "upsert" if primary_key else "insert"
    rows = records(csv_bytes)
    done = 0
    for chunk in chunks(rows, chunk_rows):
        write("datastore_upsert", resource_id=resource_id, records=chunk, method=method, force=True)
        done += len(chunk)
        after_chunk(done)
    return done
