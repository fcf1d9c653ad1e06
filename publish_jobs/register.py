"""Read the Information Asset Register (.xlsx or .csv) and check it against its table schema.

Problems are reported by spreadsheet row and column; a bad row blocks only that asset.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from frictionless import Resource, Schema

from westsuffolk_core import table_schemas
from westsuffolk_core.personal_data import mailbox_problem, names_with_titles

from . import extracts
from .problems import AssetBlocked, Problem
from .settings import DEFAULT_LICENCE, DEFAULT_THEME, LIST_SEPARATOR, REGISTER_SCHEMA_NAME

HEADER_ROW = 1


class RegisterError(Exception):
    """The register as a whole cannot be used (unreadable, required columns missing)."""


@dataclass(frozen=True)
class Asset:
    """One register row that passed every check."""

    row: int
    values: dict[str, str]
    register_dir: Path

    def __getattr__(self, name: str) -> str:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def licence_id(self) -> str:
        return self.values.get("licence") or DEFAULT_LICENCE

    @property
    def keyword_list(self) -> list[str]:
        return split_list(self.values.get("keywords", ""))

    @property
    def spatial_list(self) -> list[str]:
        return split_list(self.values["spatial_coverage"])

    @property
    def theme_list(self) -> list[str]:
        return split_list(self.values.get("theme", "")) or [DEFAULT_THEME]


@dataclass
class Register:
    path: Path
    assets: list[Asset] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocked_ids: set[str] = field(default_factory=set)


def split_list(text: str) -> list[str]:
    return [item.strip() for item in (text or "").split(LIST_SEPARATOR) if item.strip()]


@lru_cache(maxsize=1)
def register_schema() -> Schema:
    """The register's own table schema (latest version), through the schema registry."""
    return table_schemas.get_schema(REGISTER_SCHEMA_NAME)


def load_register(path: str | Path) -> Register:
    """Read and check the register; raises RegisterError only when no row can be trusted."""
    path = Path(path)
    header, rows = _read_cells(path)
    schema = register_schema()
    columns = _match_columns(header, schema)
    register = Register(path=path)
    missing_required = [f.name for f in schema.fields if f.required and f.name not in columns]
    if missing_required:
        raise RegisterError(
            f"The register {path.name} has no column for: {', '.join(missing_required)}. "
            "Add the column(s) to the header row and run again."
        )
    for name in schema.field_names:
        if name not in columns:
            register.problems.append(Problem(
                f"Optional column '{name}' is missing; it is treated as blank.",
                column=name, source="register"))
    for index, label in enumerate(header):
        if label and index not in columns.values():
            register.problems.append(Problem(
                f"Column '{label}' is not part of the register schema and is ignored.",
                row=HEADER_ROW, column=label, source="register"))

    records = []  # (spreadsheet row number, {field: text})
    for sheet_row, cells in rows:
        values = {name: _cell(cells, columns[name]) if name in columns else "" for name in schema.field_names}
        records.append((sheet_row, values))

    bad_rows = _schema_problems(records, schema, register)
    _check_contacts(records, register, bad_rows)
    _block_duplicates(records, register, bad_rows)
    for sheet_row, values in records:
        if sheet_row in bad_rows:
            register.blocked_ids.add(values["asset_id"] or f"row {sheet_row}")
            continue
        register.assets.append(Asset(row=sheet_row, values=values, register_dir=path.parent))
    return register


def _schema_problems(records, schema: Schema, register: Register) -> set[int]:
    data = [schema.field_names] + [[values[name] for name in schema.field_names] for _, values in records]
    report = Resource(data=data, schema=schema).validate()
    bad_rows: set[int] = set()
    for error in report.flatten(["type", "rowNumber", "fieldName", "note", "cell"]):
        kind, row_number, field_name, note, cell = error
        if row_number is None:
            continue  # header problems were reported above by name
        sheet_row, values = records[row_number - 2]
        bad_rows.add(sheet_row)
        register.problems.append(Problem(
            _friendly(kind, field_name, cell, note), asset_id=values.get("asset_id") or None,
            row=sheet_row, column=field_name, source="register"))
    return bad_rows


def _friendly(kind: str, field_name: str | None, cell, note: str) -> str:
    if kind == "type-error":
        return f"'{cell}' is not a valid {_field_type(field_name)} (expected YYYY-MM-DD for dates)."
    if kind == "constraint-error" and "required" in note:
        return "This cell must be filled in."
    if kind == "constraint-error" and "enum" in note:
        allowed = register_schema().get_field(field_name).constraints["enum"]
        return f"'{cell}' is not allowed here; use one of: {', '.join(allowed)}."
    if kind == "constraint-error":
        return f"'{cell}' is not in the expected form: {register_schema().get_field(field_name).description}"
    if kind in ("unique-error", "primary-key"):
        return "This asset ID is used on more than one row; each asset needs its own ID."
    return f"{kind}: {note}"


def _field_type(name: str | None) -> str:
    return register_schema().get_field(name).type if name else "value"


def _check_contacts(records, register: Register, bad_rows: set[int]) -> None:
    """The owner and contact are published with the dataset: a role and a role mailbox, never a person
    (the rule the portal's dataset form applies, so the portal never refuses what the register allows)."""
    for sheet_row, values in records:
        if sheet_row in bad_rows:
            continue
        found = []
        problem = mailbox_problem(values["contact_email"]) if values.get("contact_email") else None
        if problem:
            found.append(("contact_email", problem))
        if names_with_titles(values.get("information_asset_owner") or ""):
            found.append(("information_asset_owner", ("This names a person; name the role that owns the asset "
                                                      "(for example Head of Finance), which is published.")))
        for column, message in found:
            bad_rows.add(sheet_row)
            register.problems.append(Problem(message, asset_id=values.get("asset_id") or None, row=sheet_row,
                                             column=column, source="register"))


def _block_duplicates(records, register: Register, bad_rows: set[int]) -> None:
    """A repeated asset ID is ambiguous: block every row that carries it, not only the later ones."""
    rows_by_id: dict[str, list[int]] = {}
    for sheet_row, values in records:
        if values["asset_id"]:
            rows_by_id.setdefault(values["asset_id"], []).append(sheet_row)
    for asset_id, sheet_rows in rows_by_id.items():
        if len(sheet_rows) > 1:
            first = sheet_rows[0]
            if first not in bad_rows:
                bad_rows.add(first)
                register.problems.append(Problem(
                    f"Asset ID {asset_id} is also used on row(s) "
                    f"{', '.join(map(str, sheet_rows[1:]))}; none of these rows is published until it is unique.",
                    asset_id=asset_id, row=first, column="asset_id", source="register"))


def _match_columns(header: list[str], schema: Schema) -> dict[str, int]:
    """Field name -> column index; officers may use either the field name or its title."""
    wanted = {}
    for fld in schema.fields:
        wanted[_norm(fld.name)] = fld.name
        if fld.title:
            wanted[_norm(fld.title)] = fld.name
    columns: dict[str, int] = {}
    for index, label in enumerate(header):
        name = wanted.get(_norm(label))
        if name and name not in columns:
            columns[name] = index
    return columns


def _norm(label: str) -> str:
    return "".join(ch for ch in (label or "").lower() if ch.isalnum())


def _cell(cells: list, index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _read_cells(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and non-blank rows (with their spreadsheet row numbers) as text, read like an extract
    (any encoding of a CSV; a workbook's first sheet)."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise RegisterError(f"The register {path.name} must be an .xlsx or .csv file.")
    if not path.is_file():
        raise RegisterError(f"The register {path} does not exist.")
    if suffix == ".xlsx" and not path.read_bytes()[:4] == extracts.ZIP:
        raise RegisterError(f"The register {path.name} could not be read: it is not an Excel workbook.")
    try:
        table = extracts.read_table(str(path), sheet=1 if suffix == ".xlsx" else None)
    except AssetBlocked as blocked:
        raise RegisterError(str(blocked).replace(f"The extract {path}", f"The register {path.name}")) from None
    return table.header, list(zip(table.row_numbers, table.rows, strict=False))
