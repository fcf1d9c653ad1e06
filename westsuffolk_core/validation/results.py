"""What a check of a file found: issues worded for officers, groups of like problems, the result.
Plain dataclasses that round-trip through JSON (stored by the portal, reported by the publish jobs)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = ["CHECK_PERSONAL_DATA", "CHECK_SCHEMA", "IssueGroup", "ValidationIssue", "ValidationResult"]

CHECK_SCHEMA, CHECK_PERSONAL_DATA = "table schema", "personal data"  # what a result says was checked


@dataclass
class ValidationIssue:
    """One problem, worded for the officer who has to fix it."""

    type: str
    title: str
    message: str
    row: int | None = None  # 1-based, as in the file: the heading row is row 1
    field: str | None = None
    column: int | None = None  # 1-based
    value: str | None = None
    expected: str | None = None
    fix: str = ""
    sheet: str | None = None  # the workbook sheet, when a workbook is scanned sheet by sheet


@dataclass
class IssueGroup:
    """The same problem in many rows of one column, said once with a count, examples and rows."""

    type: str
    title: str
    count: int
    message: str
    fix: str
    rows: list[int] = field(default_factory=list)  # the first few
    examples: list[str] = field(default_factory=list)  # a few distinct values (masked for personal data)
    hint: dict[str, str] = field(default_factory=dict)  # machine-readable advice, e.g. {"date_format": "%d/%m/%Y"}
    field: str | None = None  # (after the defaults above: this name hides dataclasses.field)
    column: int | None = None
    sheet: str | None = None


@dataclass
class ValidationResult:
    status: str  # a statuses.Status: "success" | "failure" | "error"
    schema_ref: str | None
    row_count: int = 0
    error_count: int = 0
    issues: list[ValidationIssue] = field(default_factory=list)
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)
    validated_at: str = ""
    summary: list[dict[str, Any]] = field(default_factory=list)
    groups: list[IssueGroup] = field(default_factory=list)  # row problems by column and cause
    expected_headings: list[str] = field(default_factory=list)  # said once, when headings are wrong
    checks: list[str] = field(default_factory=list)  # what was checked: table schema, personal data

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationResult:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["issues"] = [ValidationIssue(**issue) for issue in data.get("issues", [])]
        values["groups"] = [IssueGroup(**group) for group in data.get("groups", [])]
        return cls(**values)
