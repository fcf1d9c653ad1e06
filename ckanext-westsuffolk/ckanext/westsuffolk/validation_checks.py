"""Our own frictionless checks: formula-like text, and uniqueness in bounded memory.

A published CSV is opened in spreadsheets by the public; a text cell starting
with =, +, - or @ can be run as a formula ("CSV injection"). Only text fields
are checked, so a number field holding -12.50 is never flagged, and a text
cell that is just a signed number (e.g. "-12.50", "+44 1284 763233") is fine.
"""
from __future__ import annotations

import re
from operator import itemgetter
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, List

import attrs
from frictionless import Check, errors

from . import personal_data
from .validation_seen import SeenValues

if TYPE_CHECKING:
    from frictionless import Error, Row

FORMULA_START = ("=", "+", "-", "@")
_STARTS = frozenset(FORMULA_START)
# A sign followed only by digits, spaces and separators cannot call anything.
_SIGNED_NUMBER = re.compile(r"[+-][\d\s.,]*").fullmatch


def _text_columns(resource) -> list[tuple[int, str]]:
    """(position, name) of the text fields, in the schema the file is read with."""
    fields = resource.header.get_expected_fields()
    return [(i, f.name) for i, f in enumerate(fields) if f.type == "string"]


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
        self.__text_columns = _text_columns(self.resource)
        positions = [i for i, _ in self.__text_columns]
        self.__pick = itemgetter(*positions) if len(positions) > 1 else None
        self.__needed = max(positions, default=-1) + 1
        yield from []

    def validate_row(self, row: Row) -> Iterable[Error]:
        cells = row.cells
        if self.__pick is not None and len(cells) >= self.__needed:
            # fast path: nothing to do unless some text cell starts like a formula
            if not any(type(t) is str and t[:1] in _STARTS for t in self.__pick(cells)):
                return
        count = len(cells)
        for index, name in self.__text_columns:
            if index < count:
                text = cells[index]
                if type(text) is str and text[:1] in _STARTS and looks_like_formula(text):
                    yield FormulaCellError(
                        note=f'it starts with "{text[0]}"',
                        cells=_texts(cells),
                        row_number=row.row_number,
                        cell=text,
                        field_name=name,
                        field_number=index + 1,
                    )


@attrs.define(kw_only=True, repr=False)
class PersonalDataCellError(errors.CellError):
    type = "personal-data"
    title = "Possible Personal Data"
    description = "A text cell seems to hold personal data, which the portal never publishes."
    template = 'Cell in row "{rowNumber}" and field "{fieldName}" seems to contain {note}'


@attrs.define(kw_only=True, repr=False)
class personal_data_cell(Check):
    """Flag text cells holding e-mail addresses, phone, NI, bank or card numbers.

    Council role mailboxes are publishable. The error keeps only a masked sample, never the cell or
    its row, so reports do not repeat the personal data."""

    type = "personal-data"
    Errors: ClassVar[List] = [PersonalDataCellError]

    # published values that are not personal (e.g. the council's switchboard number); compared
    # without spaces and case
    allowed: List[str] = attrs.field(factory=list)

    def validate_start(self) -> Iterable[Error]:
        self.__text_columns = _text_columns(self.resource)
        self.__allowed = {_compact(value) for value in self.allowed}
        yield from []

    def validate_row(self, row: Row) -> Iterable[Error]:
        cells = row.cells
        count = len(cells)
        for index, name in self.__text_columns:
            text = cells[index] if index < count else None
            if type(text) is not str or not text:
                continue
            for kind, hit in personal_data.findings(text):
                if _compact(hit) in self.__allowed or (
                        kind == "an e-mail address" and personal_data.is_role_mailbox(hit)):
                    continue
                yield PersonalDataCellError(note=kind, cells=[], row_number=row.row_number,
                                            cell=personal_data.masked(hit), field_name=name,
                                            field_number=index + 1)
                break


def _compact(text: str) -> str:
    return "".join(text.split()).lower()


def _key(value: Any) -> str:
    """Text key under which equal typed values (e.g. 1.0 and 1.00) collide."""
    if isinstance(value, Decimal):
        return str(value.normalize())
    return repr(value) if isinstance(value, float) else str(value)


@attrs.define(kw_only=True, repr=False)
class unique_values(Check):
    """Frictionless' unique and primary-key checks, with memory that stays flat.

    Built with the constraints taken out of the schema the file is read with,
    so frictionless does not also keep every value in a dict.
    """

    type = "westsuffolk-unique"
    Errors: ClassVar[List] = [errors.UniqueError, errors.PrimaryKeyError]

    unique_fields: List[str] = attrs.field(factory=list)
    primary_key: List[str] = attrs.field(factory=list)

    def validate_start(self) -> Iterable[Error]:
        names = [f.name for f in self.resource.header.get_expected_fields()]  # type: ignore[attr-defined]
        self.__unique = [(names.index(n) + 1, n, SeenValues()) for n in self.unique_fields if n in names]
        has_key = bool(self.primary_key) and set(self.primary_key) <= set(names)
        # A one-field primary key that is also unique repeats exactly when the unique value does.
        one_field = len(self.primary_key) == 1
        self.__key_is_unique = has_key and one_field and self.primary_key[0] in self.unique_fields
        self.__key_seen = SeenValues() if has_key and not self.__key_is_unique else None
        self.__has_key = has_key
        yield from []

    def validate_row(self, row: Row) -> Iterable[Error]:
        repeated = None
        for field_number, name, seen in self.__unique:
            value = row[name]
            if value is not None:
                first = seen.add(_key(value), row.row_number)
                if first is not None:
                    if self.__key_is_unique and name == self.primary_key[0]:
                        repeated = first
                    yield errors.UniqueError(
                        note=f"the same as in the row at position {first}",
                        cells=_texts(row.cells),
                        row_number=row.row_number,
                        cell=str(value),
                        field_name=name,
                        field_number=field_number,
                    )
        if not self.__has_key:
            return
        values = [row[name] for name in self.primary_key]
        if all(v is None for v in values):
            note = 'cells composing the primary keys are all "None"'
        else:
            if not self.__key_is_unique:
                repeated = self.__key_seen.add(_KEY_SEPARATOR.join(map(_key, values)), row.row_number)
            note = None if repeated is None else f"the same as in the row at position {repeated}"
        if note:
            yield errors.PrimaryKeyError(note=note, cells=_texts(row.cells), row_number=row.row_number)

    def validate_end(self) -> Iterable[Error]:
        for _, _, seen in self.__unique:
            seen.close()
        if self.__key_seen is not None:
            self.__key_seen.close()
        yield from []


_KEY_SEPARATOR = "\x1f"


def _texts(cells: List[Any]) -> List[str]:
    return [str(c) if c is not None else "" for c in cells]
