"""Load a published table into the portal's DataStore: typed columns, primary key, chunked upserts."""
from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator

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
         replace: bool, after_chunk: Callable[[int], None] = lambda done: None,
         read: Callable | None = None) -> int:
    """Fill the resource's DataStore table; returns the number of rows loaded.

    Replacing a table that has the same columns and a primary key is done in place: upsert every
    row, then delete the rows the new extract no longer has. Readers (the table may be public) see
    old and new rows, never a half-empty table. Otherwise the table is recreated."""
    primary_key = schema.get("primaryKey") or []
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    fields = datastore_fields(schema)
    in_place = bool(replace and primary_key and read and _same_columns(read, resource_id, fields))
    existing = _keys(read, resource_id, primary_key) if in_place else set()
    if not in_place:
        if replace:
            with contextlib.suppress(NotOnPortal):  # no table yet (an earlier run stopped before creating it)
                write("datastore_delete", resource_id=resource_id, force=True)
        write("datastore_create", resource_id=resource_id, fields=fields, primary_key=primary_key, force=True)
    method = "upsert" if primary_key else "insert"
    rows = records(csv_bytes)
    done = 0
    for chunk in chunks(rows, chunk_rows):
        write("datastore_upsert", resource_id=resource_id, records=chunk, method=method, force=True)
        done += len(chunk)
        after_chunk(done)
    stale = existing - {tuple(str(row[name]) for name in primary_key) for row in rows}
    for key in sorted(stale):
        write("datastore_delete", resource_id=resource_id, force=True,
              filters=dict(zip(primary_key, key, strict=True)))
    return done


def _same_columns(read: Callable, resource_id: str, fields: list[dict]) -> bool:
    try:
        found = read("datastore_search", resource_id=resource_id, limit=0)["fields"]
    except NotOnPortal:
        return False
    have = {f["id"]: f["type"] for f in found if f["id"] != "_id"}
    return have == {f["id"]: f["type"] for f in fields}


KEY_PAGE = 10000


def _keys(read: Callable, resource_id: str, primary_key: list[str]) -> set[tuple[str, ...]]:
    """Primary keys already in the table, as text."""
    keys: set[tuple[str, ...]] = set()
    offset = 0
    while True:
        page = read("datastore_search", resource_id=resource_id, fields=",".join(primary_key),
                    limit=KEY_PAGE, offset=offset, sort="_id")["records"]
        keys.update(tuple(str(record[name]) for name in primary_key) for record in page)
        if len(page) < KEY_PAGE:
            return keys
        offset += KEY_PAGE
