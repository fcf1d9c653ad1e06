"""Plain-English wording of every validation problem, in ONE table, and the
description of what a field expects, derived from the schema field itself.

Each entry is (title, message, fix). Messages and fixes are `str.format`
templates over: row, column, field, value, expected, detail, sheet.
An entry keyed "type/variant" (e.g. "constraint-error/required") is used in
preference to the plain type when the variant applies.
"""
from __future__ import annotations

import string
from datetime import date, datetime, time
from typing import Any, NamedTuple

from frictionless import Field, settings


class Wording(NamedTuple):
    title: str
    message: str
    fix: str


_SAVE_AS = 'save it as "CSV UTF-8 (Comma delimited)" or as an Excel workbook (.xlsx)'
_ALLOWED = ("Council role mailboxes (such as opendata@westsuffolk.gov.uk) are fine. If the value is published on "
            "purpose (for example the council's switchboard number, or a business named after its owner), ask "
            "the data protection officer to allow it.")

WORDING: dict[str, Wording] = {
    # --- the file could not be read as a table ("error") ---
    "empty-file": Wording(
        "Empty file",
        "The file is empty: it has no column headings and no rows.",
        "Check you picked the right file, export the data again and upload the new file.",
    ),
    "binary-file": Wording(
        "Not a table file",
        "This file is not a CSV or Excel table: it looks like {detail}.",
        f"Open the data in your spreadsheet and {_SAVE_AS}, then upload that file.",
    ),
    "unsupported-format": Wording(
        "File type not supported",
        "{detail}",
        f"Open the data in your spreadsheet and {_SAVE_AS}, then upload that file.",
    ),
    "unknown-schema": Wording(
        "Unknown table schema",
        'There is no table schema called "{value}". The known schemas are: {expected}.',
        "Choose one of the known schemas, or ask the open data team to add the one you need.",
    ),
    "schema-error": Wording(
        "Table schema cannot be used",
        "The table schema could not be used to check the file ({detail}).",
        "Ask the open data team to correct the table schema, then check the file again.",
    ),
    "source-error": Wording(
        "File could not be read",
        "The file could not be read as a table ({detail}).",
        f"Check you picked the right file. If it is correct, {_SAVE_AS} and upload it again.",
    ),
    "scheme-error": Wording(
        "File could not be opened",
        "The file could not be opened ({detail}).",
        "Check the file still exists and upload it again.",
    ),
    "format-error": Wording(
        "File could not be opened",
        "The file could not be opened as a table ({detail}).",
        f"Open the file in your spreadsheet to check it is not damaged, then {_SAVE_AS}.",
    ),
    "encoding-error": Wording(
        "Unreadable characters",
        "Some characters in the file could not be read ({detail}).",
        f'Open the file in your spreadsheet and {_SAVE_AS}; "CSV UTF-8" keeps characters such as £ and é.',
    ),
    "compression-error": Wording(
        "Compressed file could not be opened",
        "The compressed (zipped) file could not be opened ({detail}).",
        "Upload the table itself rather than a compressed copy.",
    ),
    "workbook-sheets": Wording(
        "More than one sheet",
        "The workbook has {detail} sheets with data: {value}. A table schema describes one table, so only a "
        "workbook with one sheet can be checked and published.",
        "Keep only the sheet that holds the table (delete the others, hidden ones too) or save that sheet as "
        "CSV, then upload the file again.",
    ),
    "unsafe-workbook": Wording(
        "Workbook cannot be opened",
        "{detail}",
        "Open the workbook in Excel, save it again as an Excel workbook (.xlsx) or as CSV UTF-8, and upload "
        "that file.",
    ),
    # --- the headings don't match the schema ---
    "no-data-rows": Wording(
        "No data",
        "The file has column headings but no rows of data.",
        "Add the rows of data under the headings, or check you exported the right period.",
    ),
    "blank-header": Wording(
        "No column headings",
        "The first row of the file is empty, so the column headings are missing.",
        "Put the column headings in the first row.",
    ),
    "unmatched-header": Wording(
        "Column headings do not match",
        "None of the column headings match this table.",
        "Check you chose the right table schema.",
    ),
    "missing-label": Wording(
        "Missing column",
        'The column "{field}" ({detail}) is missing.',
        'Add a column headed "{field}".',
    ),
    "extra-label": Wording(
        "Unexpected column",
        'Column {column} is headed "{value}", which is not one of this table\'s columns.',
        "Delete column {column}, or rename its heading if it holds one of the missing columns: {detail}.",
    ),
    "extra-label/nothing-missing": Wording(
        "Unexpected column",
        'Column {column} is headed "{value}", which is not one of this table\'s columns.',
        "Delete column {column}.",
    ),
    "incorrect-label": Wording(
        "Wrong column heading",
        'Column {column} is headed "{value}" but should be headed "{field}".',
        'Rename the heading of column {column} to exactly "{field}".',
    ),
    "incorrect-label/similar": Wording(
        "Column heading to rename",
        'Column {column} is headed "{value}", which looks like "{field}" ({detail}).',
        'Rename the heading of column {column} to exactly "{field}".',
    ),
    "incorrect-label/respelled": Wording(
        "Column heading spelled differently",
        'Column {column} is headed "{value}"; the heading must be spelled exactly "{field}".',
        'Rename the heading of column {column} to exactly "{field}" (lower case, words joined by _).',
    ),
    "column-order": Wording(
        "Columns in the wrong order",
        "The columns are not in the order of the table schema.",
        "Put the columns in the order of the schema's headings (listed once with these problems).",
    ),
    "blank-label": Wording(
        "Blank column heading",
        "Column {column} has no heading.",
        "Give column {column} the heading of the column it holds ({detail}), or delete it if it is empty.",
    ),
    "blank-label/nothing-missing": Wording(
        "Blank column heading",
        "Column {column} has no heading.",
        "Delete column {column} if it is empty, or give it a heading.",
    ),
    "duplicate-label": Wording(
        "Repeated column heading",
        'The heading "{value}" in column {column} is also used by an earlier column.',
        "Each heading may be used only once: rename or delete column {column}.",
    ),
    # --- rows and cells break the schema ---
    "blank-row": Wording(
        "Empty row",
        "Row {row} is empty.",
        "Delete row {row}.",
    ),
    "extra-cell": Wording(
        "Extra value in a row",
        'Row {row} has a value in column {column} ("{value}"), but that column has no heading.',
        "Check row {row} for a stray comma or a value typed in the wrong place. "
        "Text that contains commas must be inside double quotes.",
    ),
    "missing-cell": Wording(
        "Row too short",
        'Row {row} stops before column {column} ("{field}"): it has fewer values than there are columns.',
        "Check row {row} for a missing value or a line break inside a value. "
        "Every row needs a value (it may be blank) for every column.",
    ),
    "type-error": Wording(
        "Wrong kind of value",
        'Row {row}, column "{field}": "{value}" is not {expected}.',
        'Change the value in row {row}, column "{field}" to {expected}.',
    ),
    "constraint-error": Wording(
        "Value not allowed",
        'Row {row}, column "{field}": "{value}" is not allowed; it must be {expected}.',
        'Change the value in row {row}, column "{field}" so that it is {expected}.',
    ),
    "constraint-error/required": Wording(
        "Required value missing",
        'Row {row}, column "{field}" is blank, but this column must always be filled in.',
        'Fill in row {row}, column "{field}". If the value is not known, ask the data owner what to enter.',
    ),
    "unique-error": Wording(
        "Repeated value",
        'Row {row}, column "{field}": "{value}" is already used {detail}.',
        'Every value in column "{field}" must be different. Check whether row {row} repeats an earlier row.',
    ),
    "primary-key": Wording(
        "Repeated or missing identifier",
        "Row {row} has a missing identifier, or the same identifier as {detail}.",
        "Give row {row} its own identifier, or delete it if it repeats an earlier row.",
    ),
    "foreign-key": Wording(
        "Unknown reference",
        "Row {row} refers to something that does not exist ({detail}).",
        "Correct the reference in row {row}.",
    ),
    "duplicate-row": Wording(
        "Repeated row",
        "Row {row} is exactly the same as an earlier row ({detail}).",
        "Delete row {row} if it is a copy, or correct it.",
    ),
    "row-constraint": Wording(
        "Row breaks a rule",
        "Row {row} breaks a rule of this table ({detail}).",
        "Correct the values in row {row}.",
    ),
    "formula-cell": Wording(
        "Text that looks like a formula",
        'Row {row}, column "{field}": "{value}" starts with "{detail}", so a spreadsheet could run it as a formula.',
        'Change the value in row {row}, column "{field}" so it does not start with =, +, - or @ '
        "(for example, start it with a word). Numbers such as -12.50 are fine.",
    ),
    "personal-data": Wording(
        "Possible personal data",
        'Row {row}, column "{field}" seems to contain {detail} ("{value}"). The portal never publishes '
        "personal data.",
        'Remove or redact it in row {row}, column "{field}" and upload the file again. ' + _ALLOWED,
    ),
    "personal-data/sheet": Wording(
        "Possible personal data",
        'Sheet "{sheet}", row {row}, column "{field}" seems to contain {detail} ("{value}"). The portal never '
        "publishes personal data, and every sheet of a workbook is published with it.",
        'Remove or redact it in sheet "{sheet}", row {row}, or delete the sheet, and upload the file again. '
        + _ALLOWED,
    ),
    "personal-data/line": Wording(
        "Possible personal data",
        'Line {row} seems to contain {detail} ("{value}"). The portal never publishes personal data.',
        "Remove or redact it on line {row} and upload the file again. " + _ALLOWED,
    ),
    "ward-code": Wording(
        "Not a West Suffolk ward",
        'Row {row}, column "{field}": "{value}" is not the code of one of West Suffolk\'s wards: {detail}.',
        'Change the value in row {row}, column "{field}" to the ward\'s ONS code (E05 followed by six digits, '
        "as listed on the portal's Wards page).",
    ),
    "ward-name": Wording(
        "Ward name does not match its code",
        'Row {row}, column "{field}": the ward name "{value}" does not match the ward code in the same row '
        "({detail}).",
        "Correct the name or the code in row {row} so that both are the same ward.",
    ),
}

# The same problem in many rows of one column, said once: "{count} values in column ..." with examples
# and where; templates over count, s (plural ending), field, column, examples, expected, detail.
GROUP_WORDING: dict[str, Wording] = {
    "type-error": Wording("", '{count} value{s} in column "{field}" {are} not {expected}, for example {examples}.',
                          "Change them to {expected}."),
    "constraint-error": Wording("", '{count} value{s} in column "{field}" {are} not allowed, for example '
                                    "{examples}: each must be {expected}.", "Change each so that it is {expected}."),
    "constraint-error/required": Wording("", '{count} row{s} {have} no value in column "{field}", which must '
                                             "always be filled in.",
                                         "Fill them in. If a value is not known, ask the data owner what to enter."),
    "unique-error": Wording("", '{count} value{s} in column "{field}" repeat{verb_s} an earlier row, for example '
                                "{examples}.",
                            'Every value in column "{field}" must be different: check whether these rows repeat '
                            "earlier ones."),
    "primary-key": Wording("", "{count} row{s} repeat{verb_s} an earlier row's identifier or {have} none.",
                           "Give each row its own identifier, or delete rows that repeat earlier ones."),
    "missing-cell": Wording("", '{count} row{s} stop{verb_s} before column "{field}".',
                            "Check these rows for a missing value or a line break inside a value."),
    "extra-cell": Wording("", "{count} row{s} {have} a value in column {column}, which has no heading, for "
                              "example {examples}.",
                          "Give the column a heading, or remove the stray values (text containing commas must be "
                          "inside double quotes)."),
    "formula-cell": Wording("", '{count} value{s} in column "{field}" start{verb_s} like a spreadsheet formula, '
                                "for example {examples}.",
                            "Change them so they do not start with =, +, - or @ (numbers such as -12.50 are fine)."),
    "personal-data": Wording("", '{count} cell{s} in column "{field}" seem{verb_s} to contain {detail}, for '
                                 "example {examples}.", "Remove or redact them. " + _ALLOWED),
    "blank-row": Wording("", "{count} row{s} {are} empty.", "Delete the empty rows."),
    "ward-code": Wording("", '{count} value{s} in column "{field}" {are} not codes of West Suffolk wards, for '
                             "example {examples}.",
                         "Change each to its ward's ONS code (E05 followed by six digits, as listed on the "
                         "portal's Wards page); the problems row by row say which ward each nearly matches."),
    "ward-name": Wording("", '{count} ward name{s} in column "{field}" {do} not match the ward code in the same row, '
                             "for example {examples}.",
                         "Correct the name or the code in each of these rows so that both are the same ward."),
}
GROUP_FALLBACK = Wording("", "{count} × {detail}", "")
DATE_HINT = ("The dates look like {layout} ({example} is {iso}): save them as YYYY-MM-DD, for example {iso}.")
NUMBER_HINT = ("Write amounts as plain numbers such as 1234.56: no £ sign, no thousands separators, and a minus "
               "sign (not brackets) for negatives.")


def group_wording(type: str, variant: str | None = None) -> Wording:
    return GROUP_WORDING.get(f"{type}/{variant}") or GROUP_WORDING.get(type) or GROUP_FALLBACK


def plural_values(count: int) -> dict[str, str]:
    """Values that make a group template agree with its count."""
    one = count == 1
    return {"count": f"{count:,}", "s": "" if one else "s", "verb_s": "s" if one else "", "are": "is" if one else "are",
            "have": "has" if one else "have", "do": "does" if one else "do"}


def row_list(rows: list, count: int) -> str:
    """ "rows 2, 3 and 4" / "rows 2, 3, 4, 5, 6 and 16,172 more" """
    shown = ", ".join(str(r) for r in rows)
    more = count - len(rows)
    if more > 0:
        return f"rows {shown} and {more:,} more"
    if len(rows) > 1:
        head, _, last = shown.rpartition(", ")
        return f"rows {head} and {last}"
    return f"row {shown}"


# A problem not in the table still gets a message (frictionless' own) and a generic fix.
GENERIC_FIX = "Correct the file and check it again. If you are unsure what is wrong, contact the open data team."

# Types that mean the file could not be read as a table at all.
FILE_ERROR_TYPES = frozenset(
    {
        "empty-file",
        "binary-file",
        "unsupported-format",
        "unknown-schema",
        "schema-error",
        "source-error",
        "scheme-error",
        "format-error",
        "encoding-error",
        "compression-error",
        "workbook-sheets",
        "unsafe-workbook",
    }
)


def wording(type: str, variant: str | None = None) -> Wording | None:
    """The table entry for an issue type (and variant, e.g. a constraint name)."""
    return WORDING.get(f"{type}/{variant}") or WORDING.get(type)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, values: dict[str, Any]) -> str:
    """Fill a template, leaving unknown placeholders empty."""
    known = _Blank({key: value for key, value in values.items() if value is not None})
    return string.Formatter().vformat(template, (), known)


# --- what a field expects -------------------------------------------------

# A sample date, time and datetime, formatted with the field's own format.
_SAMPLE_DATE = date(2024, 3, 31)
_SAMPLE_TIME = time(14, 30)
_SAMPLE_DATETIME = datetime.combine(_SAMPLE_DATE, _SAMPLE_TIME)
_DEFAULT_PATTERNS = {
    "date": settings.DEFAULT_DATE_PATTERN,
    "time": settings.DEFAULT_TIME_PATTERN,
    "datetime": "%Y-%m-%dT%H:%M:%S",
}
_SAMPLES = {"date": _SAMPLE_DATE, "time": _SAMPLE_TIME, "datetime": _SAMPLE_DATETIME}
_NOUNS = {"date": "a date", "time": "a time", "datetime": "a date and time"}

_TYPE_PHRASES = {
    "integer": "a whole number like 42",
    "year": "a year like 2024",
    "yearmonth": "a year and month like 2024-03",
    "duration": "a length of time like P1Y2M (ISO 8601)",
    "geopoint": "a location like 52.2463,0.7111",
    "geojson": "a GeoJSON shape",
    "object": "a JSON object",
    "array": "a JSON list",
    "any": "any value",
}
_STRING_FORMATS = {
    "email": "an email address like name@example.org",
    "uri": "a web address starting with https://",
    "uuid": "a unique identifier (UUID)",
    "binary": "base64-encoded data",
}


def _quote_list(values: Any) -> str:
    return ", ".join(str(v) for v in values)


def _temporal_phrase(field: Field) -> str:
    noun, sample = _NOUNS[field.type], _SAMPLES[field.type]
    if field.format == "any":
        iso, british = sample.strftime(_DEFAULT_PATTERNS[field.type]), sample.strftime("%d/%m/%Y")
        return f"{noun} like {iso} or {british}"
    pattern = _DEFAULT_PATTERNS[field.type] if field.format == settings.DEFAULT_FIELD_FORMAT else field.format
    return f"{noun} like {sample.strftime(pattern)}"


def _number_phrase(field: Field) -> str:
    group, decimal = getattr(field, "group_char", None), getattr(field, "decimal_char", ".")
    sample = f"1{group}234{decimal}56" if group else f"1234{decimal}56"
    if getattr(field, "bare_number", True):
        extra = "" if group else ", no commas"
        return f"a number like {sample} (digits only, no £ sign{extra})"
    return f"a number like {sample}"


def type_phrase(field: Field) -> str:
    """What any value of this field looks like, e.g. "a date like 31/03/2024"."""
    if field.type in _NOUNS:
        return _temporal_phrase(field)
    if field.type == "number":
        return _number_phrase(field)
    if field.type == "boolean":
        values = list(getattr(field, "true_values", [])) + list(getattr(field, "false_values", []))
        return f"one of: {_quote_list(values)}"
    if field.type == "string":
        phrase = _STRING_FORMATS.get(field.format, "text")
        return f"{phrase} like {field.example}" if field.example and phrase == "text" else phrase
    return _TYPE_PHRASES.get(field.type, f"a value of type {field.type}")


def constraint_phrase(field: Field, constraint: str) -> str:
    """What the given constraint of this field allows, e.g. "one of: quote, tender"."""
    value = field.constraints.get(constraint)
    if constraint == "enum":
        return f"one of: {_quote_list(value)}"
    if constraint == "required":
        return "filled in (not blank)"
    if constraint == "unique":
        return "different from every other value in the column"
    if constraint == "minLength":
        return f"at least {value} characters long"
    if constraint == "maxLength":
        return f"at most {value} characters long"
    if constraint == "pattern":
        return f"in the form {field.example}" if field.example else f"text matching the pattern {value}"
    comparisons = {
        "minimum": "{} or more",
        "maximum": "{} or less",
        "exclusiveMinimum": "more than {}",
        "exclusiveMaximum": "less than {}",
    }
    if constraint in comparisons:
        return comparisons[constraint].format(value)
    return f"allowed by the rule {constraint} = {value}"


def constraint_sentences(descriptor: dict[str, Any]) -> list[str]:
    """A field's constraints as sentences, for the schema pages ("Must be one of: quote, tender.");
    the same wording the validation messages use."""
    field = Field.from_descriptor(dict(descriptor))
    return [f"Must be {constraint_phrase(field, name)}." for name in field.constraints]


def expected_for(field: Field | None, constraint: str | None = None) -> str | None:
    """The `expected` text of an issue on `field` (None when there is no schema field)."""
    if field is None or field.type == "any":
        return None
    return constraint_phrase(field, constraint) if constraint else type_phrase(field)
