"""Spreadsheet cells as text, and which sheets of a workbook hold anything: one reading for the
validation engine, the personal-data scan and the publish jobs' extracts and register."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

EXCEL_DIGITS = 15  # Excel keeps 15 significant digits: 0.1 + 0.2 is shown, and meant, as 0.3


def cell_text(value: Any) -> str:
    """openpyxl/csv cell -> text: dates as ISO, numbers as Excel shows them (no '.0'), None as ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = f"{value:.{EXCEL_DIGITS}g}"
        return text if "e" not in text else repr(value)
    return str(value)


def sheet_has_content(sheet) -> bool:
    """Whether an openpyxl worksheet holds any value other than blanks."""
    return any(cell_text(value).strip() for row in sheet.iter_rows(values_only=True) for value in row)


def sheets_with_data(path: str | Path) -> list[str]:
    """Names of the sheets of an .xlsx workbook that hold anything (hidden sheets too)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return [sheet.title for sheet in workbook.worksheets if sheet_has_content(sheet)]
    finally:
        workbook.close()
