"""Spreadsheet and CSV cells as the text the publish jobs work with."""
from __future__ import annotations

import datetime as dt
import functools
import re

EXCEL_DIGITS = 15  # Excel keeps 15 significant digits: 0.1 + 0.2 is shown, and meant, as 0.3


def cell_text(value) -> str:
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


CURRENCY_AND_SPACE = re.compile(r"[£$€\s]")  # \s covers the no-break spaces spreadsheets put in amounts
MINUS_SIGNS = ("\u2212", "\u2013")  # the minus sign and the en dash, pasted from documents
NUMBER_SEPARATORS = {"decimal": (".", ","), "thousands": (",", ".", " ", "'", "")}  # allowed in numbers:
DEFAULT_SEPARATORS = {"decimal": ".", "thousands": ","}


def plain_number(text: str, decimal: str = ".", thousands: str = ",") -> str | None:
    """'£(1,234.56)' -> '-1234.56': currency signs and spaces removed, bracketed and trailing-minus negatives
    signed, separators read as given; None when the text still is not a number ('1,5' with decimal '.')."""
    value = CURRENCY_AND_SPACE.sub("", text)
    for minus in MINUS_SIGNS:
        value = value.replace(minus, "-")
    sign = ""
    if len(value) > 2 and value[0] == "(" and value[-1] == ")":
        sign, value = "-", value[1:-1]
    elif len(value) > 1 and value[-1] == "-":
        sign, value = "-", value[:-1]
    elif value[:1] in ("-", "+"):
        sign, value = value[0].replace("+", ""), value[1:]
    if not _number_pattern(decimal, thousands.strip()).fullmatch(value):
        return None
    if thousands.strip():
        value = value.replace(thousands, "")
    whole, _, fraction = value.replace(decimal, ".").partition(".")
    return sign + (whole or "0") + (f".{fraction}" if fraction else "")


@functools.cache
def _number_pattern(decimal: str, thousands: str) -> re.Pattern:
    point = re.escape(decimal)
    whole = rf"[0-9]+|[0-9]{{1,3}}(?:{re.escape(thousands)}[0-9]{{3}})+" if thousands else "[0-9]+"
    return re.compile(rf"(?:{whole})(?:{point}[0-9]*)?|{point}[0-9]+")
