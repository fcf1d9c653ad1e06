"""A check's findings as they are collected: every problem counted and grouped by column and cause
(with a few rows and examples), the first ones kept in full, then the ValidationResult."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone

import frictionless

from ..statuses import Status
from .dates import describe_format, guess_format
from .issues import HEADER_ROW, LABEL_TYPES
from .messages import (
    DATE_HINT,
    FILE_ERROR_TYPES,
    GENERIC_FIX,
    NUMBER_HINT,
    expected_for,
    group_wording,
    plural_values,
    render,
    row_list,
    wording,
)
from .results import IssueGroup, ValidationIssue, ValidationResult

GROUP_ROWS, GROUP_EXAMPLES = 5, 3  # rows and distinct values kept per group
SUCCESS, FAILURE, ERROR = Status.SUCCESS, Status.FAILURE, Status.ERROR


class _Tally:
    """One group of like problems: counted in full, a few rows and example values kept."""

    __slots__ = ("column", "count", "detail", "examples", "field", "rows", "sheet", "title", "type", "variant")

    def __init__(self, type: str, title: str, field: str | None, column: int | None, sheet: str | None,
                 variant: str | None, detail: str | None):
        self.type, self.title, self.field, self.column, self.sheet = type, title, field, column, sheet
        self.variant, self.detail = variant, detail
        self.count, self.rows, self.examples = 0, [], []

    def add(self, row: int | None, value: str | None) -> None:
        self.count += 1
        if row is not None and len(self.rows) < GROUP_ROWS:
            self.rows.append(row)
        if value not in (None, "") and len(self.examples) < GROUP_EXAMPLES and value not in self.examples:
            self.examples.append(value)


class Report:
    """Accumulates issues up to the limit; counts and groups all of them."""

    def __init__(self, schema_ref: str | None, limit: int, warnings: list[str] | None = None,
                 checks: list[str] | None = None, row_numbers: Sequence[int] | None = None):
        self.schema_ref = schema_ref
        self.limit = limit
        self.issues: list[ValidationIssue] = []
        self.counts: Counter = Counter()
        self.titles: dict[str, str] = {}
        self.tallies: dict[tuple, _Tally] = {}
        self.warnings: list[str] = list(warnings or [])
        self.row_count = 0
        self.checks = list(checks or [])
        self.expected_headings: list[str] = []
        self.fields: dict[str, frictionless.Field] = {}
        self.row_numbers = row_numbers

    def fresh(self, warnings: list[str]) -> Report:
        """An empty report with the same settings (to read the file again)."""
        report = Report(self.schema_ref, self.limit, warnings, self.checks, self.row_numbers)
        report.expected_headings = self.expected_headings
        return report

    def row_of(self, row: int | None) -> int | None:
        """The row number to report for row `row` of the file (the heading row is 1)."""
        if row is None or self.row_numbers is None or not 2 <= row < len(self.row_numbers) + 2:
            return row
        return self.row_numbers[row - 2]

    def add(self, issue: ValidationIssue, variant: str | None = None, detail: str | None = None) -> None:
        self.count(issue.type, issue.title, issue.field, issue.column, issue.row, issue.value, variant, detail,
                   issue.sheet)
        if len(self.issues) < self.limit:
            self.issues.append(issue)

    def count(self, type: str, title: str, field: str | None = None, column: int | None = None,
              row: int | None = None, value: str | None = None, variant: str | None = None,
              detail: str | None = None, sheet: str | None = None) -> None:
        """Count a problem (also beyond the limit: the summary and the groups still show it)."""
        self.counts[type] += 1
        if type not in self.titles:
            words = wording(type)
            self.titles[type] = words.title if words else title
        if row is None or (row <= HEADER_ROW and type not in ("personal-data",)):
            return  # file and heading problems are listed one by one, not grouped
        grouped_detail = detail if type == "personal-data" else None
        key = (type, field, column if field is None else None, sheet, variant, grouped_detail)
        tally = self.tallies.get(key)
        if tally is None:
            tally = self.tallies[key] = _Tally(type, self.titles[type], field, key[2], sheet, variant,
                                               grouped_detail)
        tally.add(row, value)

    def wants_detail(self) -> bool:
        return len(self.issues) < self.limit

    def fail_reading(self, issue: ValidationIssue) -> None:
        """The file stopped being readable: that one problem is the whole story."""
        self.issues, self.counts, self.titles, self.tallies = [], Counter(), {}, {}
        self.add(issue)

    def finish(self) -> ValidationResult:
        error_count = sum(self.counts.values())
        truncated = error_count > len(self.issues)
        if any(issue.type in FILE_ERROR_TYPES for issue in self.issues):
            status = ERROR
        else:
            status = FAILURE if error_count else SUCCESS
        warnings = list(self.warnings)
        if truncated:
            shown = len(self.issues)
            warnings.append(f"There are {error_count:,} problems; only the first {shown:,} are listed one by one "
                            "(every one is counted in the groups above them).")
        headings_wrong = any(issue.row == HEADER_ROW and issue.type in LABEL_TYPES for issue in self.issues)
        return ValidationResult(
            status=status,
            schema_ref=self.schema_ref,
            row_count=self.row_count,
            error_count=error_count,
            issues=self.issues,
            truncated=truncated,
            warnings=warnings,
            validated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            summary=[{"type": t, "title": self.titles[t], "count": n} for t, n in self.counts.most_common()],
            groups=[self._group(tally) for tally in sorted(self.tallies.values(), key=lambda t: -t.count)],
            expected_headings=self.expected_headings if headings_wrong else [],
            checks=self.checks,
        )

    def _group(self, tally: _Tally) -> IssueGroup:
        words = group_wording(tally.type, tally.variant)
        schema_field = self.fields.get(tally.field) if tally.field else None
        expected = expected_for(schema_field, tally.variant if tally.type == "constraint-error" else None) or ""
        values = {**plural_values(tally.count), "field": tally.field, "column": tally.column, "expected": expected,
                  "examples": ", ".join(f'"{e}"' for e in tally.examples) or "(blank)",
                  "detail": tally.detail or tally.title}
        message = render(words.message, values)
        if tally.sheet:
            message = f'Sheet "{tally.sheet}": {message}'
        if tally.rows:
            message = f"{message[:-1]} ({row_list(tally.rows, tally.count)})."
        fix, hint = render(words.fix, values) or GENERIC_FIX, {}
        if tally.type == "type-error" and schema_field is not None:
            fix, hint = _hint(schema_field, tally.examples, fix)
        return IssueGroup(type=tally.type, title=tally.title, count=tally.count, message=message, fix=fix,
                          field=tally.field, column=tally.column, sheet=tally.sheet, rows=tally.rows,
                          examples=tally.examples, hint=hint)


def _hint(schema_field: frictionless.Field, examples: list[str], fix: str) -> tuple[str, dict[str, str]]:
    """Better advice when the examples show what went wrong: dates in another layout, £ signs."""
    if schema_field.type in ("date", "datetime"):
        layout = guess_format(examples)
        if layout and layout != "%Y-%m-%d":
            example = examples[0]
            iso = datetime.strptime(example.strip(), layout).date().isoformat()
            return (render(DATE_HINT, {"layout": describe_format(layout), "example": example, "iso": iso}),
                    {"date_format": layout})
    if schema_field.type in ("number", "integer") and any(c in e for e in examples for c in "£$€,()"):
        return NUMBER_HINT, {"number_format": "symbols"}
    return fix, {}
