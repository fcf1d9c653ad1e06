"""What changed when a table is republished: the rows of the current release, read from the portal's
DataStore before the new file replaces them, compared by primary key with the new (checked) extract.

The rules and the words are westsuffolk_core.releases; this module only fetches the rows and writes the
result on the resource (`release_note`, `release_diff`) in the same write that marks it complete (its
hash). Rows are compared only when the current release is a complete one (its hash is set: a run that
stopped half-way may already have replaced the table), the schema has a primary key and the table has
the schema's columns; otherwise the note says why they were not compared.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from westsuffolk_core import releases
from westsuffolk_core.dataset_fields import RELEASE_DIFF_FIELD, RELEASE_NOTE_FIELD

from .portal import NotOnPortal
from .settings import HASH_PREFIX

__all__ = ["PAGE_ROWS", "Before", "Release", "before", "records"]

PAGE_ROWS = 10000
NOT_COMPLETE = "the earlier release was not finished"
NO_KEY = "it has no primary key"
NEW_COLUMNS = "its columns changed"
NO_TABLE = "the earlier table could not be read"


@dataclass
class Before:
    """The current release's rows, or why they cannot be compared."""

    rows: list[dict] | None
    why_not: str = ""


def records(csv_bytes: bytes) -> list[dict]:
    """Rows of a published CSV; empty cells are None, as in the DataStore."""
    reader = csv.DictReader(io.StringIO(csv_bytes.decode("utf-8"), newline=""))
    return [{key: (value if value != "" else None) for key, value in row.items()} for row in reader]


def before(read: Callable, resource: dict | None, schema: dict) -> Before | None:
    """The rows a replacement will change (None: the file is new, nothing is replaced)."""
    if resource is None:
        return None
    if not releases.primary_key(schema):
        return Before(None, NO_KEY)
    if not str(resource.get("hash") or "").startswith(HASH_PREFIX):
        return Before(None, NOT_COMPLETE)
    if not resource.get("datastore_active"):
        return Before(None, NO_TABLE)
    rows: list[dict] = []
    try:
        while True:
            page = read("datastore_search", resource_id=resource["id"], limit=PAGE_ROWS, offset=len(rows), sort="_id")
            if not rows and {f["id"] for f in page["fields"]} - {"_id"} != {f["name"] for f in schema["fields"]}:
                return Before(None, NEW_COLUMNS)
            rows += page["records"]
            if len(page["records"]) < PAGE_ROWS:
                return Before(rows)
    except NotOnPortal:
        return Before(None, NO_TABLE)


@dataclass
class Release:
    """The note and diff written on the resource (the diff keeps the first keys of each kind) and, for the
    run report, the diff with every key."""

    note: str
    fields: dict
    changes: dict

    @classmethod
    def of(cls, schema: dict, csv_bytes: bytes, rows: int, earlier: Before | None) -> Release:
        released = {"released_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        if earlier is not None and earlier.rows is not None:
            changes = releases.diff(schema, earlier.rows, records(csv_bytes))
            note = releases.note(schema, changes)
            kept = {**releases.record(changes), **released}
            every = {**releases.record(changes, keys_kept=len(earlier.rows) + changes.rows), **released}
        else:
            first = releases.first_note(schema, rows)
            if earlier is not None:  # replaced, but not compared
                note = f"Replaced: {first.split(': ', 1)[1][:-1]}; rows were not compared because {earlier.why_not}."
            else:
                note = first
            kept = every = {"rows": rows, **released}
        return cls(note, {RELEASE_NOTE_FIELD: note, RELEASE_DIFF_FIELD: json.dumps(kept, ensure_ascii=False)}, every)
