"""Frictionless errors and our own findings as ValidationIssues worded for the officer (the wording
is in messages.py); which issues are about headings."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import frictionless
from frictionless import Error, Schema

from .messages import GENERIC_FIX, expected_for, render, wording
from .results import ValidationIssue

HEADER_ROW = 1
_CONSTRAINT = re.compile(r'constraint "(\w+)"')
CONSTRAINT_REQUIRED = 'constraint "required"'
_POSITION = re.compile(r"position (\d+)")


def make_issue(type: str, *, variant: str | None = None, fallback_title: str = "", fallback_message: str = "",
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




def cell_value(error: Error) -> str | None:
    cell = getattr(error, "cell", None)
    return None if cell in (None, "") else str(cell)


def variant_of(error: Error) -> str | None:
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


def issue_from_error(error: Error, fields: dict[str, frictionless.Field], schema: Schema,
                      row_of: Callable[[int | None], int | None] = _same_row) -> ValidationIssue:
    variant = variant_of(error)
    name = getattr(error, "field_name", None) or None
    schema_field = fields.get(name) if name else None
    is_label = error.type in LABEL_TYPES
    row = row_of(getattr(error, "row_number", None)) or (HEADER_ROW if is_label else None)
    value = getattr(error, "label", None) if is_label else getattr(error, "cell", None)
    return make_issue(
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


def heading_issue(problem) -> ValidationIssue:
    variant = problem.variant
    if problem.type in ("extra-label", "blank-label") and not problem.detail:
        variant = "nothing-missing"
    return make_issue(problem.type, variant=variant, row=HEADER_ROW, column=problem.column, value=problem.value,
                  field=problem.field, expected=problem.field, detail=problem.detail)


LABEL_TYPES = frozenset(
    {
        "missing-label", "extra-label", "incorrect-label", "blank-label", "duplicate-label",
        "blank-header", "unmatched-header", "column-order",
    }
)
