"""Our own frictionless checks: text that a spreadsheet would run as a formula.

A published CSV is opened in spreadsheets by the public; a text cell starting
with =, +, - or @ can be run as a formula ("CSV injection"). Only text fields
are checked, so a number field holding -12.50 is never flagged, and a text
cell that is just a signed number (e.g. "-12.50", "+44 1284 763233") is fine.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Iterable, List

import attrs
from frictionless import Check, errors

if TYPE_CHECKING:
    from frictionless import Error, Row

FORMULA_START = ("=", "+", "-", "@")
# A sign followed only by digits, spaces and separators cannot call anything.
_SIGNED_NUMBER = re.compile(r"[+-][\d\s.,]*").fullmatch


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not _SIGNED_NUMBER(text)


@attrs.define(kw_only=True, repr=False)
class FormulaCellError(errors.CellError):
    type = "formula-cell"
    title = "Formula Cell"
    description = "A text cell starts with a character that makes spreadsheets run it as a formula."
    template = 'Cell in row "{rowNumber}" and field "{fieldName}" looks like a formula: {note}'


@attrs.define(kw_only=True, repr=False)
class formula_cell(Check):
    """Flag text cells that start like a spreadsheet formula."""

    type = "formula-cell"
    Errors: ClassVar[List] = [FormulaCellError]

    def validate_start(self) -> Iterable[Error]:
        # Positions of the text columns; the raw cell is the text as read.
        fields = self.resource.header.get_expected_fields()  # type: ignore[attr-defined]
        self.__text_columns = [(i, f.name) for i, f in enumerate(fields) if f.type == "string"]
        yield from []

    def validate_row(self, row: Row) -> Iterable[Error]:
        cells = row.cells
        count = len(cells)
        for index, name in self.__text_columns:
            if index < count:
                text = cells[index]
                if type(text) is str and text[:1] in FORMULA_START and looks_like_formula(text):
                    yield FormulaCellError(
                        note=f'it starts with "{text[0]}"',
                        cells=[str(c) if c is not None else "" for c in cells],
                        row_number=row.row_number,
                        cell=text,
                        field_name=name,
                        field_number=index + 1,
                    )
