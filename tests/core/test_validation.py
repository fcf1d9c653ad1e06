"""ckanext.westsuffolk.validation against bad inputs an officer might upload.

Fixtures: tests/data/bad-inputs/ (regenerate with make_fixtures.py there);
large files are generated in tmp_path.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import frictionless
import openpyxl
import pytest
from frictionless import fields as ffields

from westsuffolk_core import table_schemas
from westsuffolk_core.validation import ValidationResult, validate_table
from westsuffolk_core.validation.checks import looks_like_formula
from westsuffolk_core.validation.dates import FastDateField, with_fast_dates
from westsuffolk_core.validation.messages import FILE_ERROR_TYPES, WORDING, expected_for
from westsuffolk_core.validation.seen import SeenValues
from westsuffolk_core.validation.source import SNIFF_BYTES

BAD = Path(__file__).parents[1] / "data" / "bad-inputs"
SCHEMA = {
    "fields": [
        {"name": "date", "type": "date", "constraints": {"required": True}},
        {"name": "department", "type": "string", "constraints": {"required": True}},
        {"name": "supplier", "type": "string"},
        {"name": "amount", "type": "number", "constraints": {"required": True}},
        {"name": "route", "type": "string", "constraints": {"enum": ["quote", "tender"]}},
        {"name": "reference", "type": "string", "constraints": {"unique": True}},
    ]
}
HEADER = ["date", "department", "supplier", "amount", "route", "reference"]


def check(name: str, **options) -> ValidationResult:
    return validate_table(BAD / name, SCHEMA, **options)


def types_of(result: ValidationResult) -> list[str]:
    return [issue.type for issue in result.issues]


def only_issue(result: ValidationResult):
    assert len(result.issues) == 1, result.issues
    return result.issues[0]


# --- good files and the result object ---------------------------------------------


def test_valid_file_succeeds_and_result_round_trips_through_json():
    result = check("valid.csv")
    assert (result.status, result.row_count, result.error_count) == ("success", 3, 0)
    assert result.issues == [] and result.summary == [] and result.warnings == []
    assert datetime.fromisoformat(result.validated_at).utcoffset().total_seconds() == 0
    data = json.loads(json.dumps(result.as_dict()))
    assert ValidationResult.from_dict(data) == result


def test_accepts_schema_object_and_ref(tmp_path):
    assert check("valid.csv").status == validate_table(BAD / "valid.csv", frictionless.Schema(SCHEMA)).status
    ref = table_schemas.latest_ref("spend-over-500")
    example = table_schemas.example_path("spend-over-500")
    result = validate_table(example, ref)
    assert result.schema_ref == ref and result.status == "success", result.issues


# --- unreadable files: "error" with one clear issue ---------------------------------------


def test_empty_file_is_an_error():
    result = check("empty.csv")
    issue = only_issue(result)
    assert (result.status, issue.type) == ("error", "empty-file")
    assert "empty" in issue.message


@pytest.mark.parametrize("name, kind", [("png-named.csv", "PNG image"), ("zip-named.csv", "zip archive")])
def test_binary_file_named_csv_is_an_error(name, kind):
    result = check(name)
    issue = only_issue(result)
    assert (result.status, issue.type) == ("error", "binary-file")
    assert kind in issue.message and "CSV UTF-8" in issue.fix


def test_text_with_nul_bytes_is_binary(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"date,department\x00\x00\x01\x02")
    assert only_issue(validate_table(path, SCHEMA)).type == "binary-file"


def test_unknown_schema_lists_the_known_ones():
    result = validate_table(BAD / "valid.csv", "spend-over-5000")
    issue = only_issue(result)
    assert (result.status, issue.type, issue.value) == ("error", "unknown-schema", "spend-over-5000")
    for known in ("spend-over-500", "purchase-card-transactions", "contracts"):
        assert known in issue.message


def test_invalid_schema_descriptor_is_an_error_not_an_exception():
    result = validate_table(BAD / "valid.csv", {"fields": [{"name": "a", "type": "no-such-type"}]})
    assert (result.status, only_issue(result).type) == ("error", "schema-error")


def test_old_excel_is_not_supported(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    result = validate_table(path, SCHEMA)
    assert (result.status, only_issue(result).type) == ("error", "unsupported-format")
    assert ".xls" in result.issues[0].message


# --- encodings and byte-order marks ------------------------------------------------


def test_windows_1252_is_read_with_a_warning():
    result = check("windows-1252.csv")
    assert result.row_count == 1
    assert any("Windows-1252" in w for w in result.warnings)
    issue = only_issue(result)  # the "£" came through as £, so the amount is reported with it
    assert (issue.type, issue.value, issue.field) == ("type-error", "£12.50", "amount")


def test_latin_1_only_bytes_fall_back_to_latin_1():
    result = check("latin-1.csv")
    assert result.status == "success"
    assert any("ISO-8859-1" in w for w in result.warnings)


def test_non_utf8_after_the_sniffed_part_is_reread_as_windows_1252(tmp_path):
    path = tmp_path / "late.csv"
    row = "2024-03-31,Leisure," + "Acme Ltd " * 40 + ",120.50,quote,R{}\r\n"
    rows = SNIFF_BYTES // len(row) + 10
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write(",".join(HEADER) + "\r\n")
        out.writelines(row.format(n) for n in range(rows))
        out.write("2024-03-31,Leisure,Café,£5,quote,LAST\r\n")
    result = validate_table(path, SCHEMA)
    assert result.row_count == rows + 1
    assert any("Windows-1252" in w for w in result.warnings)
    issue = only_issue(result)
    assert (issue.type, issue.value, issue.row) == ("type-error", "£5", rows + 2)


def test_utf8_bom_is_stripped_silently():
    result = check("utf8-bom.csv")
    assert (result.status, result.row_count, result.warnings) == ("success", 2, [])


def test_double_encoded_bom_is_stripped_with_a_warning():
    result = check("double-bom.csv")
    assert (result.status, result.row_count) == ("success", 2)
    assert len(result.warnings) == 1 and "ï»¿" in result.warnings[0]


# --- headings -------------------------------------------------------------------


def test_header_only_file_is_a_failure():
    result = check("header-only.csv")
    issue = only_issue(result)
    assert (result.status, result.row_count, issue.type) == ("failure", 0, "no-data-rows")
    assert issue.message == "The file has column headings but no rows of data."


def test_missing_column_names_the_expected_headings():
    result = check("missing-column.csv")
    issue = only_issue(result)
    assert (result.status, issue.type, issue.field, issue.row) == ("failure", "missing-label", "reference", 1)
    assert '"reference"' in issue.message and issue.fix == 'Add a column headed "reference".'
    assert result.expected_headings == HEADER  # listed once, not in every message


def test_headings_are_matched_by_name_not_position():
    result = check("wrong-headings.csv")  # Date,department,amount,supplier,route,reference,notes
    header = [(i.type, i.column, i.value, i.field) for i in result.issues if i.row == 1]
    assert header == [
        ("incorrect-label", 1, "Date", "date"),
        ("extra-label", 7, "notes", None),
        ("column-order", None, None, None),
    ]
    renamed, extra, order = result.issues[:3]
    assert 'spelled exactly "date"' in renamed.message
    assert extra.fix == "Delete column 7."  # nothing is missing, so nothing to rename it to
    assert "order of the schema's headings" in order.fix and result.expected_headings == HEADER
    assert not any(", ".join(HEADER) in i.fix for i in result.issues)  # listed once, in expected_headings


def test_a_heading_is_matched_by_its_alias_typo_or_abbreviation(tmp_path):
    schema = {"fields": [
        {"name": "beneficiary", "type": "string", "alsoKnownAs": ["Supplier Name"]},
        {"name": "organisation_name", "type": "string"},
        {"name": "transaction_number", "type": "string"},
        {"name": "expenditure_date", "type": "date"},
    ]}
    path = tmp_path / "renamed.csv"
    path.write_text("Supplier Name,Organistion Name,Transaction No.,Expenditure Code\nAcme,WSC,1,x\n")
    issues = {i.column: i for i in validate_table(path, schema).issues if i.row == 1 and i.column}
    assert [(c, issues[c].type, issues[c].field) for c in sorted(issues)] == [
        (1, "incorrect-label", "beneficiary"), (2, "incorrect-label", "organisation_name"),
        (3, "incorrect-label", "transaction_number"), (4, "extra-label", None)]
    assert issues[1].message == 'Column 1 is headed "Supplier Name", which looks like "beneficiary" (beneficiary).'
    assert "expenditure_date" in issues[4].fix  # "Expenditure Code" is not a date: offered, not assumed


def test_mostly_wrong_headings_skip_value_checks_but_count_rows(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b,c,d,e,f\n" + "x,y,z,w,v,u\n" * 5)
    result = validate_table(path, SCHEMA)
    assert result.row_count == 5 and set(types_of(result)) == {"extra-label", "missing-label"}
    assert any("not checked" in w for w in result.warnings)


# --- rows and cells --------------------------------------------------------------


def test_ragged_rows_report_extra_and_missing_cells():
    result = check("ragged.csv")
    assert result.status == "failure" and result.row_count == 3
    found = [(i.type, i.row, i.column) for i in result.issues]
    assert found == [("extra-cell", 3, 7), ("missing-cell", 4, 4), ("missing-cell", 4, 5), ("missing-cell", 4, 6)]
    assert result.issues[0].value == "surplus" and "Row 3" in result.issues[0].message


def test_bad_values_have_expected_text_from_the_schema():
    result = check("bad-values.csv")
    by_cell = {(i.row, i.field): i for i in result.issues}
    assert by_cell[2, "date"].expected == "a date like 2024-03-31"
    assert by_cell[3, "route"].expected == "one of: quote, tender"
    assert (by_cell[3, "department"].type, by_cell[3, "department"].title) == ("constraint-error", "Required value missing")
    assert by_cell[3, "amount"].value == "abc" and "number" in by_cell[3, "amount"].expected
    assert ("blank-row", 4) in [(i.type, i.row) for i in result.issues]
    assert {s["type"]: s["count"] for s in result.summary}["type-error"] == 3


@pytest.mark.parametrize(
    "descriptor, expected",
    [
        ({"type": "date", "format": "%d/%m/%Y"}, "a date like 31/03/2024"),
        ({"type": "date"}, "a date like 2024-03-31"),
        ({"type": "integer"}, "a whole number like 42"),
        ({"type": "boolean"}, "one of: true, True, TRUE, 1, false, False, FALSE, 0"),
        ({"type": "string", "format": "email"}, "an email address like name@example.org"),
        ({"type": "number", "groupChar": ","}, "a number like 1,234.56 (digits only, no £ sign)"),
    ],
)
def test_expected_is_derived_from_the_field(descriptor, expected):
    field = frictionless.Field.from_descriptor({"name": "x", **descriptor})
    assert expected_for(field) == expected


def test_expected_for_constraints():
    field = frictionless.Field.from_descriptor(
        {"name": "x", "type": "number", "constraints": {"minimum": 500, "enum": [1, 2]}}
    )
    assert expected_for(field, "minimum") == "500 or more"
    assert expected_for(field, "enum") == "one of: 1, 2"


def test_formula_like_text_is_flagged_but_negative_numbers_are_not():
    result = check("formulas.csv")
    flagged = [(i.type, i.row, i.field, i.value) for i in result.issues]
    assert flagged == [
        ("formula-cell", 2, "supplier", '=HYPERLINK("http://evil.example","Click")'),
        ("formula-cell", 3, "department", "+cmd"),
        ("formula-cell", 4, "supplier", "-2+3"),
        ("formula-cell", 5, "reference", "@SUM(A1:A9)"),
    ]
    assert 'starts with "="' in result.issues[0].message


@pytest.mark.parametrize("text, flagged", [("=1+1", True), ("-2+3", True), ("@A1", True), ("+cmd", True),
                                           ("-12.50", False), ("+44 1284 763233", False), ("-", False),
                                           ("Acme", False), ("", False)])
def test_looks_like_formula(text, flagged):
    assert looks_like_formula(text) is flagged


def test_error_limit_keeps_counting(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(",".join(HEADER) + "\n" + "".join(f"bad,Leisure,Acme,1,quote,R{n}\n" for n in range(50)))
    result = validate_table(path, SCHEMA, limit_errors=10)
    assert (result.error_count, len(result.issues), result.truncated, result.row_count) == (50, 10, True, 50)
    assert result.summary == [{"type": "type-error", "title": "Wrong kind of value", "count": 50}]
    assert any("only the first 10" in w for w in result.warnings)


def test_unique_values_spill_to_disk_and_still_find_duplicates():
    seen = SeenValues(spill_after=3)
    assert [seen.add(k, n) for n, k in enumerate("abcdea", start=2)] == [None] * 5 + [2]
    assert seen.add("e", 9) == 6
    seen.close()


def test_a_repeated_unique_key_is_reported_once(tmp_path):
    schema = {**SCHEMA, "primaryKey": ["reference"]}
    path = tmp_path / "pk.csv"
    path.write_text(",".join(HEADER) + "\n" + "2024-01-01,A,B,1,quote,R1\n" * 2)
    result = validate_table(path, schema)
    assert (types_of(result), result.error_count) == (["unique-error"], 1)  # not also as primary-key
    issue = only_issue(result)
    assert issue.row == 3 and "row 2" in issue.message
    assert issue.value == "R1" and issue.field == "reference"
    no_unique = {"fields": [{**f, "constraints": {}} if f["name"] == "reference" else f for f in SCHEMA["fields"]],
                 "primaryKey": ["reference"]}
    assert types_of(validate_table(path, no_unique)) == ["primary-key"]


def test_unique_without_primary_key_and_composite_keys(tmp_path):
    path = tmp_path / "keys.csv"
    path.write_text(",".join(HEADER) + "\n" + "2024-01-01,A,S1,1,quote,R1\n2024-01-01,A,S2,1,quote,R1\n"
                    "2024-01-01,A,S1,1,quote,R3\n")
    assert [(i.type, i.row) for i in validate_table(path, SCHEMA).issues] == [("unique-error", 3)]
    composite = {**SCHEMA, "primaryKey": ["date", "supplier"]}
    assert [(i.type, i.row) for i in validate_table(path, composite).issues] == [("unique-error", 3),
                                                                                ("primary-key", 4)]


# --- Excel ---------------------------------------------------------------------


def write_xlsx(path: Path, rows: list[list]) -> Path:
    """A workbook whose first sheet holds `rows`; strings stay text even if they start with "="."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for cell in (c for line in book.active.iter_rows() for c in line if isinstance(c.value, str)):
        cell.data_type = "s"
    book.save(path)
    return path


def test_xlsx_is_validated(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, [datetime(2024, 3, 31), "Leisure", "Acme", 120.5, "quote", "R1"]])
    result = validate_table(good, SCHEMA)
    assert (result.status, result.row_count) == ("success", 1), result.issues
    bad = write_xlsx(tmp_path / "bad.dat", [HEADER, ["2024-03-31", "Leisure", "=cmd", "lots", "bid", "R1"]])
    result = validate_table(bad, SCHEMA, format="xlsx")
    assert [(i.type, i.row, i.field) for i in result.issues] == [
        ("type-error", 2, "amount"),
        ("constraint-error", 2, "route"),
        ("formula-cell", 2, "supplier"),
    ]


def test_csv_bytes_named_xlsx_is_an_error(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("a,b\n1,2\n")
    result = validate_table(path, SCHEMA)
    assert (result.status, only_issue(result).type) == ("error", "unsupported-format")


# --- one table of wording -----------------------------------------------------------


def test_every_baseline_frictionless_error_has_wording():
    baseline = {e.type for e in frictionless.checks.baseline.Errors} - {"hash-count", "byte-count", "field-count",
                                                                        "row-count"}
    file_errors = {"source-error", "scheme-error", "format-error", "encoding-error", "compression-error"}
    assert baseline | file_errors <= set(WORDING)
    assert set(WORDING) >= FILE_ERROR_TYPES


# --- speed and memory ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2024-03-31", "2024-02-30", "2024-3-5", "2024-13-01", "0000-01-01", "24-03-31", " 2024-03-31", "2024-03-31 ",
     "２０２４-03-31", "31/03/2024", "2024/03/31", "", "abcd-ef-gh", "2024-03-311"],
)
@pytest.mark.parametrize("fmt", ["default", "%d/%m/%Y", "%Y/%m/%d", "%d %B %Y"])
def test_fast_date_reader_matches_frictionless(text, fmt):
    descriptor = {"name": "d", "type": "date", "format": fmt}
    plain = ffields.DateField.from_descriptor(descriptor).create_value_reader()
    fast = FastDateField.from_descriptor(descriptor).create_value_reader()
    assert fast(text) == plain(text)


def test_fast_dates_survive_frictionless_copies():
    schema = with_fast_dates(frictionless.Schema(SCHEMA))
    assert type(schema.fields[0]) is FastDateField and type(schema.fields[0].to_copy()) is FastDateField
    assert type(frictionless.Schema(SCHEMA).fields[0]) is ffields.DateField  # the original is untouched


def test_100_mb_file_is_streamed(tmp_path):
    """A 100 MB upload validates in bounded memory (measured in a fresh process)."""
    path = tmp_path / "big.csv"
    purpose = "Grounds maintenance, Bury St Edmunds. " * 12
    row = '2024-03-31,Leisure,Acme Ltd,120.50,quote,R{},"' + purpose + '"\n'
    schema = {"fields": SCHEMA["fields"] + [{"name": "purpose", "type": "string"}]}
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(HEADER) + ",purpose\n")
        written, n = 0, 0
        while written < 100 * 1024 * 1024:
            written += out.write(row.format(n))
            n += 1
    script = textwrap.dedent(
        f"""
        import json, resource, sys
        from westsuffolk_core.validation import validate_table
        schema = json.loads(sys.argv[2])
        validate_table({str(BAD / 'valid.csv')!r}, schema)  # warm up: imports, caches
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = validate_table(sys.argv[1], schema)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"status": result.status, "rows": result.row_count, "growth_kib": after - before}}))
        """
    )
    output = subprocess.run([sys.executable, "-c", script, str(path), json.dumps(schema)],
                            capture_output=True, text=True, check=True).stdout
    measured = json.loads(output)
    assert (measured["status"], measured["rows"]) == ("success", n)
    assert measured["growth_kib"] < 40 * 1024, measured  # the file alone is 100 MB


def test_module_does_not_import_ckan():
    script = "import sys, westsuffolk_core.validation as v; print(any(m == 'ckan' or m.startswith('ckan.') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_values_under_a_schemas_threshold_are_a_warning_not_an_error(tmp_path):
    schema = {"title": "Spending over £500", "fields": [
        {"name": "reference", "type": "string"}, {"name": "amount", "type": "number", "warnBelow": 500}]}
    path = tmp_path / "spend.csv"
    path.write_text("reference,amount\nA,120.00\nB,900\nC,499.99\nD,12\nE,3\n")
    result = validate_table(path, schema)
    assert result.status == "success"
    [warning] = result.warnings
    assert warning.startswith('4 rows have a value under 500 in column "amount" (for example rows 2, 4 and 5)')
    assert '"Spending over £500"' in warning


def test_many_rows_with_one_cause_are_one_group_with_a_count_examples_and_a_hint(tmp_path):
    path = tmp_path / "dates.csv"
    rows = "".join(f"{day:02d}/06/2020,Leisure,Acme,1,quote,R{day}\n" for day in range(1, 29))
    path.write_text(",".join(HEADER) + "\n" + rows)
    result = validate_table(path, SCHEMA, limit_errors=5)
    [group] = result.groups
    assert (group.type, group.field, group.count, group.rows) == ("type-error", "date", 28, [2, 3, 4, 5, 6])
    assert group.examples == ["01/06/2020", "02/06/2020", "03/06/2020"]
    assert group.message.startswith('28 values in column "date" are not a date like 2024-03-31')
    assert "(rows 2, 3, 4, 5, 6 and 23 more)" in group.message
    assert group.fix.startswith("The dates look like day/month/year (01/06/2020 is 2020-06-01)")
    assert group.hint == {"date_format": "%d/%m/%Y"}
    assert len(result.issues) == 5 and result.error_count == 28  # every one counted, the first few listed


def test_a_long_check_tells_its_progress(tmp_path):
    """on_rows hears the rows read every PROGRESS_ROWS rows (the portal shows it to the officer)."""
    from westsuffolk_core.validation.engine import PROGRESS_ROWS

    header, *rows = table_schemas.example_path("spend-over-500", "valid").read_text().splitlines()
    wanted = 2 * PROGRESS_ROWS + 5
    path = tmp_path / "spend.csv"
    path.write_text("\n".join([header, *(rows[n % len(rows)] for n in range(wanted))]) + "\n")
    heard: list[int] = []
    result = validate_table(path, "spend-over-500@1.0.0", on_rows=heard.append)
    assert heard == [PROGRESS_ROWS, 2 * PROGRESS_ROWS]
    assert result.row_count == wanted
