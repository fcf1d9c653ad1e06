"""Column mappings: configuration that turns a council export into a published table."""
import csv
import io
import re
from pathlib import Path

import pytest
import yaml

from publish_jobs import extracts, mapping
from publish_jobs.prepare import prepare, to_csv
from publish_jobs.problems import AssetBlocked
from publish_jobs.register import load_register
from westsuffolk_core import table_schemas
from westsuffolk_core.personal_data import AllowList
from westsuffolk_core.validation import validate_table

MAPPINGS = Path(__file__).resolve().parents[2] / "publish_jobs" / "demo" / "mappings"
REAL_FILES = {  # reference file -> (mapping, table schema, rows left out by the mapping)
    "harrogate-spend-2022-08.csv": ("harrogate-spend-over-500", "spend-over-500", 0),
    "calderdale-purchase-card-2022-08.csv": ("calderdale-purchase-card", "purchase-card-transactions", 0),
    "salford-contracts-2022-07.csv": ("salford-contracts", "contracts", 49),
}
SPEND = table_schemas.get_descriptor("spend-over-500")


def mapped(source, mapping_name, schema_name):
    schema = table_schemas.get_descriptor(schema_name)
    rules = mapping.load_mapping(MAPPINGS / f"{mapping_name}.yaml", schema)
    return mapping.apply_mapping(extracts.read_table(str(source)), rules, schema)


@pytest.mark.parametrize("source", sorted(REAL_FILES))
def test_real_council_file_maps_to_a_valid_table(source, real_spend_dir, tmp_path):
    mapping_name, schema_name, left_out = REAL_FILES[source]
    table = mapped(real_spend_dir / source, mapping_name, schema_name)
    path = tmp_path / "mapped.csv"
    path.write_bytes(to_csv(table.header, table.rows))
    result = validate_table(path, table_schemas.latest_ref(schema_name))
    assert result.status == "success", result.issues[:3]
    with open(real_spend_dir / source, encoding="utf-8-sig") as handle:
        source_rows = sum(1 for _ in handle) - 1
    assert result.row_count == len(table.rows) == source_rows - left_out
    assert table.header == [f["name"] for f in table_schemas.get_descriptor(schema_name)["fields"]]


def test_harrogate_mapping_details(real_spend_dir):
    table = mapped(real_spend_dir / "harrogate-spend-2022-08.csv", "harrogate-spend-over-500", "spend-over-500")
    first = dict(zip(table.header, table.rows[0], strict=False))
    assert first["organisation_code"] == "E07000165"
    assert first["capital_or_revenue"] == "revenue"
    assert first["transaction_number"] == "3653374"
    numbers = [dict(zip(table.header, row, strict=False))["transaction_number"] for row in table.rows]
    assert len(set(numbers)) == len(numbers)  # split payments made unique: 1817149, 1817149-2, ...
    assert "1817149-2" in numbers


def test_salford_double_encoded_byte_order_mark_is_removed(real_spend_dir):
    table = extracts.read_table(str(real_spend_dir / "salford-contracts-2022-07.csv"))
    assert table.header[0] == "Directorate Name"


def test_without_the_exclusions_salford_bad_dates_are_reported_by_row(real_spend_dir, tmp_path):
    schema = table_schemas.get_descriptor("contracts")
    raw = yaml.safe_load((MAPPINGS / "salford-contracts.yaml").read_text())
    raw["exclude_rows"] = [rule for rule in raw["exclude_rows"] if not rule.get("invalid")]
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(raw))
    rules = mapping.load_mapping(tmp_path / "m.yaml", schema)
    table = mapping.apply_mapping(extracts.read_table(str(real_spend_dir / "salford-contracts-2022-07.csv")),
                                  rules, schema)
    (tmp_path / "out.csv").write_bytes(to_csv(table.header, table.rows))
    result = validate_table(tmp_path / "out.csv", "contracts")
    assert result.status == "failure"
    assert {issue.value for issue in result.issues} == {"X", "2022-09-31", "22/04/222"}


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SOURCE = """Paid On,Payee,Payee Type,Ref,Value,Cost Centre
03/07/2024,Brandon Flint Builders Ltd,Company,T1,"£1,250.50",X12
04/07/2024,Jane Example,Individual,T2,600,X13
"""
RULES = """
columns: {Paid On: expenditure_date, Payee: beneficiary, Ref: transaction_number, Value: amount}
drop: [Cost Centre]
constants: {organisation_name: West Suffolk Council, organisation_code: E07000245, service_area: Housing,
            purpose: Repairs}
dates: {expenditure_date: "%d/%m/%Y"}
redact:
  - {field: beneficiary, when_column: Payee Type, in: [Individual]}
"""


def test_renames_constants_dates_numbers_and_redaction(tmp_path):
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", RULES), SPEND)
    table = mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", SOURCE))), rules, SPEND)
    rows = [dict(zip(table.header, row, strict=False)) for row in table.rows]
    assert rows[0]["expenditure_date"] == "2024-07-03"
    assert rows[0]["amount"] == "1250.50"
    assert rows[0]["organisation_code"] == "E07000245"
    assert rows[0]["beneficiary"] == "Brandon Flint Builders Ltd"
    assert rows[1]["beneficiary"] == "REDACTED – personal data"
    assert "Cost Centre" not in table.header and "Payee Type" not in table.header
    assert table.source_rows == [2, 3]


def test_unknown_target_field_is_named(tmp_path):
    path = write(tmp_path, "m.yaml", RULES + "\nconstants: {organisation_nam: West Suffolk Council}\n")
    with pytest.raises(AssetBlocked) as caught:
        mapping.load_mapping(path, SPEND)
    [problem] = caught.value.problems
    assert problem.column == "organisation_nam"
    assert "'organisation_nam'" in problem.message and "spend-over-500" in problem.message


def test_unknown_setting_and_bad_pattern_are_reported(tmp_path):
    path = write(tmp_path, "m.yaml", "colums: {}\nblank_unless_matches: {amount: '('}\n")
    with pytest.raises(AssetBlocked) as caught:
        mapping.load_mapping(path, SPEND)
    messages = " ".join(p.message for p in caught.value.problems)
    assert "unknown setting 'colums'" in messages and "not a valid pattern" in messages


def test_missing_mapping_file_blocks_the_asset(tmp_path):
    with pytest.raises(AssetBlocked, match="does not exist"):
        mapping.load_mapping(tmp_path / "nope.yaml", SPEND)


def test_unmapped_new_column_blocks_until_someone_decides(tmp_path):
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", RULES), SPEND)
    source = SOURCE.replace("Cost Centre\n", "Cost Centre,Home Address\n", 1).replace("X12\n", "X12,1 High St\n")
    with pytest.raises(AssetBlocked) as caught:
        mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", source))), rules, SPEND)
    assert [p.column for p in caught.value.problems] == ["Home Address"]


def test_extract_missing_a_mapped_column_is_named(tmp_path):
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", RULES), SPEND)
    source = SOURCE.replace("Paid On", "Date Paid")
    with pytest.raises(AssetBlocked) as caught:
        mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", source))), rules, SPEND)
    assert "Paid On" in [p.column for p in caught.value.problems]


def test_no_mapping_needs_schema_names(tmp_path):
    schema = table_schemas.get_descriptor("fraud")
    source = table_schemas.example_path("fraud")
    table = mapping.apply_mapping(extracts.read_table(str(source)), mapping.Mapping(), schema)
    assert table.header == [f["name"] for f in schema["fields"]]
    with pytest.raises(AssetBlocked, match="nothing provides the required field"):
        mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", SOURCE))), mapping.Mapping(
            drop=["Paid On", "Payee", "Payee Type", "Ref", "Value", "Cost Centre"]), SPEND)


def test_value_maps_padding_exclusions_and_unique_suffix(tmp_path):
    schema = table_schemas.get_descriptor("contracts")
    rules = mapping.Mapping(
        values={"supplier_is_sme": {"Yes": "true", "*": "false"}}, zero_pad={"supplier_company_number": 8},
        blank_unless_matches={"supplier_company_number": r"\d{8}"}, unique_suffix=["contract_reference"],
        exclude_rows=[{"field": "contract_value", "below": 5000}, {"field": "start_date", "invalid": True}])
    header = [f["name"] for f in schema["fields"]]
    base = dict.fromkeys(header, "")
    rows = [
        {**base, "contract_reference": "C1", "supplier_is_sme": "Yes", "supplier_company_number": "172081",
         "contract_value": "6000", "start_date": "2024-01-01"},
        {**base, "contract_reference": "C1", "supplier_is_sme": "Various", "supplier_company_number": "IP29627R",
         "contract_value": "7000", "start_date": "2024-01-01"},
        {**base, "contract_reference": "C2", "contract_value": "100", "start_date": "2024-01-01"},
        {**base, "contract_reference": "C3", "contract_value": "9000", "start_date": "X"},
    ]
    table = extracts.Table(header=header, rows=[[row[h] for h in header] for row in rows], source="test")
    out = [dict(zip(header, row, strict=False)) for row in mapping.apply_mapping(table, rules, schema).rows]
    assert [r["contract_reference"] for r in out] == ["C1", "C1-2"]
    assert [r["supplier_is_sme"] for r in out] == ["true", "false"]
    assert [r["supplier_company_number"] for r in out] == ["00172081", ""]


# --- synthetic extracts shaped like real council exports (tests/data/real-shapes, see make_shapes.py) -------

SHAPES = Path(__file__).resolve().parents[1] / "data" / "real-shapes"
SHAPE_ASSETS = {asset.extract_location: asset for asset in load_register(SHAPES / "register.csv").assets}


def published(name):
    """The rows prepare() would publish for a shape's extract, as dicts."""
    table = prepare(SHAPE_ASSETS[name], SHAPES, AllowList())
    reader = csv.DictReader(io.StringIO(table.csv_bytes.decode("utf-8")))
    return table, list(reader)


def test_every_shape_is_in_the_register():
    assert sorted(SHAPE_ASSETS) == sorted(path.name for path in SHAPES.iterdir()
                                          if path.suffix in (".csv", ".xlsx") and path.name != "register.csv")


@pytest.mark.parametrize("name, schema_name", [
    ("a-windows-1252-crlf.csv", "spend-over-500"),
    ("b-utf8-bom.csv", "purchase-card-transactions"),
    ("b2-double-bom.csv", "purchase-card-transactions"),
    ("c-system-headings.csv", "spend-over-500"),
    ("d-split-key.csv", "spend-over-500"),
    ("e-unnamed-11th-column.csv", "spend-over-500"),
    ("f-cover-sheet.xlsx", "contracts"),
    ("g-pounds-and-brackets.csv", "purchase-card-transactions"),
])
def test_each_real_shape_publishes_valid_through_its_mapping(name, schema_name):
    table, records = published(name)  # prepare() maps, scans and validates: it raises if anything is wrong
    source = extracts.read_table(str(SHAPES / name), sheet="Contracts" if name.endswith(".xlsx") else None)
    assert table.schema_ref == table_schemas.latest_ref(schema_name)
    assert table.row_count == len(records) == len(source.rows)  # every row published
    assert 20 <= len(records) <= 60
    assert list(records[0]) == [f["name"] for f in table_schemas.get_descriptor(schema_name)["fields"]]


def test_shape_a_windows_1252_keeps_its_characters_and_says_how_it_was_read():
    table, records = published("a-windows-1252-crlf.csv")
    assert table.notes == ["The extract was read as Windows-1252, as the mapping's encoding: says."]
    assert all(record["purpose"].endswith(" – August") for record in records)
    assert records[0]["expenditure_date"] == "2024-08-01"
    assert {record["capital_or_revenue"] for record in records} == {"capital", "revenue"}


def test_shape_a_without_the_encoding_setting_is_recognised_and_noted(tmp_path):
    raw = yaml.safe_load((SHAPES / "a-windows-1252-crlf.yaml").read_text(encoding="utf-8"))
    del raw["encoding"]
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", yaml.safe_dump(raw, allow_unicode=True)), SPEND)
    table = mapping.apply_mapping(extracts.read_table(str(SHAPES / "a-windows-1252-crlf.csv")), rules, SPEND)
    assert table.notes[0].startswith("The extract is not UTF-8; it was read as Windows-1252.")
    assert "Ickworth Café Ltd" in {row[table.header.index("beneficiary")] for row in table.rows}


def test_shape_b_byte_order_marks_publish_the_same_table():
    single, double = published("b-utf8-bom.csv")[0], published("b2-double-bom.csv")[0]
    assert single.csv_bytes == double.csv_bytes
    assert single.notes == [] and "byte-order mark saved twice" in double.notes[0]


def test_shape_c_system_headings_datetimes_and_padded_company_numbers():
    source = extracts.read_table(str(SHAPES / "c-system-headings.csv"))
    _, records = published("c-system-headings.csv")
    for cells, record in zip(source.rows, records, strict=False):
        day, month, year = cells[2].removesuffix(" 00:00:00").split("/")  # 03/08/2024 00:00:00
        assert record["expenditure_date"] == f"{year}-{month}-{day}"
        assert record["beneficiary_company_number"] == (cells[9].zfill(8) if cells[9] else "")
    assert any(len(cells[9]) == 7 for cells in source.rows)  # a leading zero was lost in the source


def test_shape_d_key_is_built_from_two_columns():
    _, records = published("d-split-key.csv")
    keys = [record["transaction_number"] for record in records]
    source = extracts.read_table(str(SHAPES / "d-split-key.csv"))
    assert keys == [f"{cells[0]}-{cells[1]}" for cells in source.rows]
    assert len(set(keys)) == len(keys) > len({cells[0] for cells in source.rows})


def test_shape_e_dropped_unnamed_column_is_not_published():
    table, _ = published("e-unnamed-11th-column.csv")
    assert b"checked" not in table.csv_bytes and b"AP batch" not in table.csv_bytes


def test_shape_f_reads_the_sheet_the_mapping_names():
    table, records = published("f-cover-sheet.xlsx")
    assert table.notes == ["Read the sheet 'Contracts' of the workbook, as the mapping's sheet: says."]
    from openpyxl import load_workbook

    sheet = load_workbook(SHAPES / "f-cover-sheet.xlsx", read_only=True)["Contracts"]
    first = next(sheet.iter_rows(min_row=2, values_only=True))
    assert records[0]["contract_reference"] == first[0]
    assert records[0]["start_date"] == first[11].date().isoformat()
    assert {record["procurement_route"] for record in records} <= {"quote", "tender", "framework",
                                                                    "direct-award"}


def test_shape_g_money_as_typed_becomes_numbers():
    source = extracts.read_table(str(SHAPES / "g-pounds-and-brackets.csv"))
    typed = dict(zip((row[0] for row in source.rows), (row[5] for row in source.rows), strict=False))
    _, records = published("g-pounds-and-brackets.csv")
    amounts = {record["transaction_number"]: record["amount"] for record in records}
    for reference, text in typed.items():
        negative = text.startswith(("(", "-")) or text.endswith("-")
        assert amounts[reference] == ("-" if negative else "") + text.strip("()£- ").replace(",", "")
    assert any(text.startswith("(") for text in typed.values())
    assert any(text.endswith("-") for text in typed.values())


# --- refused, with the cause and the fix --------------------------------------------------------------------

def shape_rules(tmp_path, name, schema, change):
    raw = yaml.safe_load((SHAPES / name).read_text(encoding="utf-8"))
    change(raw)
    return mapping.load_mapping(write(tmp_path, "m.yaml", yaml.safe_dump(raw, allow_unicode=True)), schema)


def test_an_unnamed_column_with_values_stops_the_asset_saying_where_and_how_to_fix(tmp_path):
    rules = shape_rules(tmp_path, "e-unnamed-11th-column.yaml", SPEND, lambda raw: raw.pop("drop"))
    source = extracts.read_table(str(SHAPES / "e-unnamed-11th-column.csv"))
    filled = [number for number, row in zip(source.row_numbers, source.rows, strict=False) if row[10]]
    with pytest.raises(AssetBlocked) as caught:
        mapping.apply_mapping(source, rules, SPEND)
    [problem] = caught.value.problems
    assert problem.column == "column 11"
    assert problem.message == (
        f"Mapping m.yaml: the extract's column 11 has no heading, but {len(filled)} rows hold a value there "
        f"(the first is row {filled[0]}). Give it a heading in the extract, or say in the mapping what it "
        "is: map it under 'columns' (\"column 11\": field) or list it under 'drop' as \"column 11\".")


def test_dropping_an_unnamed_column_that_is_empty_this_time_is_fine(tmp_path):
    text = RULES.replace("[Cost Centre]", "[Cost Centre, column 9]")
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", text), SPEND)
    source = extracts.read_table(str(write(tmp_path, "x.csv", SOURCE)))
    assert mapping.apply_mapping(source, rules, SPEND).rows


def test_a_repeated_heading_must_be_mapped_or_dropped_by_its_position(tmp_path):
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", RULES), SPEND)
    source = SOURCE.replace("Cost Centre\n", "Cost Centre,Value\n", 1).replace("X12\n", "X12,1\n")
    with pytest.raises(AssetBlocked) as caught:
        mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", source))), rules, SPEND)
    [problem] = caught.value.problems
    assert problem.column == "Value (column 7)"
    assert "more than one column headed 'Value'" in problem.message


def test_shape_f_without_sheet_names_the_sheets_to_choose_from(tmp_path):
    schema = table_schemas.get_descriptor("contracts")
    rules = shape_rules(tmp_path, "f-cover-sheet.yaml", schema, lambda raw: raw.pop("sheet"))
    with pytest.raises(AssetBlocked) as caught:
        extracts.read_table(str(SHAPES / "f-cover-sheet.xlsx"), rules.sheet, rules.encoding)
    assert caught.value.problems[0].message.startswith(
        "The workbook has 2 sheets with something in them: 'About', 'Contracts'. Say which one to publish: "
        "add sheet: to the mapping")


def test_shape_c_without_the_date_format_is_reported_by_validation(tmp_path):
    rules = shape_rules(tmp_path, "c-system-headings.yaml", SPEND, lambda raw: raw.pop("dates"))
    table = mapping.apply_mapping(extracts.read_table(str(SHAPES / "c-system-headings.csv")), rules, SPEND)
    (tmp_path / "out.csv").write_bytes(to_csv(table.header, table.rows))
    result = validate_table(tmp_path / "out.csv", "spend-over-500")
    assert {issue.field for issue in result.issues} == {"expenditure_date"}
    assert result.issues[0].value.endswith("/2024 00:00:00")


# --- combine ------------------------------------------------------------------------------------------------

COMBINED = """Doc,Line,Paid On,Payee,Value
D1,1,03/07/2024,Acme Ltd,600
D1,2,03/07/2024,Acme Ltd,700
D2,,04/07/2024,Acme Ltd,800
"""
COMBINE_RULES = """
combine: {transaction_number: {columns: [Doc, Line], separator: "/"}}
columns: {Paid On: expenditure_date, Payee: beneficiary, Value: amount}
constants: {organisation_name: West Suffolk Council, organisation_code: E07000245, service_area: Housing,
            purpose: Repairs}
dates: {expenditure_date: "%d/%m/%Y"}
"""


def test_combine_joins_the_source_columns_and_counts_them_as_used(tmp_path):
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", COMBINE_RULES), SPEND)
    table = mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", COMBINED))), rules, SPEND)
    assert [row[table.header.index("transaction_number")] for row in table.rows] == ["D1/1", "D1/2", "D2"]


def test_combine_without_separator_joins_with_a_hyphen(tmp_path):
    text = COMBINE_RULES.replace(', separator: "/"', "")
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", text), SPEND)
    assert rules.combine == {"transaction_number": {"columns": ["Doc", "Line"], "separator": "-"}}


def test_combine_names_a_source_column_the_extract_lacks(tmp_path):
    text = COMBINE_RULES.replace("[Doc, Line]", "[Doc, Ln]")
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", text), SPEND)
    with pytest.raises(AssetBlocked) as caught:
        mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", COMBINED))), rules, SPEND)
    assert [(p.column, "has no column 'Ln'" in p.message) for p in caught.value.problems] == [
        ("Ln", True), ("Line", False)]  # and Line, no longer used, must be decided on


@pytest.mark.parametrize("change, message", [
    (lambda text: text.replace("[Doc, Line]", "[Doc]"), "combine: 'transaction_number' needs two or more"),
    (lambda text: text.replace("Value: amount}", "Value: amount, Doc: transaction_number}"),
     "'transaction_number' is given both by combine and by columns: keep one."),
    (lambda text: text + "drop: [Line]\n", "the column 'Line' is listed under drop but combine publishes it"),
    (lambda text: text.replace("transaction_number: {", "transaction_numbr: {"),
     "'transaction_numbr' (in combine) is not a field"),
    (lambda text: text.replace("separator:", "sep:"), "'combine' must be 'field: {columns: [source column"),
])
def test_combine_settings_are_checked_when_the_mapping_is_loaded(tmp_path, change, message):
    with pytest.raises(AssetBlocked) as caught:
        mapping.load_mapping(write(tmp_path, "m.yaml", change(COMBINE_RULES)), SPEND)
    assert message in " ".join(p.message for p in caught.value.problems)


# --- numbers and dates --------------------------------------------------------------------------------------

EUROPEAN = """Ref;Paid On;Payee;Value;VAT
T1;03.07.2024;Acme Ltd;1.250,50 €;(12,00)
T2;04.07.2024;Acme Ltd;600;0
"""
EUROPEAN_RULES = """
columns: {Ref: transaction_number, Paid On: expenditure_date, Payee: beneficiary, Value: amount,
          VAT: irrecoverable_vat}
constants: {organisation_name: West Suffolk Council, organisation_code: E07000245, service_area: Housing,
            purpose: Repairs}
dates: {expenditure_date: "%d.%m.%Y"}
numbers: {decimal: ",", thousands: "."}
"""


def test_numbers_setting_reads_a_decimal_comma(tmp_path):
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", EUROPEAN_RULES), SPEND)
    table = mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", EUROPEAN))), rules, SPEND)
    rows = [dict(zip(table.header, row, strict=False)) for row in table.rows]
    assert [(r["amount"], r["irrecoverable_vat"]) for r in rows] == [("1250.50", "-12.00"), ("600", "0")]


def test_a_value_that_is_not_a_number_is_left_for_validation_to_report(tmp_path):
    text = EUROPEAN_RULES.replace("numbers:", "# numbers:")
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", text), SPEND)
    table = mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", EUROPEAN))), rules, SPEND)
    (tmp_path / "out.csv").write_bytes(to_csv(table.header, table.rows))
    result = validate_table(tmp_path / "out.csv", "spend-over-500")
    assert [(issue.row, issue.field, issue.value) for issue in result.issues] == [
        (2, "amount", "1.250,50 €"), (2, "irrecoverable_vat", "(12,00)")]


@pytest.mark.parametrize("numbers, message", [
    ('{decimal: ";"}', 'numbers: decimal must be one of ".", ","'),
    ('{decimal: ","}', "numbers: the decimal and thousands separators must differ."),
    ("{comma: x}", "numbers: unknown setting 'comma'"),
    ("[1, 2]", "'numbers' must be 'decimal: \",\"' and 'thousands: \".\"' lines"),
])
def test_numbers_settings_are_checked(tmp_path, numbers, message):
    with pytest.raises(AssetBlocked) as caught:
        mapping.load_mapping(write(tmp_path, "m.yaml", f"numbers: {numbers}\n"), SPEND)
    assert message in caught.value.problems[0].message


def test_dates_take_a_time_of_day_or_several_formats_in_turn(tmp_path):
    source = ("Paid On,Payee,Ref,Value\n"
              "24/06/2020 00:00:00,A Ltd,T1,600\n25/06/2020,A Ltd,T2,600\n2020-06-26,A Ltd,T3,1\n")
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", RULES.replace(
        'dates: {expenditure_date: "%d/%m/%Y"}',
        'dates: {expenditure_date: ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y"]}')
        .replace("redact:\n  - {field: beneficiary, when_column: Payee Type, in: [Individual]}", "")
        .replace("drop: [Cost Centre]", "")), SPEND)
    table = mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", source))), rules, SPEND)
    assert [row[table.header.index("expenditure_date")] for row in table.rows] == [
        "2020-06-24", "2020-06-25", "2020-06-26"]


def test_a_workbook_date_and_time_keeps_the_date(tmp_path):
    header = [f["name"] for f in SPEND["fields"]]
    row = dict.fromkeys(header, "") | {"expenditure_date": "2020-06-24T10:30:00"}
    table = extracts.Table(header=header, rows=[[row[h] for h in header]], source="test")
    [out] = mapping.apply_mapping(table, mapping.Mapping(), SPEND).rows
    assert out[header.index("expenditure_date")] == "2020-06-24"


# --- every setting is checked when the mapping is loaded ----------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ('dates: {expenditure_date: "dd/mm/yyyy"}',
     "dates: 'dd/mm/yyyy' is not a date format. Write it with % codes"),
    ('dates: {expenditure_date: "%d/%m"}', "dates: '%d/%m' is not a date format"),
    ("zero_pad: {beneficiary_company_number: eight}", "'zero_pad' must be 'field: width' lines"),
    ("columns: [Payee, Value]", "'columns' must be 'source column: field' lines"),
    ("values: {capital_or_revenue: C}", "'values' must be 'field: {source value: published value}' lines"),
    ("exclude_rows: [{below: 500}]", "each exclude_rows rule needs 'field' and one of"),
    ("sheet: 0", "sheet: numbers count from 1 (the first sheet), not 0."),
    ("sheet: yes", "'sheet' must be a sheet name or number"),
    ("encoding: klingon", "encoding: 'klingon' is not an encoding name the publish jobs know"),
    ("colums: {}", "see publish_jobs/MAPPING.md"),
    ("columns: {Value: amount}\ndrop: [Value]",
     "the column 'Value' is listed under drop but columns publishes it"),
])
def test_bad_settings_get_a_clear_message_not_a_crash(tmp_path, text, message):
    with pytest.raises(AssetBlocked) as caught:
        mapping.load_mapping(write(tmp_path, "m.yaml", text + "\n"), SPEND)
    assert message in " ".join(p.message for p in caught.value.problems)


def test_a_column_a_constant_would_overwrite_must_be_dropped(tmp_path):
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", RULES), SPEND)
    source = SOURCE.replace("Cost Centre\n", "Cost Centre,service_area\n", 1).replace("X12\n", "X12,Parks\n")
    with pytest.raises(AssetBlocked) as caught:
        mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", source))), rules, SPEND)
    [problem] = caught.value.problems
    assert (problem.column, problem.message) == ("service_area", (
        "Mapping m.yaml: the extract column 'service_area' has the name of a field that constants gives, so "
        "its values would be replaced. List it under 'drop', or remove the field from constants."))


def test_a_field_given_by_columns_and_constants_is_refused(tmp_path):
    with pytest.raises(AssetBlocked, match=re.escape("'amount' is given both by columns and by constants: keep one.")):
        mapping.load_mapping(write(tmp_path, "m.yaml", "columns: {Value: amount}\nconstants: {amount: 1}\n"),
                             SPEND)


def test_sheet_and_encoding_reach_the_reader(tmp_path):
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", "sheet: 2\nencoding: cp1252\n"), SPEND)
    assert (rules.sheet, rules.encoding) == (2, "cp1252")


def test_one_value_without_a_heading_is_enough_to_stop_the_asset(tmp_path):
    rules = mapping.load_mapping(write(tmp_path, "m.yaml", RULES), SPEND)
    source = SOURCE.replace("X13\n", "X13,,see note\n")
    with pytest.raises(AssetBlocked) as caught:
        mapping.apply_mapping(extracts.read_table(str(write(tmp_path, "x.csv", source))), rules, SPEND)
    assert [p.column for p in caught.value.problems] == ["column 8"]
    assert "column 8 has no heading, but 1 row holds a value there (the first is row 3)" in \
        caught.value.problems[0].message


def test_the_officers_reference_documents_every_setting_in_valid_yaml():
    reference = (MAPPINGS.parent.parent / "MAPPING.md").read_text(encoding="utf-8")
    assert [key for key in mapping.DEFAULT_MAPPING_KEYS if f"\n### {key}\n" not in reference] == []
    blocks = reference.split("```yaml\n")[1:]
    assert len(blocks) > len(mapping.DEFAULT_MAPPING_KEYS)
    for block in blocks:
        assert isinstance(yaml.safe_load(block.split("```")[0]), dict)
    assert "(MAPPING.md)" in (MAPPINGS.parent.parent / "README.md").read_text(encoding="utf-8")
