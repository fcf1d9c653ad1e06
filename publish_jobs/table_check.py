"""Table schemas and validation, through the portal's own ckan-free modules (so both judge alike)."""
from __future__ import annotations

from pathlib import Path

from .problems import AssetBlocked, Problem

MAX_REPORTED = 20


def resolve_schema(ref: str) -> tuple[str, dict]:
    """("name@version", descriptor) for a register reference; the latest version when none is given."""
    from ckanext.westsuffolk import table_schemas

    try:
        name, version = table_schemas.parse_ref(ref)
        descriptor = table_schemas.get_descriptor(name, version)
    except table_schemas.SchemaNotFound as error:
        raise AssetBlocked(Problem(str(error), column="table_schema", source="register")) from None
    return f"{name}@{descriptor['version']}", descriptor


def validate_file(path: Path, schema_ref: str, row_numbers: list[int]) -> list[Problem]:
    """Problems of the mapped CSV, located at the extract's row numbers; empty when valid."""
    from ckanext.westsuffolk.validation import validate_table

    result = validate_table(str(path), schema_ref)
    if result.status == "success":
        return []
    problems = []
    issues = list(result.issues)
    for issue in issues[:MAX_REPORTED]:
        row, field, value, message, fix = (_get(issue, key) for key in ("row", "field", "value", "message", "fix"))
        text = " ".join(part for part in (message, fix) if part)
        problems.append(Problem(text or f"'{value}' is not valid here.", row=_source_row(row, row_numbers),
                                column=field, source="validation"))
    if len(issues) > MAX_REPORTED:
        problems.append(Problem(f"…and {len(issues) - MAX_REPORTED} more problems.", source="validation"))
    if not problems:
        problems.append(Problem(f"The table could not be checked ({result.status}).", source="validation"))
    return problems


def _get(issue, key):
    return issue.get(key) if isinstance(issue, dict) else getattr(issue, key, None)


def _source_row(row, row_numbers: list[int]):
    """Validation counts rows of the mapped file (header = 1); officers need the extract's row."""
    if isinstance(row, int) and 2 <= row < len(row_numbers) + 2:
        return row_numbers[row - 2]
    return row
