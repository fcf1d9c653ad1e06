"""Numbers as real exports write them (£ signs, separators, bracketed negatives), as plain numbers.
(Cells as text: westsuffolk_core.spreadsheets.cell_text.)"""
from __future__ import annotations

import functools
import re

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
