"""CSV the portal writes itself (templates, exports) is opened in Excel by officers and residents: a
cell starting with =, +, -, @, a tab or a carriage return is read there as a formula, which can run
commands or send data elsewhere (CSV injection). `guard` makes such a cell plain text by prefixing an
apostrophe; numbers ("-12.50", "+44") stay numbers. `writer` is csv.writer with every cell guarded.

Use it only for CSV the portal composes from values others typed; files officers upload are served
as they uploaded them (that is the data they publish).
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and full-width
NUMBER = re.compile(r"[+-]?(\d+([.,]\d+)*|\.\d+)([eE][+-]?\d+)?")


def guard(value: Any) -> Any:
    """The cell as Excel should see it: text that would start a formula gets a leading apostrophe."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS) or NUMBER.fullmatch(value):
        return value
    return "'" + value


def guard_row(row: Iterable[Any]) -> list[Any]:
    return [guard(value) for value in row]


class _GuardedWriter:
    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(guard_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]):
        for row in rows:
            self.writerow(row)


def writer(out, **options) -> _GuardedWriter:
    """csv.writer(out, **options) whose every cell goes through `guard`."""
    return _GuardedWriter(out, **options)
