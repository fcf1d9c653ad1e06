"""A checked table file as a DataStore table: the one mapping of Frictionless types to PostgreSQL
types, the columns (from the file's table schema, or inferred over every value when it has none) and
the rows as canonical text for PostgreSQL COPY.

CKAN-free, like the rest of the core: the portal's loader (ckanext.westsuffolk.loading) writes what
this module prepares. Every value goes through the same reading, so the same file always gives the
same table. Files that cannot be a table (a PDF, a web page behind a link, 10,000 columns, headings
only) raise NotLoadable with words for the officer.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from frictionless import Detector, Dialect, FrictionlessException, Schema
from frictionless.resources import TableResource

from .validation.dates import with_fast_dates
from .validation.source import TEXT_FORMATS, inspect_source, next_encoding, open_skipping

__all__ = [
    "DATASTORE_TYPES",
    "DEFAULT_TYPE",
    "MAX_COLUMNS",
    "NotLoadable",
    "Table",
    "datastore_fields",
    "datastore_type",
    "primary_key",
    "write_rows",
]

# Frictionless field type -> PostgreSQL type of the DataStore column (anything else is text)
DATASTORE_TYPES = {
    "string": "text", "integer": "int8", "number": "numeric", "boolean": "bool", "date": "date",
    "datetime": "timestamp", "time": "time", "year": "int4",
}
DEFAULT_TYPE = "text"
MAX_COLUMNS = 1600 - 2  # PostgreSQL's limit per table, less the DataStore's _id and _full_text
MAX_NAME_LENGTH = 63  # PostgreSQL identifiers
PROGRESS_ROWS = 10_000
TABLE_FORMATS = (*TEXT_FORMATS, "xlsx")
_HTML = re.compile(rb"^\s*(<!doctype html|<html|<head|<body)", re.IGNORECASE)


class NotLoadable(Exception):
    """The file cannot be a DataStore table; the message says why, for the officer."""


@dataclass
class Table:
    """What the DataStore table will look like."""

    fields: list[dict]  # DataStore fields: id, type, info (label, notes)
    primary_key: list[str] = field(default_factory=list)
    inferred: bool = False
    row_count: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [f["id"] for f in self.fields]


def datastore_type(frictionless_type: str | None) -> str:
    return DATASTORE_TYPES.get(frictionless_type or "string", DEFAULT_TYPE)


def datastore_fields(schema: dict) -> list[dict]:
    """DataStore fields of a table schema descriptor: names, PostgreSQL types, labels and notes."""
    return [
        {"id": f["name"], "type": datastore_type(f.get("type")),
         "info": {"label": f.get("title", f["name"]), "notes": f.get("description", "")}}
        for f in schema["fields"]
    ]


def primary_key(schema: dict) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def text(value: Any) -> str | None:
    """The canonical text PostgreSQL reads for a typed cell (None is NULL)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value).replace("\x00", "")


def write_rows(path: str, schema: dict | None, out: IO[str], *, format: str | None = None,
               on_progress: Callable[[int], None] = lambda rows: None) -> Table:
    """Write the rows of the table file at `path` to `out` as CSV for COPY (no heading row) and say
    what the table looks like. With `schema` (a table schema descriptor) the columns and types are
    the schema's; without, they are inferred over every value of the file."""
    facts = inspect_source(path, format, TEXT_FORMATS)
    if facts.problem:
        raise NotLoadable(_source_problem(facts.format, facts.problem, facts.detail))
    if facts.format not in TABLE_FORMATS:
        raise NotLoadable(f'Files of type ".{facts.format}" are not tables; only CSV and Excel (.xlsx) are loaded.')
    with open(path, "rb") as handle:
        if _HTML.match(handle.read(2048)):
            raise NotLoadable("The file is a web page, not a table (a link that opens a page rather than the "
                              "file itself?). Link to the CSV or Excel file, or upload it.")
    while True:
        out.seek(0)
        out.truncate()
        try:
            return _write(facts, schema, out, on_progress)
        except UnicodeDecodeError:
            facts.encoding = next_encoding(facts.encoding)
            if facts.encoding is None:
                raise NotLoadable("The file's text could not be read in any encoding the portal knows. "
                                  'Save it as "CSV UTF-8 (Comma delimited)" and upload it again.') from None


def _source_problem(format: str, problem: str, detail: str | None) -> str:
    if problem == "empty-file":
        return "The file is empty."
    if detail:
        return f"The file is not a table the portal can read: {detail.rstrip('.')}."
    return f"The file is not a table the portal can read ({problem})."


def _open(facts, schema: Schema | None, stream) -> TableResource:
    options = {"encoding": facts.encoding} if facts.encoding else {}
    if schema is not None:
        options["schema"] = schema
    else:
        options["detector"] = Detector(field_type="any")
    resource = TableResource(data=stream, scheme="stream", format=facts.format, dialect=Dialect(header_rows=[1]),
                             **options)
    try:
        resource.open()
    except FrictionlessException as exc:
        resource.close()
        _raise_decoding(exc, facts)
        raise NotLoadable(f"The file could not be read as a table: {exc.error.note or exc.error.message}") from None
    return resource


def _raise_decoding(exc: FrictionlessException, facts) -> None:
    if exc.error.type == "encoding-error" and next_encoding(facts.encoding):
        raise UnicodeDecodeError(facts.encoding or "", b"", 0, 1, exc.error.note) from exc


def _write(facts, descriptor: dict | None, out: IO[str], on_progress: Callable[[int], None]) -> Table:
    writer = csv.writer(out, lineterminator="\n")
    if descriptor is None:
        return _write_inferred(facts, writer, on_progress)
    schema = _reading_schema(descriptor)
    names = schema.field_names
    table = Table(fields=datastore_fields(descriptor), primary_key=primary_key(descriptor))
    with open_skipping(facts.path, facts.skip_bytes) as stream, _open(facts, schema, stream) as resource:
        table.row_count = _copy_rows(resource, writer, on_progress, lambda row: [text(row[n]) for n in names],
                                     typed=True, facts=facts)
    if table.row_count == 0:
        raise NotLoadable("The file has column headings but no rows.")
    return table


def _reading_schema(descriptor: dict) -> Schema:
    """The schema without its constraints (the file was checked already): types only, read fast."""
    plain = {**descriptor, "fields": [{k: v for k, v in f.items() if k != "constraints"}
                                      for f in descriptor["fields"]]}
    plain.pop("primaryKey", None)
    plain.pop("foreignKeys", None)
    return with_fast_dates(Schema.from_descriptor(plain))


def _copy_rows(resource: TableResource, writer, on_progress, values: Callable, *, typed: bool, facts) -> int:
    count = 0
    try:
        for row in resource.row_stream:
            if typed:
                wrong = [e for e in row.errors if e.type == "type-error"]
                if wrong:
                    raise NotLoadable(f"Row {row.row_number}: {wrong[0].note or wrong[0].message}")
            writer.writerow(values(row))
            count += 1
            if count % PROGRESS_ROWS == 0:
                on_progress(count)
    except FrictionlessException as exc:
        _raise_decoding(exc, facts)
        raise NotLoadable(f"Reading stopped after row {count + 1}: {exc.error.note or exc.error.message}") from None
    except csv.Error as exc:
        raise NotLoadable(f"Reading stopped after row {count + 1}: {exc}") from None
    on_progress(count)
    return count


# --- tables without a schema: names and types inferred over every value --------------------------

_INTEGER = re.compile(r"[+-]?(0|[1-9][0-9]{0,17})")
_NUMBER = re.compile(r"[+-]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?|[+-]?0?\.[0-9]+")
_BOOLEAN = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?")
# narrowest first; "string" always fits
_CANDIDATES = ("integer", "number", "boolean", "date", "datetime")


def _fits(kind: str, value: Any) -> bool:
    if isinstance(value, str):
        value = value.strip()
        if kind == "integer":
            return bool(_INTEGER.fullmatch(value))
        if kind == "number":
            return bool(_NUMBER.fullmatch(value))
        if kind == "boolean":
            return value in _BOOLEAN
        if kind in ("date", "datetime"):
            if not (_DATE if kind == "date" else _DATETIME).fullmatch(value):
                return False
            try:
                (dt.date if kind == "date" else dt.datetime).fromisoformat(value)
            except ValueError:
                return False
            return True
        return False
    if isinstance(value, bool):
        return kind == "boolean"
    if isinstance(value, int):
        return kind in ("integer", "number") and abs(value) < 10**18
    if isinstance(value, (float, Decimal)):
        return kind == "number" and math.isfinite(value)
    if isinstance(value, dt.datetime):
        return kind == "datetime" or (kind == "date" and value.time() == dt.time(0))
    if isinstance(value, dt.date):
        return kind == "date"
    return False


def _typed_text(kind: str, value: Any) -> str | None:
    """Canonical text of a value in an inferred column (its type fits every value)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == "string":
        return text(value)
    if isinstance(value, str):
        value = value.strip()
        if kind == "boolean":
            return text(_BOOLEAN[value])
        if kind == "integer":
            return str(int(value))
        if kind == "number":
            return str(Decimal(value))
        return value.replace(" ", "T") if kind == "datetime" else value
    if kind == "date" and isinstance(value, dt.datetime):
        return value.date().isoformat()
    return text(value)


def column_names(labels: list[Any]) -> list[str]:
    """DataStore column names from a file's headings: trimmed, at most 63 characters, no leading
    underscore or double quote, blanks named "column N", repeats numbered."""
    names: list[str] = []
    taken: set[str] = set()
    for number, label in enumerate(labels, start=1):
        name = re.sub(r"\s+", " ", str(label if label is not None else "")).replace('"', "'").strip().lstrip("_")
        name = name[:MAX_NAME_LENGTH].strip() or f"column {number}"
        candidate, suffix = name, 2
        while candidate.lower() in taken:
            tail = f" {suffix}"
            candidate, suffix = name[:MAX_NAME_LENGTH - len(tail)] + tail, suffix + 1
        taken.add(candidate.lower())
        names.append(candidate)
    return names


def _write_inferred(facts, writer, on_progress: Callable[[int], None]) -> Table:
    # pass 1: which type fits every value of each column
    with open_skipping(facts.path, facts.skip_bytes) as stream, _open(facts, None, stream) as resource:
        labels = list(resource.labels)
        if not labels:
            raise NotLoadable("The file has no column headings.")
        if len(labels) > MAX_COLUMNS:
            raise NotLoadable(f"The file has {len(labels):,} columns; a DataStore table can have at most "
                              f"{MAX_COLUMNS:,}. Split it into narrower tables.")
        candidates = [list(_CANDIDATES) for _ in labels]
        rows = 0
        try:
            for row in resource.row_stream:
                rows += 1
                for index, value in enumerate(row.to_list()[:len(labels)]):
                    left = candidates[index]
                    if left and value is not None and not (isinstance(value, str) and not value.strip()):
                        candidates[index] = [kind for kind in left if _fits(kind, value)]
        except FrictionlessException as exc:
            _raise_decoding(exc, facts)
            raise NotLoadable(f"Reading stopped after row {rows + 1}: {exc.error.note or exc.error.message}") from None
    if rows == 0:
        raise NotLoadable("The file has column headings but no rows.")
    kinds = [left[0] if left else "string" for left in candidates]
    names = column_names(labels)
    fields = [{"id": name, "type": datastore_type(kind), "info": {"label": str(label or name), "notes": ""}}
              for name, kind, label in zip(names, kinds, labels, strict=True)]
    table = Table(fields=fields, inferred=True)
    if facts.format == "xlsx":
        table.notes.append("Only the workbook's first sheet was loaded.")
    # pass 2: the values as canonical text
    width = len(labels)
    with open_skipping(facts.path, facts.skip_bytes) as stream, _open(facts, None, stream) as resource:
        def values(row) -> list[str | None]:
            cells = (row.to_list() + [None] * width)[:width]
            return [_typed_text(kind, value) for kind, value in zip(kinds, cells, strict=True)]

        table.row_count = _copy_rows(resource, writer, on_progress, values, typed=False, facts=facts)
    return table

