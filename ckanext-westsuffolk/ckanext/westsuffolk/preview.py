"""Table previews rendered on the server: the first rows of a CSV, TSV or XLSX file (readable with
JavaScript off), a simple chart where the table schema has a category or date and a numeric
measure, and CKAN's DataTables view for every table the DataStore holds."""
from __future__ import annotations

import codecs
import csv
import io
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any

import ckan.plugins.toolkit as tk

from . import pages

log = logging.getLogger(__name__)

PREVIEW_ROWS = 10
CHART_MAX_ROWS = 100_000  # rows read to draw a chart; larger tables are charted from their start
CHART_MAX_BARS = 12
_SNIFF_BYTES = 64 * 1024
DATATABLES_VIEW = "datatables_view"


@dataclass(frozen=True)
class Chart:
    title: str
    category_title: str
    measure_title: str
    bars: tuple[tuple[str, float], ...]
    rows_read: int
    truncated: bool

    @property
    def largest(self) -> float:
        return max((abs(v) for _, v in self.bars), default=0) or 1


@dataclass(frozen=True)
class Preview:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total_rows: int | None
    source: str  # "file" or "datastore"
    chart: Chart | None = None


# ---- reading tables -----------------------------------------------------------------------------

def _decode_stream(path: str) -> io.TextIOBase:
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "cp1252"
    return open(path, encoding=encoding, errors="replace", newline="")


def _text_rows(path: str, delimiter: str) -> Iterator[list[str]]:
    with _decode_stream(path) as text:
        yield from csv.reader(text, delimiter=delimiter)


def _xlsx_rows(path: str) -> Iterator[list[str]]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if cell is None else _cell_text(cell) for cell in row]
    finally:
        workbook.close()


def _cell_text(cell: Any) -> str:
    if hasattr(cell, "isoformat"):
        text = cell.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _file_format(resource: dict[str, Any]) -> str | None:
    url = (resource.get("url") or "").split("?")[0].lower()
    for ext in pages.TABULAR_FORMATS:
        if url.endswith("." + ext):
            return ext
    fmt = (resource.get("format") or "").strip().lower()
    return fmt if fmt in pages.TABULAR_FORMATS else None


def rows_of(path: str, fmt: str) -> Iterator[list[str]]:
    if fmt == "xlsx":
        return _xlsx_rows(path)
    return _text_rows(path, "\t" if fmt == "tsv" else ",")


def _stored_path(resource: dict[str, Any]) -> str | None:
    if resource.get("url_type") != "upload":
        return None
    from ckan.lib import uploader

    return uploader.get_resource_uploader(resource).get_path(resource["id"])


# ---- charts -------------------------------------------------------------------------------------

def _schema_fields(resource: dict[str, Any]) -> list[dict[str, Any]]:
    ref = resource.get("schema")
    if not ref:
        return []
    from westsuffolk_core import table_schemas

    name, version = table_schemas.parse_ref(ref)
    try:
        return table_schemas.get_descriptor(name, version).get("fields", [])
    except table_schemas.SchemaNotFound:
        return []


def chart_fields(fields: list[dict[str, Any]]) -> tuple[dict, dict, str] | None:
    """(category field, measure field, grouping) from a table schema, or None.

    The category is the first field whose values are a fixed list (an `enum` constraint), else the
    first date (grouped by month); the measure is the first `number` field (counts and codes held in
    `integer` fields, such as UPRNs, are not added up)."""
    measure = next((f for f in fields if f.get("type") == "number"), None)
    if measure is None:
        return None
    category = next((f for f in fields
                     if f.get("type") == "string" and (f.get("constraints") or {}).get("enum")), None)
    if category is not None:
        return category, measure, "value"
    date = next((f for f in fields if f.get("type") == "date"), None)
    return (date, measure, "month") if date is not None else None


def _number(text: str) -> float | None:
    cleaned = text.replace(",", "").replace("£", "").strip()
    try:
        return float(cleaned) if cleaned else None
    except ValueError:
        return None


def build_chart(header: list[str], rows: Iterable[list[str]], fields: list[dict[str, Any]]) -> Chart | None:
    picked = chart_fields(fields)
    if picked is None:
        return None
    category, measure, grouping = picked
    try:
        c_index, m_index = header.index(category["name"]), header.index(measure["name"])
    except ValueError:
        return None  # the file's headings do not match the schema: no chart rather than a wrong one
    totals: dict[str, float] = defaultdict(float)
    read = 0
    for row in islice(rows, CHART_MAX_ROWS):
        read += 1
        if max(c_index, m_index) >= len(row):
            continue
        value = _number(row[m_index])
        key = row[c_index].strip()
        if value is None or not key:
            continue
        totals[key[:7] if grouping == "month" else key] += value
    if len(totals) < 2:
        return None
    if grouping == "month":
        bars = sorted(totals.items())[-CHART_MAX_BARS:]
    else:
        ranked = sorted(totals.items(), key=lambda kv: -abs(kv[1]))
        bars = ranked[:CHART_MAX_BARS]
        if len(ranked) > CHART_MAX_BARS:
            bars.append(("All others", sum(v for _, v in ranked[CHART_MAX_BARS:])))
    category_title = category.get("title") or category["name"]
    measure_title = measure.get("title") or measure["name"]
    by = f"month of {category_title.lower()}" if grouping == "month" else category_title.lower()
    return Chart(title=f"Total {measure_title.lower()} by {by}",
                 category_title=category_title if grouping == "value" else "Month", measure_title=measure_title,
                 bars=tuple((k, round(v, 2)) for k, v in bars), rows_read=read, truncated=read >= CHART_MAX_ROWS)


# ---- previews -----------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _file_preview(path: str, fmt: str, schema_ref: str, _version: str) -> Preview | None:
    """Cached per file version (_version changes whenever the file does)."""
    rows = rows_of(path, fmt)
    try:
        header = next(rows)
    except StopIteration:
        return None
    first = list(islice(rows, PREVIEW_ROWS))
    fields = _schema_fields({"schema": schema_ref}) if schema_ref else []
    chart = None
    if chart_fields(fields):
        all_rows = rows_of(path, fmt)
        next(all_rows, None)
        chart = build_chart(header, all_rows, fields)
    width = len(header)
    return Preview(columns=tuple(header), total_rows=None, source="file", chart=chart,
                   rows=tuple(tuple((row + [""] * width)[:width]) for row in first))


def _datastore_preview(resource: dict[str, Any]) -> Preview | None:
    try:
        result = tk.get_action("datastore_search")({}, {"resource_id": resource["id"],
                                                        "limit": PREVIEW_ROWS})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return None
    columns = [f["id"] for f in result.get("fields", []) if f["id"] != "_id"]
    rows = tuple(tuple("" if r.get(c) is None else _cell_text(r.get(c)) for c in columns)
                 for r in result["records"])
    return Preview(columns=tuple(columns), rows=rows, total_rows=result.get("total"), source="datastore")


def table_preview(resource: dict[str, Any]) -> Preview | None:
    """The first rows of a tabular resource: from its stored file, else from the DataStore."""
    if not pages.is_tabular(resource):
        return None
    fmt = _file_format(resource)
    path = _stored_path(resource) if fmt else None
    if path:
        version = "|".join(str(resource.get(k) or "") for k in ("last_modified", "size", "hash", "url"))
        try:
            return _file_preview(path, fmt, resource.get("schema") or "", version)
        except (OSError, csv.Error, ValueError, KeyError, IndexError) as problem:
            log.warning("no preview for resource %s: %s", resource.get("id"), problem)
            return None
        except Exception as problem:  # openpyxl raises its own errors on damaged workbooks
            log.warning("no preview for resource %s: %r", resource.get("id"), problem)
            return None
    if resource.get("datastore_active"):
        return _datastore_preview(resource)
    return None


# ---- the DataTables view ------------------------------------------------------------------------

def ensure_table_view(context: dict, resource: dict[str, Any]) -> None:
    """Give a resource the DataStore already holds CKAN's DataTables view (views are made when a
    resource is created, before the publish jobs load its table, so CKAN alone never adds it)."""
    if not resource.get("datastore_active") or not resource.get("id"):
        return
    admin = {"ignore_auth": True, "user": context.get("user") or ""}
    views = tk.get_action("resource_view_list")(admin, {"id": resource["id"]})
    if any(v.get("view_type") == DATATABLES_VIEW for v in views):
        return
    try:
        tk.get_action("resource_create_default_resource_views")(
            admin, {"resource": resource, "create_datastore_views": True})
    except (tk.ObjectNotFound, tk.ValidationError) as problem:
        log.warning("could not add the DataTables view to resource %s: %s", resource.get("id"), problem)
