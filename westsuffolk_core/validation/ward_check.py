"""The check of a ward-level table (a schema with `wardLevel`, see westsuffolk_core.ward_level): every
ward code is one of West Suffolk's wards, and a ward name in the same row is that ward's.

- " e05012763" or "e05012763" is read as E05012763 (the documented normalisation): a warning, not an error.
- A code one character from one of today's wards, the district's code, a ward's name or anything else
  that is not a ward code is an error that says which ward the value nearly matches.
- A well-formed ward code far from every one of today's (wards before the May 2019 boundary changes,
  say) passes with a warning: the portal shows such rows separately and never adds them to today's wards.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from frictionless import Check, errors

from ..ward_level import BOUNDARIES_FROM, WardLevel, code_problem, current_codes, names_match, normalise_code
from .messages import row_list

if TYPE_CHECKING:
    from frictionless import Error, Row

__all__ = ["WardCodeError", "WardNameError", "ward_codes"]

EXAMPLES = 3
_MEMO_LIMIT = 10_000  # distinct values remembered (a column of junk must not grow memory for ever)


@attrs.define(kw_only=True, repr=False)
class WardCodeError(errors.CellError):
    type = "ward-code"
    title = "Not a West Suffolk ward"
    description = "A ward code is not the ONS code of one of West Suffolk's wards."
    template = 'Cell in row "{rowNumber}" and field "{fieldName}" is not a West Suffolk ward code: {note}'


@attrs.define(kw_only=True, repr=False)
class WardNameError(errors.CellError):
    type = "ward-name"
    title = "Ward name does not match its code"
    description = "The ward name in a row is not the name of the ward whose code is in the same row."
    template = 'Cell in row "{rowNumber}" and field "{fieldName}" does not match the ward code: {note}'


@attrs.define(kw_only=True, repr=False)
class ward_codes(Check):
    """Ward codes against the council's wards list; warnings (normalised codes, other wards) are
    collected in `warnings` for the report."""

    type = "westsuffolk-ward-codes"
    Errors: ClassVar[list] = [WardCodeError, WardNameError]

    level: Any = None  # a WardLevel
    row_of: Any = None  # row number to report for a file row (None: the same)
    warnings: list[str] = attrs.field(factory=list)

    def validate_start(self) -> Iterable[Error]:
        level: WardLevel = self.level
        names = [field.name for field in self.resource.header.get_expected_fields()]
        self.__code = level.ward_code
        self.__code_number = names.index(level.ward_code) + 1 if level.ward_code in names else None
        self.__name = level.ward_name if level.ward_name in names else None
        self.__name_number = names.index(level.ward_name) + 1 if self.__name else None
        self.__known = current_codes()
        self.__problems: dict[str, tuple[str, str | None] | None] = {}
        self.__names_ok: dict[tuple[str, str], bool] = {}
        self.__normalised: list[tuple[int, str]] = []  # (row, value) examples
        self.__normalised_count = 0
        self.__others: Counter = Counter()
        self.__other_rows: list[int] = []
        yield from []

    def validate_row(self, row: Row) -> Iterable[Error]:
        if self.__code_number is None:
            return
        raw = row.get(self.__code)
        if raw is None or raw == "":
            return
        name = row.get(self.__name) if self.__name else None
        code = raw if raw in self.__known else None
        if code is None:
            code = normalise_code(raw)
            if code in self.__known:
                self.__normalised_count += 1
                if len(self.__normalised) < EXAMPLES:
                    self.__normalised.append((self._row(row), raw))
            else:
                yield from self._wrong_code(row, raw, name)
                return
        if name and not self._name_ok(code, name):
            yield WardNameError(note=f"{code} is {self.__known[code]}", cells=[], row_number=row.row_number,
                                cell=str(name), field_name=self.__name, field_number=self.__name_number)

    def _row(self, row: Row) -> int:
        return self.row_of(row.row_number) if self.row_of else row.row_number

    def _name_ok(self, code: str, name: str) -> bool:
        key = (code, name)
        found = self.__names_ok.get(key)
        if found is None:
            found = names_match(name, self.__known[code])
            if len(self.__names_ok) < _MEMO_LIMIT:
                self.__names_ok[key] = found
        return found

    def _wrong_code(self, row: Row, raw: str, name: str | None) -> Iterable[Error]:
        key = f"{raw}\x1f{name or ''}"
        if key in self.__problems:
            problem = self.__problems[key]
        else:
            problem = code_problem(raw, name)
            if len(self.__problems) < _MEMO_LIMIT:
                self.__problems[key] = problem
        kind, detail = problem
        if kind == "other-wards":
            self.__others[normalise_code(raw)] += 1
            if len(self.__other_rows) < EXAMPLES:
                self.__other_rows.append(self._row(row))
            return
        yield WardCodeError(note=detail or "", cells=[], row_number=row.row_number, cell=str(raw),
                            field_name=self.__code, field_number=self.__code_number)

    def validate_end(self) -> Iterable[Error]:
        field = self.__code
        if self.__normalised_count:
            count = self.__normalised_count
            examples = ", ".join(f'"{value}" (row {row})' for row, value in self.__normalised)
            self.warnings.append(
                f'{count:,} ward code{"s" if count != 1 else ""} in column "{field}" {"are" if count != 1 else "is"} '
                f"written in lower case or with spaces, for example {examples}. The portal reads them without "
                "spaces and in capitals (so \" e05012763\" is E05012763); tidy them when you next export the data.")
        if self.__others:
            rows = sum(self.__others.values())
            codes = ", ".join(code for code, _ in self.__others.most_common(5))
            more = len(self.__others) - 5
            codes += f" and {more:,} more" if more > 0 else ""
            self.warnings.append(
                f'{rows:,} row{"s use" if rows != 1 else " uses"} ward codes in column "{field}" that are not '
                f"among West Suffolk's {len(self.__known)} wards (in use since {BOUNDARIES_FROM}): {codes} "
                f"({row_list(self.__other_rows, rows)}). If they are wards from before the boundary changes, "
                "keep them: the portal shows them separately and never adds them to today's wards. "
                "Otherwise correct them.")
        yield from []
