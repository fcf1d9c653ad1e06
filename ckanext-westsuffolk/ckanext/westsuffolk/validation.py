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
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import frictionless
from frictionless import Error, FrictionlessException, Schema
from frictionless.resources import TableResource

from .validation_checks import formula_cell, personal_data_cell, unique_values
from .validation_dates import with_fast_dates
from .validation_messages import FILE_ERROR_TYPES, GENERIC_FIX, expected_for, render, wording
from .validation_source import (
    FALLBACK_ENCODINGS,
    UTF8,
    SourceFacts,
    encoding_warning,
    inspect_source,
    open_skipping,
)

__all__ = [
    "DEFAULT_LIMIT_ERRORS",
    "ValidationIssue",
    "ValidationResult",
    "validate_table",
]

DEFAULT_LIMIT_ERRORS = 1000
SUCCESS, FAILURE, ERROR = "success", "failure", "error"
_HEADER_ROW = 1

ROWS_NOT_CHECKED_WARNING = (
    "The rows were not checked value by value: most column headings do not match the table "
    "schema, so values would be compared with the wrong columns. Correct the headings and "
    "check the file again."
)


@dataclass
class ValidationIssue:
    """One problem, worded for the officer who has to fix it."""

    type: str
    title: str
    message: str
    row: Optional[int] = None  # 1-based, as in the file: the heading row is row 1
    field: Optional[str] = None
    column: Optional[int] = None  # 1-based
    value: Optional[str] = None
    expected: Optional[str] = None
    fix: str = ""


@dataclass
class ValidationResult:
    status: str  # "success" | "failure" | "error"
    schema_ref: Optional[str]
    row_count: int = 0
    error_count: int = 0
    issues: List[ValidationIssue] = field(default_factory=list)
    truncated: bool = False
    warnings: List[str] = field(default_factory=list)
    validated_at: str = ""
    summary: List[Dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ValidationResult":
        values = dict(data)
        values["issues"] = [ValidationIssue(**issue) for issue in data.get("issues", [])]
        return cls(**values)


def validate_table(
    source: Union[str, os.PathLike],
    schema: Union[str, Dict[str, Any], Schema],
    *,
    format: Optional[str] = None,
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
    scan_personal_data: bool = False,
    personal_data_allowed: Sequence[str] = (),
) -> ValidationResult:
    """Check the table in `source` against `schema` (a schema ref such as
    "spend-over-500@1.0.0", a descriptor dict or a frictionless Schema).

    `format` ("csv", "tsv", "xlsx") overrides the file name's extension.
    `scan_personal_data` also flags text cells that look like personal data (portal uploads;
    the publish jobs run their own scan with per-asset allow-lists); `personal_data_allowed` lists
    published values it accepts (e.g. the council's switchboard number).
    At most `limit_errors` issues are kept; all of them are counted.
    """
    if limit_errors < 1:
        raise ValueError("limit_errors must be at least 1")
    path = os.fspath(source)
    schema_ref = schema if isinstance(schema, str) else None
    report = _Report(schema_ref, limit_errors)

    resolved = _resolve_schema(schema, report)
    if resolved is None:
        return report.finish()
    facts = inspect_source(path, format)
    if facts.problem:
        report.add(_issue(facts.problem, detail=facts.detail))
        return report.finish()

    while True:
        report = _Report(schema_ref, limit_errors, warnings=facts.warnings)
        try:
            _read_rows(facts, resolved, report, personal_data_allowed if scan_personal_data else None)
            return report.finish()
        except UnicodeDecodeError as exc:
            # Valid UTF-8 at the start, something else further on: read it all again.
            fallback = _next_encoding(facts.encoding)
            if fallback is None:
                report = _Report(schema_ref, limit_errors, warnings=facts.warnings)
                report.add(_issue("encoding-error", detail=str(exc)))
                return report.finish()
            facts.encoding = fallback
            facts.warnings.append(encoding_warning(fallback))


# --- collecting issues -----------------------------------------------------


class _Report:
    """Accumulates issues up to the limit, counts all of them."""

    def __init__(self, schema_ref: Optional[str], limit: int, warnings: Optional[List[str]] = None):
        self.schema_ref = schema_ref
        self.limit = limit
        self.issues: List[ValidationIssue] = []
        self.counts: Counter = Counter()
        self.titles: Dict[str, str] = {}
        self.warnings: List[str] = list(warnings or [])
        self.row_count = 0

    def add(self, issue: ValidationIssue) -> None:
        self.count(issue.type, issue.title)
        if len(self.issues) < self.limit:
            self.issues.append(issue)

    def count(self, type: str, title: str) -> None:
        """Count a problem beyond the limit (the summary still shows it)."""
        self.counts[type] += 1
        if type not in self.titles:
            words = wording(type)
            self.titles[type] = words.title if words else title

    def wants_detail(self) -> bool:
        return len(self.issues) < self.limit

    def fail_reading(self, issue: ValidationIssue) -> None:
        """The file stopped being readable: that one problem is the whole story."""
        self.issues, self.counts, self.titles = [], Counter(), {}
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
            warnings.append(f"There are {error_count} problems; only the first {shown} are listed.")
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
        )


def _issue(type: str, *, variant: Optional[str] = None, fallback_title: str = "", fallback_message: str = "",
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
    )


# --- schema ------------------------------------------------------------------


def _resolve_schema(schema: Union[str, Dict[str, Any], Schema], report: _Report) -> Optional[Schema]:
    if isinstance(schema, Schema):
        return schema
    if isinstance(schema, dict):
        try:
            return Schema.from_descriptor(dict(schema))
        except FrictionlessException as exc:
            report.add(_issue("schema-error", detail=exc.error.message))
            return None
    if isinstance(schema, str):
        from . import table_schemas  # lazily: the registry is optional for descriptor users

        try:
            return table_schemas.get_schema(schema)
        except table_schemas.SchemaNotFound:
            known = ", ".join(sorted(d["name"] for d in table_schemas.list_schemas()))
            report.add(_issue("unknown-schema", value=schema, expected=known))
            return None
    raise TypeError(f"schema must be a ref, a descriptor dict or a frictionless Schema, not {type(schema)}")


def _reading_schema(schema: Schema) -> Tuple[Schema, List[str], List[str]]:
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


def _next_encoding(encoding: Optional[str]) -> Optional[str]:
    order = (UTF8,) + FALLBACK_ENCODINGS
    return order[order.index(encoding) + 1] if encoding in order[:-1] else None


def _raise_if_undecodable(exc: Exception, facts: SourceFacts) -> None:
    """Turn frictionless' encoding error into UnicodeDecodeError when another encoding may read the file."""
    error = getattr(exc, "error", None)
    if error is not None and error.type == "encoding-error" and _next_encoding(facts.encoding):
        raise UnicodeDecodeError(facts.encoding, b"", 0, 1, error.note) from exc


def _read_rows(facts: SourceFacts, schema: Schema, report: _Report,
               personal_data_allowed: Optional[Sequence[str]]) -> None:
    """`personal_data_allowed` is None when no personal-data scan is wanted."""
    # Frictionless reads our own open file (a trusted path, past any stray byte-order mark).
    with open_skipping(facts.path, facts.skip_bytes) as stream:
        _read_stream(stream, facts, schema, report, personal_data_allowed)


def _read_stream(stream: Any, facts: SourceFacts, schema: Schema, report: _Report,
                 personal_data_allowed: Optional[Sequence[str]]) -> None:
    reading, unique, primary_key = _reading_schema(schema)
    fields = {f.name: f for f in schema.fields}
    options = {"encoding": facts.encoding} if facts.encoding else {}
    resource = TableResource(data=stream, scheme="stream", format=facts.format, schema=reading, **options)
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
        for error in sorted(resource.header.errors, key=lambda e: getattr(e, "field_number", 0)):
            report.add(_issue_from_error(error, fields, schema))
        check_rows = _columns_line_up(resource, schema)
        if not check_rows:
            report.warnings.append(ROWS_NOT_CHECKED_WARNING)
        checks = [formula_cell(), unique_values(unique_fields=unique, primary_key=primary_key)]
        if personal_data_allowed is not None:
            checks.append(personal_data_cell(allowed=list(personal_data_allowed)))
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
        if report.row_count == 0:
            report.add(_issue("no-data-rows"))


def _stream_rows(resource: TableResource, checks: Optional[list], fields: Dict[str, frictionless.Field],
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
                    report.add(_issue_from_error(error, fields, schema))
                else:
                    report.count(error.type, error.title)
    finally:
        report.row_count = count


def _without_echoes(problems: List[Error]) -> List[Error]:
    """Drop the "required" error frictionless adds for a cell that is missing from a short row."""
    missing = {e.field_name for e in problems if e.type == "missing-cell"}
    if not missing:
        return problems
    return [
        e for e in problems
        if not (e.type == "constraint-error" and e.field_name in missing and _CONSTRAINT_REQUIRED in e.note)
    ]


def _columns_line_up(resource: TableResource, schema: Schema) -> bool:
    """Whether checking values by column position makes sense: with "exact"
    matching, at least half the schema's columns must be headed as expected."""
    if schema.fields_match != "exact" or resource.header.missing:
        return True
    misplaced = {e.field_number for e in resource.header.errors
                 if e.type in ("incorrect-label", "blank-label", "duplicate-label")}
    in_place = min(len(resource.labels), len(schema.fields)) - len(misplaced)
    return in_place * 2 >= len(schema.fields)


# --- frictionless errors -> issues ----------------------------------------------

_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def _plain(heading: str) -> str:
    """A heading reduced to lower-case words joined by "_": "Expense Type" -> "expense_type"."""
    return _NOT_ALPHANUMERIC.sub("_", heading.lower()).strip("_")


_CONSTRAINT = re.compile(r'constraint "(\w+)"')
_CONSTRAINT_REQUIRED = 'constraint "required"'
_POSITION = re.compile(r"position (\d+)")


def _variant_and_detail(error: Error, schema: Schema) -> Tuple[Optional[str], Optional[str]]:
    note = error.note or ""
    if error.type == "formula-cell":
        return None, error.cell[:1]
    if error.type == "personal-data":
        return None, note
    if error.type == "incorrect-label":
        names = [_plain(name) for name in schema.field_names]
        label = _plain(error.label)
        if label == _plain(error.field_name):
            return "respelled", None
        if label in names:
            return "misplaced", str(names.index(label) + 1)
    if error.type == "constraint-error":
        match = _CONSTRAINT.search(note)
        return (match.group(1) if match else None), note
    position = _POSITION.search(note)
    if error.type in ("unique-error", "primary-key") and position:
        return None, f"in row {position.group(1)}"
    if error.type == "primary-key":
        return "blank", note
    return None, note


def _issue_from_error(error: Error, fields: Dict[str, frictionless.Field], schema: Schema) -> ValidationIssue:
    variant, detail = _variant_and_detail(error, schema)
    name = getattr(error, "field_name", None) or None
    schema_field = fields.get(name) if name else None
    is_label = error.type in _LABEL_TYPES
    row = getattr(error, "row_number", None) or (_HEADER_ROW if is_label else None)
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
        headings=", ".join(schema.field_names),
        detail=detail,
    )


_LABEL_TYPES = frozenset(
    {
        "missing-label", "extra-label", "incorrect-label", "blank-label", "duplicate-label",
        "blank-header", "unmatched-header",
    }
)
