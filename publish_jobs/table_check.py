"""Table schemas, validation and the personal-data scan, through the portal's own CKAN-free modules
and the portal's own allow-list, so the plan gives the answer the portal will give."""
from __future__ import annotations

from pathlib import Path

from westsuffolk_core.personal_data import AllowList
from westsuffolk_core.statuses import Status

from .problems import AssetBlocked, Problem

MAX_ROWS_REPORTED = 20  # row-by-row problems after the grouped ones (all are counted in the groups)


def resolve_schema(ref: str) -> tuple[str, dict]:
    """("name@version", descriptor) for a register reference; the latest version when none is given."""
    from westsuffolk_core import table_schemas

    try:
        name, version = table_schemas.parse_ref(ref)
        descriptor = table_schemas.get_descriptor(name, version)
    except table_schemas.SchemaNotFound as error:
        raise AssetBlocked(Problem(str(error), column="table_schema", source="register")) from None
    return f"{name}@{descriptor['version']}", descriptor


def check_file(path: Path, schema_ref: str, row_numbers: list[int], allow: AllowList,
               asset_id: str) -> tuple[list[Problem], list[str]]:
    """(problems, notes) of the mapped CSV: the portal's validation and personal-data scan, with rows
    numbered as in the extract. Problems come grouped by column and cause, then the first rows."""
    from westsuffolk_core.validation import validate_table

    result = validate_table(str(path), schema_ref, personal_data=allow, asset_id=asset_id, row_numbers=row_numbers)
    if result.status == Status.SUCCESS:
        return [], list(result.warnings)
    headings = [issue for issue in result.issues if issue.row == 1]
    problems = [Problem(f"{issue.message} {issue.fix}".strip(), row=None, column=issue.field, source="validation")
                for issue in headings]
    if result.expected_headings:
        problems.append(Problem("The mapped table's columns should be, in this order: "
                                f"{', '.join(result.expected_headings)}.", source="validation"))
    for group in result.groups:
        problems.append(Problem(f"{group.message} {_mapping_fix(group)}", column=group.field,
                                row=group.rows[0] if group.count == 1 and group.rows else None,
                                source=_source(group.type), count=group.count))
    rows = [issue for issue in result.issues if issue.row != 1]
    if any(group.count > 1 for group in result.groups):
        problems += [Problem(issue.message, row=issue.row, column=issue.field, source=_source(issue.type))
                     for issue in rows[:MAX_ROWS_REPORTED]]
    if not problems:
        problems = [Problem(f"{issue.message} {issue.fix}".strip(), source="validation") for issue in result.issues]
    return problems, list(result.warnings)


def _source(issue_type: str) -> str:
    return "personal data" if issue_type == "personal-data" else "validation"


def _mapping_fix(group) -> str:
    """The group's fix, plus how the mapping can do it (the publish jobs read extracts through one)."""
    date_format = group.hint.get("date_format")
    if date_format:
        return (f'{group.fix} Or, to publish the extract as it is, set `dates: {{{group.field}: "{date_format}"}}` '
                "in the mapping.")
    if group.type == "personal-data":
        return ("Remove or redact them in the extract, or drop or redact the column in the mapping. If a value is "
                "published on purpose, the data protection officer can allow it for this asset on the portal "
                "(Sysadmin settings, Personal data).")
    return group.fix
