"""Column mappings: configuration (one YAML file per asset) that turns an extract into a published table.

Keys of a mapping file (all optional; target fields are the table schema's field names):

    columns:   {source column: target field}        rename
    drop:      [source column, ...]                  never published (internal codes, personal fields)
    constants: {target field: value}                 e.g. organisation_name, organisation_code
    values:    {target field: {source value: published value, "*": anything else}}
    dates:     {target field: source date format}    e.g. "%d/%m/%Y"; published as YYYY-MM-DD
    zero_pad:  {target field: width}                 digit-only values padded with leading zeros
    blank_unless_matches: {target field: regex}      malformed optional values are left empty
    unique_suffix: [target field, ...]               repeated values become X, X-2, X-3 (split payments)
    exclude_rows: [{field: F, blank: true} | {field: F, below: N} | {field: F, in: [...]} |
                   {field: F, invalid: true}]        rows left out (counted in the run report)
    redact:    [{field: F, when_column: source column, in: [...], replacement: text}]

Every source column must be renamed, match a target field by name, or be dropped: a new column in an
extract stops the asset until someone decides whether it may be published.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .extracts import Table
from .problems import AssetBlocked, Problem

REDACTED = "REDACTED – personal data"
ANY_OTHER_VALUE = "*"
NUMBER_TYPES = ("number", "integer")
NUMBER_NOISE = re.compile(r"[£,\s]")
EXCLUDE_TESTS = ("blank", "below", "in", "invalid")
DEFAULT_MAPPING_KEYS = (
    "description", "columns", "drop", "constants", "values", "dates", "zero_pad", "blank_unless_matches",
    "unique_suffix", "exclude_rows", "redact",
)
# Values that look personal but are published on purpose are allowed by the data protection officer
# on the portal, the one place both the portal and the publish jobs read; not in a mapping.
MOVED_SETTINGS = {
    "allow_personal_data": "values that look personal but are published on purpose are allowed by the data "
                           "protection officer on the portal (Sysadmin settings > Personal data, or the action "
                           "westsuffolk_personal_data_allow), where every allowed value is recorded with who "
                           "allowed it, when and for which asset. Remove 'allow_personal_data' from this mapping.",
}


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    drop: list[str] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    zero_pad: dict[str, int] = field(default_factory=dict)
    blank_unless_matches: dict[str, str] = field(default_factory=dict)
    unique_suffix: list[str] = field(default_factory=list)
    exclude_rows: list[dict] = field(default_factory=list)
    redact: list[dict] = field(default_factory=list)
    path: str | None = None


@dataclass
class MappedTable:
    header: list[str]
    rows: list[list[str]]
    source_rows: list[int]  # extract row number (header = 1) of each output row
    notes: list[str] = field(default_factory=list)


def _problem(message: str, path: str | None, column: str | None = None) -> Problem:
    where = f"Mapping {Path(path).name}: " if path else "Mapping: "
    return Problem(where + message, column=column, source="mapping")


def load_mapping(path: str | Path | None, schema: dict) -> Mapping:
    """Read and check a mapping file against the table schema; no file means names already match."""
    if path is None:
        return Mapping()
    path = str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
    except FileNotFoundError:
        raise AssetBlocked(_problem("the file does not exist.", path, "column_mapping")) from None
    except (OSError, yaml.YAMLError) as error:
        raise AssetBlocked(_problem(f"the file could not be read: {error}", path, "column_mapping")) from None
    if not isinstance(raw, dict):
        raise AssetBlocked(_problem("the file must be a set of 'key: value' settings.", path))
    problems = [
        _problem(f"'{key}' is no longer a mapping setting: {MOVED_SETTINGS[key]}", path) if key in MOVED_SETTINGS
        else _problem(f"unknown setting '{key}'; the settings are: {', '.join(DEFAULT_MAPPING_KEYS)}.", path)
        for key in raw if key not in DEFAULT_MAPPING_KEYS
    ]
    mapping = Mapping(
        columns={str(k): str(v) for k, v in (raw.get("columns") or {}).items()},
        drop=[str(c) for c in raw.get("drop") or []],
        constants={str(k): _scalar(v) for k, v in (raw.get("constants") or {}).items()},
        values={str(k): {_scalar(a): _scalar(b) for a, b in (v or {}).items()}
                for k, v in (raw.get("values") or {}).items()},
        dates={str(k): str(v) for k, v in (raw.get("dates") or {}).items()},
        zero_pad={str(k): int(v) for k, v in (raw.get("zero_pad") or {}).items()},
        blank_unless_matches={str(k): str(v) for k, v in (raw.get("blank_unless_matches") or {}).items()},
        unique_suffix=[str(f) for f in raw.get("unique_suffix") or []],
        exclude_rows=list(raw.get("exclude_rows") or []),
        redact=list(raw.get("redact") or []),
        path=path,
    )
    problems += _check_targets(mapping, schema)
    if problems:
        raise AssetBlocked(problems)
    return mapping


def _scalar(value) -> str:
    """YAML turns yes/no/true into booleans and 1 into ints; the published CSV wants text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _check_targets(mapping: Mapping, schema: dict) -> list[Problem]:
    known = [f["name"] for f in schema["fields"]]
    used = [("columns", t) for t in mapping.columns.values()]
    for setting in ("constants", "values", "dates", "zero_pad", "blank_unless_matches"):
        used += [(setting, t) for t in getattr(mapping, setting)]
    used += [("unique_suffix", t) for t in mapping.unique_suffix]
    used += [("exclude_rows", rule.get("field")) for rule in mapping.exclude_rows]
    used += [("redact", rule.get("field")) for rule in mapping.redact]
    problems = [
        _problem(f"'{target}' (in {setting}) is not a field of the table schema {schema['name']}; "
                 f"its fields are: {', '.join(known)}.", mapping.path, target)
        for setting, target in used if target not in known
    ]
    for rule in mapping.redact:
        if not rule.get("when_column") or not rule.get("in"):
            problems.append(_problem("each redact rule needs 'field', 'when_column' and 'in'.", mapping.path))
    for rule in mapping.exclude_rows:
        if not set(EXCLUDE_TESTS) & set(rule):
            problems.append(_problem(f"each exclude_rows rule needs one of: {', '.join(EXCLUDE_TESTS)}.",
                                     mapping.path))
    for target, pattern in mapping.blank_unless_matches.items():
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(_problem(f"'{pattern}' is not a valid pattern: {error}", mapping.path, target))
    return problems


def apply_mapping(table: Table, mapping: Mapping, schema: dict) -> MappedTable:
    """The extract as the schema's columns, in the schema's order, with every rule applied."""
    fields = {f["name"]: f for f in schema["fields"]}
    sources = _sources(table, mapping, fields)
    index = {label: position for position, label in enumerate(table.header)}
    out = MappedTable(header=list(fields), rows=[], source_rows=[])
    excluded = 0
    for number, cells in enumerate(table.rows, start=2):
        row = {name: cells[index[source]] if source else "" for name, source in sources.items()}
        row.update(mapping.constants)
        for rule in mapping.redact:
            if cells[index[rule["when_column"]]] in [_scalar(v) for v in rule["in"]]:
                row[rule["field"]] = rule.get("replacement", REDACTED)
        for name, spec in fields.items():
            row[name] = _convert(row[name], name, spec, mapping, number)
        if any(_excluded(row[rule["field"]], rule, fields[rule["field"]]) for rule in mapping.exclude_rows):
            excluded += 1
            continue
        out.rows.append([row[name] for name in fields])
        out.source_rows.append(number)
    for name in mapping.unique_suffix:
        _make_unique(out, out.header.index(name))
    if excluded:
        out.notes.append(f"{excluded} row(s) left out by the mapping's exclude_rows rules.")
    return out


def _sources(table: Table, mapping: Mapping, fields: dict) -> dict[str, str | None]:
    """Target field -> source column (None when it comes from a constant or is absent)."""
    header = set(table.header)
    problems = []
    referenced = list(mapping.columns) + mapping.drop + [rule["when_column"] for rule in mapping.redact]
    for column in dict.fromkeys(referenced):
        if column not in header:
            problems.append(_problem(
                f"the extract has no column '{column}'. Its columns are: {', '.join(table.header)}.",
                mapping.path, column))
    sources: dict[str, str | None] = {name: None for name in fields}
    for column in table.header:
        if column in mapping.columns:
            sources[mapping.columns[column]] = column
        elif column in fields and column not in mapping.drop:
            sources[column] = column
        elif column not in mapping.drop and not any(r["when_column"] == column for r in mapping.redact):
            problems.append(_problem(
                f"the extract column '{column}' is neither mapped to a schema field nor listed under 'drop'. "
                "Decide whether it may be published and add it to the mapping.", mapping.path, column))
    for name, spec in fields.items():
        if sources[name] is None and name not in mapping.constants and spec.get("constraints", {}).get("required"):
            problems.append(_problem(
                f"nothing provides the required field '{name}': map a column to it or give a constant.",
                mapping.path, name))
    if problems:
        raise AssetBlocked(problems)
    return sources


def _convert(value: str, name: str, spec: dict, mapping: Mapping, row_number: int) -> str:
    value = value.strip()
    if name in mapping.values:
        table = mapping.values[name]
        value = table.get(value, table.get(ANY_OTHER_VALUE, value))
    if value and name in mapping.dates:
        try:
            value = dt.datetime.strptime(value, mapping.dates[name]).date().isoformat()
        except ValueError:
            pass  # left as it is: validation reports the cell with its row and column
    if value and spec.get("type") in NUMBER_TYPES:
        value = NUMBER_NOISE.sub("", value)
    if value.isdigit() and name in mapping.zero_pad:
        value = value.zfill(mapping.zero_pad[name])
    if value and name in mapping.blank_unless_matches and not re.fullmatch(mapping.blank_unless_matches[name], value):
        value = ""
    return value


def _excluded(value: str, rule: dict, spec: dict) -> bool:
    if rule.get("blank") and not value:
        return True
    if rule.get("invalid") and value and not _parses(value, spec.get("type", "string")):
        return True
    if "in" in rule and value in [_scalar(v) for v in rule["in"]]:
        return True
    if "below" in rule and value:
        try:
            return float(value) < float(rule["below"])
        except ValueError:
            return False
    return False


def _parses(value: str, kind: str) -> bool:
    """Whether a value reads as its schema type (dates as YYYY-MM-DD, numbers as digits)."""
    try:
        if kind == "date":
            dt.date.fromisoformat(value)
        elif kind in NUMBER_TYPES:
            float(value)
    except ValueError:
        return False
    return True


def _make_unique(table: MappedTable, position: int) -> None:
    seen: dict[str, int] = {}
    for row in table.rows:
        value = row[position]
        if not value:
            continue
        seen[value] = seen.get(value, 0) + 1
        if seen[value] > 1:
            row[position] = f"{value}-{seen[value]}"
