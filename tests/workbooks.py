"""Excel workbooks for tests: named sheets of rows, some hidden (one builder for every suite)."""
from __future__ import annotations

import io

from openpyxl import Workbook


def workbook_bytes(sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# The personal data the workbook tests hide in a second sheet.
PERSONAL_SHEET = [["Name", "Email", "NI number", "Sort code", "Account"],
                  ["Resident", "jane.doe@gmail.com", "AB 12 34 56 C", "20-00-00", "Account no 12345678"]]
