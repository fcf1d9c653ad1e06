"""Column mappings: configuration (one YAML file per asset) that turns an extract into a published table.

Every setting, with an example each and worked examples for real council exports: MAPPING.md, next to
this file. Every source column must be renamed, combined, match a target field by name, or be dropped:
a new column in an extract stops the asset until someone decides whether it may be published.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .cells import DEFAULT_SEPARATORS, NUMBER_SEPARATORS, plain_number
from .extracts import Table
from .problems import AssetBlocked, Problem

REDACTED = "REDACTED – personal data"
ANY_OTHER_VALUE = "*"
NUMBER_TYPES = ("number", "integer")
EXCLUDE_TESTS = ("blank", "below", "in", "invalid")
COMBINE_KEYS = ("columns", "separator")
DEFAULT_SEPARATOR = "-"  # between the parts of a combined key
ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")  # a workbook's date and time
UNNAMED = re.compile(r"column \d+")  # the label of a column without a heading (extracts.read_table)
REFERENCE = "see publish_jobs/MAPPING.md"
# setting -> the YAML shape of its value, and how to say it
SHAPES = {
    "description": (str, "text"),
    "sheet": ((str, int), "a sheet name or number"),
    "encoding": (str, "the name of an encoding, such as cp1252"),
    "columns": (dict, "'source column: field' lines"),
    "combine": (dict, "'field: {columns: [source column, source column], separator: \"-\"}' lines"),
    "drop": (list, "a list of source columns, like [Cost Centre, Narrative]"),
    "constants": (dict, "'field: value' lines"),
    "values": (dict, "'field: {source value: published value}' lines"),
    "dates": (dict, "'field: date format' lines, like expenditure_date: \"%d/%m/%Y\""),
    "numbers": (dict, "'decimal: \",\"' and 'thousands: \".\"' lines"),
    "zero_pad": (dict, "'field: width' lines"),
    "blank_unless_matches": (dict, "'field: pattern' lines"),
    "unique_suffix": (list, "a list of fields"),
    "exclude_rows": (list, "a list of rules like {field: amount, below: 500}"),
    "redact": (list, "a list of rules like {field: beneficiary, when_column: Payee Type, in: [Individual]}"),
}
DEFAULT_MAPPING_KEYS = tuple(SHAPES)
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
    dates: dict[str, str | list[str]] = field(default_factory=dict)  # one format, or several tried in turn
    zero_pad: dict[str, int] = field(default_factory=dict)
    blank_unless_matches: dict[str, str] = field(default_factory=dict)
    unique_suffix: list[str] = field(default_factory=list)
    exclude_rows: list[dict] = field(default_factory=list)
    redact: list[dict] = field(default_factory=list)
    combine: dict[str, dict] = field(default_factory=dict)  # field -> {"columns": [...], "separator": "-"}
    numbers: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SEPARATORS))
    sheet: str | int | None = None  # passed to extracts.read_table
    encoding: str | None = None  # passed to extracts.read_table
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
        else _problem(f"unknown setting '{key}'; the settings are: {', '.join(DEFAULT_MAPPING_KEYS)} "
                      f"({REFERENCE}).", path)
        for key in raw if key not in DEFAULT_MAPPING_KEYS
    ]
    raw = _well_shaped(raw, path, problems)
    mapping = Mapping(
        columns={str(k): str(v) for k, v in (raw.get("columns") or {}).items()},
        drop=[str(c) for c in raw.get("drop") or []],
        constants={str(k): _scalar(v) for k, v in (raw.get("constants") or {}).items()},
        values={str(k): {_scalar(a): _scalar(b) for a, b in (v or {}).items()}
                for k, v in (raw.get("values") or {}).items()},
        dates={str(k): [str(f) for f in v] if isinstance(v, list) else str(v)
               for k, v in (raw.get("dates") or {}).items()},
        zero_pad={str(k): v for k, v in (raw.get("zero_pad") or {}).items()},
        blank_unless_matches={str(k): str(v) for k, v in (raw.get("blank_unless_matches") or {}).items()},
        unique_suffix=[str(f) for f in raw.get("unique_suffix") or []],
        exclude_rows=list(raw.get("exclude_rows") or []),
        redact=list(raw.get("redact") or []),
        combine={str(k): {"columns": [str(c) for c in v["columns"]],
                          "separator": _scalar(v.get("separator", DEFAULT_SEPARATOR))}
                 for k, v in (raw.get("combine") or {}).items()},
        numbers={**DEFAULT_SEPARATORS, **{str(k): _scalar(v) for k, v in (raw.get("numbers") or {}).items()}},
        sheet=raw.get("sheet"),
        encoding=raw.get("encoding"),
        path=path,
    )
    problems += _check_targets(mapping, schema) + _check_settings(mapping)
    if problems:
        raise AssetBlocked(problems)
    return mapping


def _well_shaped(raw: dict, path: str, problems: list[Problem]) -> dict:
    """The settings whose values have the right shape; a problem for each of the others."""
    kept = {}
    for key, value in raw.items():
        kinds, shape = SHAPES.get(key, (object, ""))
        wrong = value is not None and kinds is not object and (not isinstance(value, kinds)
                                                               or isinstance(value, bool))
        inner = {"values": dict, "exclude_rows": dict, "redact": dict, "combine": dict}.get(key)
        if not wrong and inner and value:
            items = value.values() if isinstance(value, dict) else value
            wrong = not all(isinstance(item, inner) or (key == "values" and item is None) for item in items)
        if not wrong and key == "combine" and value:
            wrong = not all(isinstance(rule.get("columns"), list) and set(rule) <= set(COMBINE_KEYS)
                            for rule in value.values())
        if not wrong and key == "dates" and value:
            wrong = not all(isinstance(v, (str, list)) for v in value.values())
        if not wrong and key == "zero_pad" and value:
            wrong = not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value.values())
        if wrong:
            problems.append(_problem(f"'{key}' must be {shape} ({REFERENCE}).", path))
        else:
            kept[key] = value
    return kept


def _scalar(value) -> str:
    """YAML turns yes/no/true into booleans and 1 into ints; the published CSV wants text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _check_targets(mapping: Mapping, schema: dict) -> list[Problem]:
    known = [f["name"] for f in schema["fields"]]
    used = [("columns", t) for t in mapping.columns.values()]
    for setting in ("constants", "values", "dates", "zero_pad", "blank_unless_matches", "combine"):
        used += [(setting, t) for t in getattr(mapping, setting)]
    used += [("unique_suffix", t) for t in mapping.unique_suffix]
    used += [("exclude_rows", rule["field"]) for rule in mapping.exclude_rows if "field" in rule]
    used += [("redact", rule["field"]) for rule in mapping.redact if "field" in rule]
    problems = [
        _problem(f"'{target}' (in {setting}) is not a field of the table schema {schema['name']}; "
                 f"its fields are: {', '.join(known)}.", mapping.path, target)
        for setting, target in used if target not in known
    ]
    for rule in mapping.redact:
        if not rule.get("field") or not rule.get("when_column") or not rule.get("in"):
            problems.append(_problem("each redact rule needs 'field', 'when_column' and 'in'.", mapping.path))
    for rule in mapping.exclude_rows:
        if not rule.get("field") or not set(EXCLUDE_TESTS) & set(rule):
            tests = ", ".join(EXCLUDE_TESTS)
            problems.append(_problem(f"each exclude_rows rule needs 'field' and one of: {tests}.",
                                     mapping.path))
    for target, pattern in mapping.blank_unless_matches.items():
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(_problem(f"'{pattern}' is not a valid pattern: {error}", mapping.path, target))
    return problems


def _check_settings(mapping: Mapping) -> list[Problem]:
    """The settings real exports need (combine, numbers, dates, sheet, encoding) make sense."""
    problems = []

    def problem(message, column=None):
        problems.append(_problem(message, mapping.path, column))

    given_by = dict.fromkeys(mapping.columns.values(), "columns")
    for target in mapping.constants:
        if target in given_by:
            problem(f"'{target}' is given both by columns and by constants: keep one.", target)
        given_by[target] = "constants"
    for target, rule in mapping.combine.items():
        if len(rule["columns"]) < 2:
            problem(f"combine: '{target}' needs two or more source columns under 'columns'.", target)
        if target in given_by:
            problem(f"'{target}' is given both by combine and by {given_by[target]}: keep one.", target)
        for column in rule["columns"]:
            if column in mapping.drop:
                problem(f"the column '{column}' is listed under drop but combine publishes it in '{target}': "
                        "keep one.", column)
    for column in mapping.columns:
        if column in mapping.drop:
            problem(f"the column '{column}' is listed under drop but columns publishes it: keep one.", column)
    for key, value in mapping.numbers.items():
        if key not in NUMBER_SEPARATORS:
            problem(f"numbers: unknown setting '{key}'; the settings are: decimal, thousands.")
        elif value not in NUMBER_SEPARATORS[key]:
            allowed = ", ".join(f'"{v}"' for v in NUMBER_SEPARATORS[key])
            problem(f"numbers: {key} must be one of {allowed} (\"\" for none), not \"{value}\".")
    if mapping.numbers.get("decimal") == mapping.numbers.get("thousands"):
        problem("numbers: the decimal and thousands separators must differ.")
    for target, formats in mapping.dates.items():
        for pattern in formats if isinstance(formats, list) else [formats]:
            if not _date_format_works(pattern):
                problem(f"dates: '{pattern}' is not a date format. Write it with % codes: \"%d/%m/%Y\" for "
                        "24/06/2020, \"%d/%m/%Y %H:%M:%S\" for 24/06/2020 00:00:00, \"%d-%b-%y\" for "
                        "24-Jun-20.", target)
    if isinstance(mapping.sheet, int) and mapping.sheet < 1:
        problem(f"sheet: numbers count from 1 (the first sheet), not {mapping.sheet}.")
    if mapping.encoding is not None:
        try:
            codecs.lookup(mapping.encoding)
        except LookupError:
            problem(f"encoding: '{mapping.encoding}' is not an encoding name the publish jobs know; "
                    "common ones are utf-8, cp1252 (Windows-1252) and latin-1.")
    return problems


def _date_format_works(pattern: str) -> bool:
    """A format with a day, a month and a year that reads back a date it wrote."""
    sample = dt.datetime(2024, 12, 31, 13, 45, 59)
    if not all(re.search(codes, pattern) for codes in ("%d", "%[mbB]", "%[Yy]")):
        return False
    try:
        return dt.datetime.strptime(sample.strftime(pattern), pattern).date() == sample.date()
    except ValueError:
        return False


def apply_mapping(table: Table, mapping: Mapping, schema: dict) -> MappedTable:
    """The extract as the schema's columns, in the schema's order, with every rule applied."""
    fields = {f["name"]: f for f in schema["fields"]}
    sources = _sources(table, mapping, fields)
    index = {label: position for position, label in enumerate(table.header)}
    out = MappedTable(header=list(fields), rows=[], source_rows=[], notes=list(table.notes))
    excluded = 0
    for number, cells in zip(table.row_numbers, table.rows, strict=False):
        row = {name: cells[index[source]] if source else "" for name, source in sources.items()}
        for target, rule in mapping.combine.items():
            parts = (cells[index[column]].strip() for column in rule["columns"])
            row[target] = rule["separator"].join(part for part in parts if part)
        row.update(mapping.constants)
        for rule in mapping.redact:
            if cells[index[rule["when_column"]]] in [_scalar(v) for v in rule["in"]]:
                row[rule["field"]] = rule.get("replacement", REDACTED)
        for name, spec in fields.items():
            row[name] = _convert(row[name], name, spec, mapping)
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
    """Target field -> source column (None when it comes from a constant, a combination or is absent)."""
    header = set(table.header)
    problems = []
    combined = [column for rule in mapping.combine.values() for column in rule["columns"]]
    dropped = [column for column in mapping.drop if not UNNAMED.fullmatch(column)]  # "column 11" may be empty
    referenced = list(mapping.columns) + combined + [rule["when_column"] for rule in mapping.redact] + dropped
    for column in dict.fromkeys(referenced):
        if column not in header:
            problems.append(_problem(
                f"the extract has no column '{column}'. Its columns are: {', '.join(table.header)}.",
                mapping.path, column))
    sources: dict[str, str | None] = dict.fromkeys(fields)
    for column in table.header:
        if column in mapping.columns:
            sources[mapping.columns[column]] = column
        elif column in {**mapping.combine, **mapping.constants} and column not in mapping.drop + combined:
            setting = "combine builds" if column in mapping.combine else "constants gives"
            problems.append(_problem(
                f"the extract column '{column}' has the name of a field that {setting}, so its values would "
                f"be replaced. List it under 'drop', or remove the field from {setting.split(maxsplit=1)[0]}.",
                mapping.path, column))
        elif column in fields and column not in mapping.drop:
            sources[column] = column
        elif column not in mapping.drop and column not in combined and not any(
                r["when_column"] == column for r in mapping.redact):
            problems.append(_unmapped(table, column, mapping))
    for name, spec in fields.items():
        if sources[name] is None and name not in mapping.constants and name not in mapping.combine \
                and spec.get("constraints", {}).get("required"):
            problems.append(_problem(
                f"nothing provides the required field '{name}': map a column to it or give a constant.",
                mapping.path, name))
    if problems:
        raise AssetBlocked(problems)
    return sources


def _unmapped(table: Table, column: str, mapping: Mapping) -> Problem:
    """A source column the mapping does not mention: nobody has decided whether it may be published."""
    if column in table.unnamed:
        position = table.header.index(column)
        filled = [number for number, cells in zip(table.row_numbers, table.rows, strict=False) if cells[position]]
        return _problem(
            f"the extract's {column} has no heading, but {_rows_hold(len(filled))} a value there (the first "
            f"is row {filled[0]}). Give it a heading in the extract, or say in the mapping what it is: map "
            f"it under 'columns' (\"{column}\": field) or list it under 'drop' as \"{column}\".",
            mapping.path, column)
    if column in table.repeated:
        heading = column.rsplit(" (column ", 1)[0]
        return _problem(
            f"the extract has more than one column headed '{heading}'; this one is '{column}'. Rename it in "
            f"the extract, or map it under 'columns' or list it under 'drop' as \"{column}\".",
            mapping.path, column)
    return _problem(
        f"the extract column '{column}' is neither mapped to a schema field nor listed under 'drop'. "
        "Decide whether it may be published and add it to the mapping.", mapping.path, column)


def _rows_hold(count: int) -> str:
    return "1 row holds" if count == 1 else f"{count:,} rows hold"


def _convert(value: str, name: str, spec: dict, mapping: Mapping) -> str:
    value = value.strip()
    if name in mapping.values:
        table = mapping.values[name]
        value = table.get(value, table.get(ANY_OTHER_VALUE, value))
    if value and name in mapping.dates:
        value = _iso_date(value, mapping.dates[name])
    if value and spec.get("type") == "date" and ISO_DATE_TIME.fullmatch(value):
        value = value[:10]  # a workbook date-and-time cell; the table holds the date
    if value and spec.get("type") in NUMBER_TYPES:
        value = plain_number(value, **mapping.numbers) or value  # not a number: validation reports it
    if value.isdigit() and name in mapping.zero_pad:
        value = value.zfill(mapping.zero_pad[name])
    if value and name in mapping.blank_unless_matches and not re.fullmatch(mapping.blank_unless_matches[name], value):
        value = ""
    return value


def _iso_date(value: str, formats: str | list[str]) -> str:
    """YYYY-MM-DD from the first format that reads the value; else the value as it is, for validation."""
    for pattern in formats if isinstance(formats, list) else [formats]:
        try:
            return dt.datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
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
