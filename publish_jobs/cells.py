"""Spreadsheet and CSV cells as the text the publish jobs work with."""
from __future__ import annotations

import datetime as dt


def cell_text(value) -> str:
    """openpyxl/csv cell -> text: dates as ISO, whole floats without '.0', None as ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
