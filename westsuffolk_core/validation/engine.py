"""Validate a table file (CSV or Excel) against a Frictionless Table Schema.

The one validator used by the portal (uploads from the web form) and by the
publish jobs, so it must not import ckan. It streams the file row by row, and
explains every problem in plain English for the council officer who has to fix
it. It never raises for a bad file or an unknown schema: the result says so.
"""
from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

import frictionless
from frictionless import Dialect, Error, FrictionlessException, Schema
from frictionless.resources import TableResource

from .. import file_scan
from ..personal_data import AllowList
from ..spreadsheets import sheets_with_data
from ..statuses import Status
from .checks import formula_cell, personal_data_cell, threshold_note, unique_values
from .dates import describe_format, guess_format, with_fast_dates
from .headings import columns_line_up, heading_problems
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
from .results import CHECK_PERSONAL_DATA, CHECK_SCHEMA, IssueGroup, ValidationIssue, ValidationResult
from .source import (
    TEXT_FORMATS,
    SourceFacts,
    encoding_warning,
    inspect_source,
    next_encoding,
    open_skipping,
)

__all__ = ["DEFAULT_LIMIT_ERRORS", "validate_table"]

DEFAULT_LIMIT_ERRORS = 1000
SUCCESS, FAILURE, ERROR = Status.SUCCESS, Status.FAILURE, Status.ERROR
_HEADER_ROW = 1
GROUP_ROWS, GROUP_EXAMPLES = 5, 3  # rows and distinct values kept per group

ROWS_NOT_CHECKED_WARNING = (
    "The rows were not checked value by value: most column headings do not match the table "
    "schema, so values would be compared with the wrong columns. Correct the headings and "
    "check the file again."
)


def validate_table(
    source: str | os.PathLike,
    schema: str | dict[str, Any] | Schema | None,
    *,
    format: str | None = None,
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
    personal_data: AllowList | None = None,
    asset_id: str | None = None,
    row_numbers: Sequence[int] | None = None,
) -> ValidationResult:
    """Check the table in `source` against `schema` (a schema ref such as
    "spend-over-500@1.0.0", a descriptor dict or a frictionless Schema), and, when `personal_data`
    (the allow-list) is given, scan it for personal data. With `schema` None the file is only
    scanned: any file type, every sheet of a workbook, every line of a text file.

    `format` ("csv", "tsv", "xlsx", "json", ...) overrides the file name's extension; `asset_id`
    (the register asset the file belongs to) selects the values allowed for that asset only.
    `row_numbers` (the publish jobs' mapped tables): the row number to report for each data row,
    so problems point at the officer's own extract. At most `limit_errors` issues are kept; all of
    them are counted and grouped.
    """
    if limit_errors < 1:
        raise ValueError("limit_errors must be at least 1")
    path = os.fspath(source)
    schema_ref = schema if isinstance(schema, str) else None
    checks = [name for name, wanted in ((CHECK_SCHEMA, schema is not None),
                                        (CHECK_PERSONAL_DATA, personal_data is not None)) if wanted]
    report = _Report(schema_ref, limit_errors, checks=checks, row_numbers=row_numbers)

    resolved = None
    if schema is not None:
        resolved = _resolve_schema(schema, report)
        if resolved is None:
            return report.finish()
        report.expected_headings = list(resolved.field_names)
    elif personal_data is None:
        raise ValueError("give a schema, the personal-data allow-list, or both")
    scan_only = resolved is None
    facts = inspect_source(path, format, TEXT_FORMATS + tuple(file_scan.TEXT_FORMATS) if scan_only else TEXT_FORMATS)
    if scan_only and facts.problem == "unsupported-format" and not file_scan.scannable(facts.format):
        report.checks = []
        report.warnings.append(_not_scanned_warning(facts.format))
        return report.finish()
    if facts.problem:
        report.add(_issue(facts.problem, detail=facts.detail))
        return report.finish()

    while True:
        report = report.fresh(facts.warnings)
        try:
            if scan_only:
                _scan_only(facts, report, personal_data, asset_id)
            elif not _one_sheet(facts, report):
                pass
            else:
                _read_rows(facts, resolved, report, personal_data, asset_id)
            return report.finish()
        except UnicodeDecodeError as exc:
            # Valid UTF-8 at the start, something else further on: read it all again.
            fallback = next_encoding(facts.encoding)
            if fallback is None:
                report = report.fresh(facts.warnings)
                report.add(_issue("encoding-error", detail=str(exc)))
                return report.finish()
            facts.encoding = fallback
            facts.warnings.append(encoding_warning(fallback))


def _not_scanned_warning(format: str) -> str:
    kind = f".{format} files" if format else "Files of this type"
    return (f"{kind} cannot be scanned for personal data by the portal. Check the file yourself before "
            "the dataset is made public: no names, contact details or other personal data.")


def _one_sheet(facts: SourceFacts, report: _Report) -> bool:
    """A workbook checked against a schema must hold one table: more than one sheet with data
    (hidden ones count: they are published too) is refused, naming the sheets."""
    if facts.format != "xlsx":
        return True
    try:
        sheets = sheets_with_data(facts.path)
    except Exception:  # a damaged workbook: frictionless says what is wrong with it
        return True
    if len(sheets) > 1:
        report.add(_issue("workbook-sheets", detail=str(len(sheets)), value=", ".join(f'"{s}"' for s in sheets)))
        return False
    return True


def _scan_only(facts: SourceFacts, report: _Report, allow: AllowList, asset_id: str | None) -> None:
    for finding in file_scan.scan_file(facts.path, facts.format, facts.encoding, facts.skip_bytes, allow, asset_id):
        variant = "sheet" if finding.sheet else ("line" if finding.column is None else None)
        field_name = finding.heading or (f"column {finding.column}" if finding.column else None)
        report.add(_issue("personal-data", variant=variant, row=finding.row, field=field_name,
                          column=finding.column, value=finding.sample, detail=finding.kind, sheet=finding.sheet),
                   variant=variant, detail=finding.kind)


# --- collecting issues -----------------------------------------------------


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


class _Report:
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

    def fresh(self, warnings: list[str]) -> _Report:
        """An empty report with the same settings (to read the file again)."""
        report = _Report(self.schema_ref, self.limit, warnings, self.checks, self.row_numbers)
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
        if row is None or (row <= _HEADER_ROW and type not in ("personal-data",)):
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
        headings_wrong = any(issue.row == _HEADER_ROW and issue.type in _LABEL_TYPES for issue in self.issues)
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


def _issue(type: str, *, variant: str | None = None, fallback_title: str = "", fallback_message: str = "",
           **values: Any) -> ValidationIssue:
    """Build an issue from the wording table (values fill the templates)."""
    words = wording(type, variant)
    if words is None:
        title, message, fix = fallback_title or type, fallback_message, GENERIC_FIX
    else:
        title, message, fix = words.title, render(words.message, values), render(words.fix, values)
    return ValidationIssue(
        type=type,
        title=title,
        message=message,
        row=values.get("row"),
        field=values.get("field"),
        column=values.get("column"),
        value=values.get("value"),
        expected=values.get("expected"),
        fix=fix,
        sheet=values.get("sheet"),
    )


# --- schema ------------------------------------------------------------------


def _resolve_schema(schema: str | dict[str, Any] | Schema, report: _Report) -> Schema | None:
    if isinstance(schema, Schema):
        return schema
    if isinstance(schema, dict):
        try:
            return Schema.from_descriptor(dict(schema))
        except FrictionlessException as exc:
            report.add(_issue("schema-error", detail=exc.error.message))
            return None
    if isinstance(schema, str):
        from .. import table_schemas  # lazily: the registry is optional for descriptor users

        try:
            return table_schemas.get_schema(schema)
        except table_schemas.SchemaNotFound:
            known = ", ".join(sorted(d["name"] for d in table_schemas.list_schemas()))
            report.add(_issue("unknown-schema", value=schema, expected=known))
            return None
    raise TypeError(f"schema must be a ref, a descriptor dict or a frictionless Schema, not {type(schema)}")


def _reading_schema(schema: Schema) -> tuple[Schema, list[str], list[str]]:
    """The schema frictionless reads with, and the unique/primary-key checks we run instead.

    With the default "exact" column matching, uniqueness is checked by our
    bounded-memory check rather than by frictionless' in-memory dicts.
    """
    reading = with_fast_dates(schema)
    if reading.fields_match != "exact":
        return reading, [], []
    unique = [f.name for f in reading.fields if f.constraints.pop("unique", False)]
    primary_key, reading.primary_key = list(reading.primary_key), []
    return reading, unique, primary_key


# --- reading -------------------------------------------------------------------


def _raise_if_undecodable(exc: Exception, facts: SourceFacts) -> None:
    """Turn frictionless' encoding error into UnicodeDecodeError when another encoding may read the file."""
    error = getattr(exc, "error", None)
    if error is not None and error.type == "encoding-error" and next_encoding(facts.encoding):
        raise UnicodeDecodeError(facts.encoding, b"", 0, 1, error.note) from exc


def _read_rows(facts: SourceFacts, schema: Schema, report: _Report, allow: AllowList | None,
               asset_id: str | None) -> None:
    """`allow` is None when no personal-data scan is wanted."""
    # Frictionless reads our own open file (a trusted path, past any stray byte-order mark).
    with open_skipping(facts.path, facts.skip_bytes) as stream:
        _read_stream(stream, facts, schema, report, allow, asset_id)


def _read_stream(stream: Any, facts: SourceFacts, schema: Schema, report: _Report, allow: AllowList | None,
                 asset_id: str | None) -> None:
    reading, unique, primary_key = _reading_schema(schema)
    fields = {f.name: f for f in schema.fields}
    report.fields = fields
    options = {"encoding": facts.encoding} if facts.encoding else {}
    # The headings are always the first row: frictionless would otherwise guess a later, wider row
    # when cells run past the last heading (an unnamed column), and misreport every heading.
    resource = TableResource(data=stream, scheme="stream", format=facts.format, schema=reading,
                             dialect=Dialect(header_rows=[_HEADER_ROW]), **options)
    try:
        resource.open()
    except FrictionlessException as exc:
        resource.close()
        _raise_if_undecodable(exc, facts)
        report.add(_issue_from_error(exc.error, fields, schema))
        return
    with resource:
        if not (resource.labels or resource.fragment):
            report.add(_issue("empty-file"))
            return
        labels = [str(label) for label in resource.labels]
        if schema.fields_match == "exact" and not resource.header.missing:
            for problem in heading_problems(labels, schema):
                report.add(_heading_issue(problem))
        else:
            for error in sorted(resource.header.errors, key=lambda e: getattr(e, "field_number", 0)):
                report.add(_issue_from_error(error, fields, schema))
        check_rows = schema.fields_match != "exact" or resource.header.missing or columns_line_up(labels, schema)
        if not check_rows:
            report.warnings.append(ROWS_NOT_CHECKED_WARNING)
        notes = threshold_note(title=schema.to_descriptor().get("title") or "", row_of=report.row_of)
        checks = [formula_cell(), unique_values(unique_fields=unique, primary_key=primary_key), notes]
        if allow is not None:
            checks.append(personal_data_cell(allow=allow, asset_id=asset_id))
        for check in checks:
            check.connect(resource)
            list(check.validate_start())
        try:
            _stream_rows(resource, checks if check_rows else None, fields, schema, report)
        except (FrictionlessException, csv.Error) as exc:
            _raise_if_undecodable(exc, facts)
            note = exc.error.note if isinstance(exc, FrictionlessException) else str(exc)
            detail = f"reading stopped after row {report.row_count + _HEADER_ROW}: {note}"
            report.fail_reading(_issue("source-error", detail=detail))
            return
        finally:
            for check in checks:
                list(check.validate_end())
        report.warnings += notes.warnings
        if report.row_count == 0:
            report.add(_issue("no-data-rows"))


def _stream_rows(resource: TableResource, checks: list | None, fields: dict[str, frictionless.Field],
                 schema: Schema, report: _Report) -> None:
    """Count every row; when `checks` is given, report each row's errors too."""
    count = 0
    try:
        if checks is None:
            for _ in resource.row_stream:
                count += 1
            return
        for row in resource.row_stream:
            count += 1
            problems = [*row.errors, *(e for check in checks for e in check.validate_row(row))]
            for error in _without_echoes(problems) if problems else ():
                if report.wants_detail():
                    issue = _issue_from_error(error, fields, schema, report.row_of)
                    report.add(issue, _variant(error), error.note if error.type == "personal-data" else None)
                else:
                    report.count(error.type, error.title, getattr(error, "field_name", None) or None,
                                 getattr(error, "field_number", None),
                                 report.row_of(getattr(error, "row_number", None)), _cell_value(error),
                                 _variant(error), error.note if error.type == "personal-data" else None)
    finally:
        report.row_count = count


def _cell_value(error: Error) -> str | None:
    cell = getattr(error, "cell", None)
    return None if cell in (None, "") else str(cell)


def _without_echoes(problems: list[Error]) -> list[Error]:
    """Drop the "required" error frictionless adds for a cell that is missing from a short row."""
    missing = {e.field_name for e in problems if e.type == "missing-cell"}
    if not missing:
        return problems
    return [
        e for e in problems
        if not (e.type == "constraint-error" and e.field_name in missing and _CONSTRAINT_REQUIRED in e.note)
    ]


# --- frictionless errors -> issues ----------------------------------------------

_CONSTRAINT = re.compile(r'constraint "(\w+)"')
_CONSTRAINT_REQUIRED = 'constraint "required"'
_POSITION = re.compile(r"position (\d+)")


def _variant(error: Error) -> str | None:
    """The wording variant of a row error (the constraint broken, for constraint errors)."""
    if error.type == "constraint-error":
        match = _CONSTRAINT.search(error.note or "")
        return match.group(1) if match else None
    if error.type == "primary-key" and not _POSITION.search(error.note or ""):
        return "blank"
    return None


def _detail(error: Error, row_of: Callable[[int | None], int | None]) -> str | None:
    note = error.note or ""
    if error.type == "formula-cell":
        return error.cell[:1]
    position = _POSITION.search(note)
    if error.type in ("unique-error", "primary-key") and position:
        return f"in row {row_of(int(position.group(1)))}"
    return note


def _same_row(row: int | None) -> int | None:
    return row


def _issue_from_error(error: Error, fields: dict[str, frictionless.Field], schema: Schema,
                      row_of: Callable[[int | None], int | None] = _same_row) -> ValidationIssue:
    variant = _variant(error)
    name = getattr(error, "field_name", None) or None
    schema_field = fields.get(name) if name else None
    is_label = error.type in _LABEL_TYPES
    row = row_of(getattr(error, "row_number", None)) or (_HEADER_ROW if is_label else None)
    value = getattr(error, "label", None) if is_label else getattr(error, "cell", None)
    return _issue(
        error.type,
        variant=variant,
        fallback_title=error.title,
        fallback_message=error.message,
        row=row,
        field=name,
        column=getattr(error, "field_number", None),
        value=value if value not in (None, "") else None,
        expected=name if is_label else expected_for(schema_field, variant),
        detail=_detail(error, row_of),
    )


def _heading_issue(problem) -> ValidationIssue:
    variant = problem.variant
    if problem.type in ("extra-label", "blank-label") and not problem.detail:
        variant = "nothing-missing"
    return _issue(problem.type, variant=variant, row=_HEADER_ROW, column=problem.column, value=problem.value,
                  field=problem.field, expected=problem.field, detail=problem.detail)


_LABEL_TYPES = frozenset(
    {
        "missing-label", "extra-label", "incorrect-label", "blank-label", "duplicate-label",
        "blank-header", "unmatched-header", "column-order",
    }
)
