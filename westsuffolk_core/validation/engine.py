"""Validate a table file (CSV or Excel) against a Frictionless Table Schema, and scan any file for
personal data.

The one validator used by the portal (uploads from the web form) and by the publish jobs, so it
must not import ckan. It streams the file row by row (report.py counts and groups what it finds,
issues.py words it). It never raises for a bad file or an unknown schema: the result says so.
"""
from __future__ import annotations

import csv
import os
from collections.abc import Callable, Sequence
from typing import Any

import frictionless
from frictionless import Dialect, Error, FrictionlessException, Schema
from frictionless.resources import TableResource

from .. import file_scan
from ..personal_data import AllowList
from ..spreadsheets import sheets_with_data
from ..ward_level import WardLevelError, ward_level
from .checks import formula_cell, personal_data_cell, threshold_note, unique_values
from .dates import with_fast_dates
from .headings import columns_line_up, heading_problems
from .issues import CONSTRAINT_REQUIRED, HEADER_ROW, cell_value, heading_issue, issue_from_error, make_issue, variant_of
from .report import Report
from .results import CHECK_PERSONAL_DATA, CHECK_SCHEMA, ValidationResult
from .source import TEXT_FORMATS, SourceFacts, encoding_warning, inspect_source, next_encoding, open_skipping
from .ward_check import ward_codes

__all__ = ["DEFAULT_LIMIT_ERRORS", "validate_table"]

DEFAULT_LIMIT_ERRORS = 1000
PROGRESS_ROWS = 10_000  # on_rows is told the rows read this often

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
    on_rows: Callable[[int], None] | None = None,
) -> ValidationResult:
    """Check the table in `source` against `schema` (a schema ref such as
    "spend-over-500@1.0.0", a descriptor dict or a frictionless Schema), and, when `personal_data`
    (the allow-list) is given, scan it for personal data. With `schema` None the file is only
    scanned: any file type, every sheet of a workbook, every line of a text file.

    `format` ("csv", "tsv", "xlsx", "json", ...) overrides the file name's extension; `asset_id`
    (the register asset the file belongs to) selects the values allowed for that asset only.
    `row_numbers` (the publish jobs' mapped tables): the row number to report for each data row,
    so problems point at the officer's own extract. At most `limit_errors` issues are kept; all of
    them are counted and grouped. `on_rows` is told the rows read so far every PROGRESS_ROWS rows.
    """
    if limit_errors < 1:
        raise ValueError("limit_errors must be at least 1")
    path = os.fspath(source)
    schema_ref = schema if isinstance(schema, str) else None
    checks = [name for name, wanted in ((CHECK_SCHEMA, schema is not None),
                                        (CHECK_PERSONAL_DATA, personal_data is not None)) if wanted]
    report = Report(schema_ref, limit_errors, checks=checks, row_numbers=row_numbers)

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
        report.add(make_issue(facts.problem, detail=facts.detail))
        return report.finish()

    while True:
        report = report.fresh(facts.warnings)
        try:
            if scan_only:
                _scan_only(facts, report, personal_data, asset_id)
            elif not _one_sheet(facts, report):
                pass
            else:
                _read_rows(facts, resolved, report, personal_data, asset_id, on_rows)
            return report.finish()
        except UnicodeDecodeError as exc:
            # Valid UTF-8 at the start, something else further on: read it all again.
            fallback = next_encoding(facts.encoding)
            if fallback is None:
                report = report.fresh(facts.warnings)
                report.add(make_issue("encoding-error", detail=str(exc)))
                return report.finish()
            facts.encoding = fallback
            facts.warnings.append(encoding_warning(fallback))


def _not_scanned_warning(format: str) -> str:
    kind = f".{format} files" if format else "Files of this type"
    return (f"{kind} cannot be scanned for personal data by the portal. Check the file yourself before "
            "the dataset is made public: no names, contact details or other personal data.")


def _one_sheet(facts: SourceFacts, report: Report) -> bool:
    """A workbook checked against a schema must hold one table: more than one sheet with data
    (hidden ones count: they are published too) is refused, naming the sheets."""
    if facts.format != "xlsx":
        return True
    try:
        sheets = sheets_with_data(facts.path)
    except Exception:  # a damaged workbook: frictionless says what is wrong with it
        return True
    if len(sheets) > 1:
        report.add(make_issue("workbook-sheets", detail=str(len(sheets)), value=", ".join(f'"{s}"' for s in sheets)))
        return False
    return True


def _scan_only(facts: SourceFacts, report: Report, allow: AllowList, asset_id: str | None) -> None:
    for finding in file_scan.scan_file(facts.path, facts.format, facts.encoding, facts.skip_bytes, allow, asset_id):
        variant = "sheet" if finding.sheet else ("line" if finding.column is None else None)
        field_name = finding.heading or (f"column {finding.column}" if finding.column else None)
        report.add(make_issue("personal-data", variant=variant, row=finding.row, field=field_name,
                          column=finding.column, value=finding.sample, detail=finding.kind, sheet=finding.sheet),
                   variant=variant, detail=finding.kind)


# --- schema ------------------------------------------------------------------


def _resolve_schema(schema: str | dict[str, Any] | Schema, report: Report) -> Schema | None:
    if isinstance(schema, Schema):
        return schema
    if isinstance(schema, dict):
        try:
            return Schema.from_descriptor(dict(schema))
        except FrictionlessException as exc:
            report.add(make_issue("schema-error", detail=exc.error.message))
            return None
    if isinstance(schema, str):
        from .. import table_schemas  # lazily: the registry is optional for descriptor users

        try:
            return table_schemas.get_schema(schema)
        except table_schemas.SchemaNotFound:
            known = ", ".join(sorted(d["name"] for d in table_schemas.list_schemas()))
            report.add(make_issue("unknown-schema", value=schema, expected=known))
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


def _read_rows(facts: SourceFacts, schema: Schema, report: Report, allow: AllowList | None,
               asset_id: str | None, on_rows: Callable[[int], None] | None = None) -> None:
    """`allow` is None when no personal-data scan is wanted."""
    # Frictionless reads our own open file (a trusted path, past any stray byte-order mark).
    with open_skipping(facts.path, facts.skip_bytes) as stream:
        _read_stream(stream, facts, schema, report, allow, asset_id, on_rows)


def _read_stream(stream: Any, facts: SourceFacts, schema: Schema, report: Report, allow: AllowList | None,
                 asset_id: str | None, on_rows: Callable[[int], None] | None = None) -> None:
    reading, unique, primary_key = _reading_schema(schema)
    fields = {f.name: f for f in schema.fields}
    report.fields = fields
    options = {"encoding": facts.encoding} if facts.encoding else {}
    # The headings are always the first row: frictionless would otherwise guess a later, wider row
    # when cells run past the last heading (an unnamed column), and misreport every heading.
    resource = TableResource(data=stream, scheme="stream", format=facts.format, schema=reading,
                             dialect=Dialect(header_rows=[HEADER_ROW]), **options)
    try:
        resource.open()
    except FrictionlessException as exc:
        resource.close()
        _raise_if_undecodable(exc, facts)
        report.add(issue_from_error(exc.error, fields, schema))
        return
    with resource:
        if not (resource.labels or resource.fragment):
            report.add(make_issue("empty-file"))
            return
        labels = [str(label) for label in resource.labels]
        if schema.fields_match == "exact" and not resource.header.missing:
            for problem in heading_problems(labels, schema):
                report.add(heading_issue(problem))
        else:
            for error in sorted(resource.header.errors, key=lambda e: getattr(e, "field_number", 0)):
                report.add(issue_from_error(error, fields, schema))
        check_rows = schema.fields_match != "exact" or resource.header.missing or columns_line_up(labels, schema)
        if not check_rows:
            report.warnings.append(ROWS_NOT_CHECKED_WARNING)
        descriptor = schema.to_descriptor()
        notes = threshold_note(title=descriptor.get("title") or "", row_of=report.row_of)
        checks = [formula_cell(), unique_values(unique_fields=unique, primary_key=primary_key), notes]
        try:
            level = ward_level(descriptor)
        except WardLevelError as problem:
            report.add(make_issue("schema-error", detail=str(problem)))
            return
        wards = ward_codes(level=level, row_of=report.row_of) if level else None
        if wards is not None:
            checks.append(wards)
        if allow is not None:
            checks.append(personal_data_cell(allow=allow, asset_id=asset_id))
        for check in checks:
            check.connect(resource)
            list(check.validate_start())
        try:
            _stream_rows(resource, checks if check_rows else None, fields, schema, report, on_rows)
        except (FrictionlessException, csv.Error) as exc:
            _raise_if_undecodable(exc, facts)
            note = exc.error.note if isinstance(exc, FrictionlessException) else str(exc)
            detail = f"reading stopped after row {report.row_count + HEADER_ROW}: {note}"
            report.fail_reading(make_issue("source-error", detail=detail))
            return
        finally:
            for check in checks:
                list(check.validate_end())
        report.warnings += notes.warnings + (wards.warnings if wards is not None else [])
        if report.row_count == 0:
            report.add(make_issue("no-data-rows"))


def _stream_rows(resource: TableResource, checks: list | None, fields: dict[str, frictionless.Field],
                 schema: Schema, report: Report, on_rows: Callable[[int], None] | None = None) -> None:
    """Count every row; when `checks` is given, report each row's errors too."""
    count = 0
    try:
        if checks is None:
            for _ in resource.row_stream:
                count += 1
                if on_rows and not count % PROGRESS_ROWS:
                    on_rows(count)
            return
        for row in resource.row_stream:
            count += 1
            if on_rows and not count % PROGRESS_ROWS:
                on_rows(count)
            problems = [*row.errors, *(e for check in checks for e in check.validate_row(row))]
            for error in _without_echoes(problems) if problems else ():
                if report.wants_detail():
                    issue = issue_from_error(error, fields, schema, report.row_of)
                    report.add(issue, variant_of(error), error.note if error.type == "personal-data" else None)
                else:
                    report.count(error.type, error.title, getattr(error, "field_name", None) or None,
                                 getattr(error, "field_number", None),
                                 report.row_of(getattr(error, "row_number", None)), cell_value(error),
                                 variant_of(error), error.note if error.type == "personal-data" else None)
    finally:
        report.row_count = count


def _without_echoes(problems: list[Error]) -> list[Error]:
    """Drop the "required" error frictionless adds for a cell that is missing from a short row."""
    missing = {e.field_name for e in problems if e.type == "missing-cell"}
    if not missing:
        return problems
    return [
        e for e in problems
        if not (e.type == "constraint-error" and e.field_name in missing and CONSTRAINT_REQUIRED in e.note)
    ]


