"""Our own frictionless checks: formula-like text, personal data, uniqueness in bounded memory,
and numbers under a schema's threshold.

A published CSV is opened in spreadsheets by the public; a text cell starting
with =, +, - or @ can be run as a formula ("CSV injection"). Only text fields
are checked, so a number field holding -12.50 is never flagged, and a text
cell that is just a signed number (e.g. "-12.50", "+44 1284 763233") is fine.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from frictionless import Check, errors

from .. import personal_data
from .messages import row_list
from .seen import SeenValues

if TYPE_CHECKING:
    from frictionless import Error, Row

FORMULA_START = ("=", "+", "-", "@")
PAYEE = "payee"  # field property: the column names who was paid (personal titles are looked for)
WARN_BELOW = "warnBelow"  # field property: numbers under it are worth a warning
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
    Errors: ClassVar[list] = [FormulaCellError]

    def validate_start(self) -> Iterable[Error]:
        # Positions of the text columns; the raw cell is the text as read.
        self.__text_columns = _text_columns(self.resource)
        positions = [i for i, _ in self.__text_columns]
        self.__pick = itemgetter(*positions) if len(positions) > 1 else None
        self.__needed = max(positions, default=-1) + 1
        yield from []

    def validate_row(self, row: Row) -> Iterable[Error]:
        cells = row.cells
        # fast path: nothing to do unless some text cell starts like a formula
        if (self.__pick is not None and len(cells) >= self.__needed
                and not any(type(t) is str and t[:1] in _STARTS for t in self.__pick(cells))):
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
    """Flag text cells holding e-mail addresses, phone, NI, bank or card numbers, and, in columns
    saying who was paid, names with personal titles; what the allow-list allows passes.

    The error keeps only a masked sample, never the cell or its row, so reports do not repeat the
    personal data."""

    type = "personal-data"
    Errors: ClassVar[list] = [PersonalDataCellError]

    allow: Any = attrs.field(factory=personal_data.AllowList)  # a personal_data.AllowList
    asset_id: Any = None  # the register asset the file belongs to (values allowed for it only)

    def validate_start(self) -> Iterable[Error]:
        fields = self.resource.header.get_expected_fields()
        self.__text_columns = [
            (index, name, field.custom.get(PAYEE) or personal_data.is_payee_heading(name, field.title))
            for index, name in _text_columns(self.resource) for field in (fields[index],)]
        yield from []

    def validate_row(self, row: Row) -> Iterable[Error]:
        cells = row.cells
        count = len(cells)
        for index, name, payee in self.__text_columns:
            text = cells[index] if index < count else None
            if type(text) is not str or not text:
                continue
            for kind, sample in self.allow.findings(text, payee=payee, asset_id=self.asset_id)[:1]:
                yield PersonalDataCellError(note=kind, cells=[], row_number=row.row_number, cell=sample,
                                            field_name=name, field_number=index + 1)


@attrs.define(kw_only=True, repr=False)
class threshold_note(Check):
    """Warn, without failing, about numbers under a field's `warnBelow` (e.g. lines under £500 in
    "Spending over £500"): the table may hold more than its title says."""

    type = "westsuffolk-threshold"
    Errors: ClassVar[list] = []

    title: str = ""
    row_of: Any = None  # row number to report for a file row (None: the same)
    warnings: list[str] = attrs.field(factory=list)

    def validate_start(self) -> Iterable[Error]:
        fields = self.resource.header.get_expected_fields()
        self.__limits = [(f.name, f.custom[WARN_BELOW]) for f in fields
                         if isinstance(f.custom.get(WARN_BELOW), (int, float)) and f.type in ("number", "integer")]
        self.__below = {name: [] for name, _ in self.__limits}
        self.__counts = dict.fromkeys(self.__below, 0)
        yield from []

    def validate_row(self, row: Row) -> Iterable[Error]:
        for name, limit in self.__limits:
            value = row[name]
            if value is not None and not isinstance(value, str) and value < limit:
                self.__counts[name] += 1
                if len(self.__below[name]) < 3:
                    self.__below[name].append(self.row_of(row.row_number) if self.row_of else row.row_number)
        yield from []

    def validate_end(self) -> Iterable[Error]:
        for name, limit in self.__limits:
            count = self.__counts[name]
            if count:
                rows = row_list(self.__below[name], len(self.__below[name]))
                self.warnings.append(
                    f'{count:,} row{"s have" if count != 1 else " has"} a value under {limit:,} in column "{name}" '
                    f'(for example {rows}). This table is "{self.title}": check that the file holds only what '
                    "the title says.")
        yield from []


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
    Errors: ClassVar[list] = [errors.UniqueError, errors.PrimaryKeyError]

    unique_fields: list[str] = attrs.field(factory=list)
    primary_key: list[str] = attrs.field(factory=list)

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
        for field_number, name, seen in self.__unique:
            value = row[name]
            if value is not None:
                first = seen.add(_key(value), row.row_number)
                if first is not None:
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
        elif self.__key_is_unique:
            note = None  # a repeated one-field key is the unique error above: counted once
        else:
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


def _texts(cells: list[Any]) -> list[str]:
    return [str(c) if c is not None else "" for c in cells]
