"""Scan any file for personal data, schema or not: every cell of every sheet of a workbook (hidden
ones too), every cell of a CSV (also beyond its headings), every line of a text file.

CKAN-free, and streaming: memory stays flat however long the file.
"""
from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass

from .personal_data import AllowList, is_payee_heading
from .validation.source import UTF8, open_skipping

# Formats scanned as lines of text (a table format is scanned cell by cell).
TEXT_FORMATS = frozenset({"txt", "json", "geojson", "jsonld", "xml", "rdf", "ttl", "html", "htm", "kml", "gml",
                          "md", "yaml", "yml", "ics", "vcf", "sql", "log"})
TABLE_FORMATS = frozenset({"csv", "tsv", "xlsx"})
_CSV_FIELD_LIMIT = 16 * 1024 * 1024  # one cell may hold a long text; the default 128 KiB refuses it


@dataclass(frozen=True)
class Finding:
    kind: str
    sample: str  # masked: enough to find the cell, never the personal data itself
    row: int  # 1-based, as in the file (the heading row is row 1); for text files the line
    column: int | None = None  # 1-based
    heading: str | None = None
    sheet: str | None = None


def scannable(format: str) -> bool:
    return format in TABLE_FORMATS or format in TEXT_FORMATS


def scan_file(path: str, format: str, encoding: str | None, skip_bytes: int, allow: AllowList,
              asset_id: str | None = None) -> Iterator[Finding]:
    """Findings in reading order. `encoding`/`skip_bytes` come from validation.source.inspect_source;
    UnicodeDecodeError is raised when the sniffed encoding proves wrong further on."""
    if format == "xlsx":
        yield from _scan_workbook(path, allow, asset_id)
    elif format in ("csv", "tsv"):
        yield from _scan_rows(_csv_rows(path, format, encoding, skip_bytes), allow, asset_id)
    else:
        yield from _scan_lines(path, encoding, skip_bytes, allow, asset_id)


def _scan_rows(rows: Iterator[list], allow: AllowList, asset_id: str | None,
               sheet: str | None = None) -> Iterator[Finding]:
    headings: list[str] = []
    payee: list[bool] = []
    for number, cells in enumerate(rows, start=1):
        if not headings and any(cell not in (None, "") for cell in cells):
            headings = ["" if cell is None else str(cell).strip() for cell in cells]
            payee = [is_payee_heading(heading) for heading in headings]
        for index, cell in enumerate(cells):
            if cell is None or not isinstance(cell, str) or not cell:
                continue
            is_payee = index < len(payee) and payee[index]
            for kind, sample in allow.findings(cell, payee=is_payee, asset_id=asset_id):
                heading = headings[index] if index < len(headings) and headings[index] else None
                yield Finding(kind, sample, number, index + 1, heading, sheet)
                break  # one finding per cell is enough to fix it


def _csv_rows(path: str, format: str, encoding: str | None, skip_bytes: int) -> Iterator[list]:
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    with open_skipping(path, skip_bytes) as raw:
        text = codecs.getreader(encoding or UTF8)(raw)
        dialect = csv.excel_tab if format == "tsv" else csv.excel
        yield from csv.reader(text, dialect)


def _scan_workbook(path: str, allow: AllowList, asset_id: str | None) -> Iterator[Finding]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            yield from _scan_rows(map(list, sheet.iter_rows(values_only=True)), allow, asset_id, sheet.title)
    finally:
        workbook.close()


def _scan_lines(path: str, encoding: str | None, skip_bytes: int, allow: AllowList,
                asset_id: str | None) -> Iterator[Finding]:
    with open_skipping(path, skip_bytes) as raw:
        text = codecs.getreader(encoding or UTF8)(raw)
        for number, line in enumerate(text, start=1):
            for kind, sample in allow.findings(line, asset_id=asset_id)[:1]:
                yield Finding(kind, sample, number)
