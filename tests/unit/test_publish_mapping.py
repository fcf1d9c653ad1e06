"""Column mappings: configuration that turns a council export into a published table."""
from pathlib import Path

import pytest
import yaml

from ckanext.westsuffolk import table_schemas
from ckanext.westsuffolk.validation import validate_table
from publish_jobs import extracts, mapping
from publish_jobs.prepare import to_csv
from publish_jobs.problems import AssetBlocked

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
    first = dict(zip(table.header, table.rows[0]))
    assert first["organisation_code"] == "E07000165"
    assert first["capital_or_revenue"] == "revenue"
    assert first["transaction_number"] == "3653374"
    numbers = [dict(zip(table.header, row))["transaction_number"] for row in table.rows]
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
    rows = [dict(zip(table.header, row)) for row in table.rows]
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
    out = [dict(zip(header, row)) for row in mapping.apply_mapping(table, rules, schema).rows]
    assert [r["contract_reference"] for r in out] == ["C1", "C1-2"]
    assert [r["supplier_is_sme"] for r in out] == ["true", "false"]
    assert [r["supplier_company_number"] for r in out] == ["00172081", ""]
