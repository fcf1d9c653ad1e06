"""The validator on real council files (uploaded as is) and on every schema's own examples."""
from __future__ import annotations

import json

import frictionless
import pytest

from westsuffolk_core import table_schemas
from westsuffolk_core.validation import validate_table

SCHEMA_NAMES = sorted(d["name"] for d in table_schemas.list_schemas())


def without_echoes(errors, schema):
    """(type, row, field) of frictionless errors, minus "required" on cells missing from a short row,
    and minus the primary-key error of a one-field key that is also unique (the unique error says it)."""
    errors = list(errors)
    missing = {(row, field) for type, row, field, _ in errors if type == "missing-cell"}
    key = schema.primary_key
    unique_key = len(key) == 1 and schema.get_field(key[0]).constraints.get("unique")
    repeated = {row for type, row, field, _ in errors if type == "unique-error" and unique_key and field == key[0]}
    return {(type, row, field) for type, row, field, note in errors
            if not (type == "constraint-error" and "required" in note and (row, field) in missing)
            and not (type == "primary-key" and row in repeated)}


def header_issues(result):
    return [(i.type, i.column, i.value, i.field) for i in result.issues]


def test_harrogate_spend_against_spend_over_500(real_spend_dir):
    result = validate_table(real_spend_dir / "harrogate-spend-2022-08.csv", "spend-over-500")
    assert (result.status, result.row_count, result.error_count) == ("failure", 1873, 17)
    issues = header_issues(result)
    # matched by name (aliases in the schema, abbreviations), not by position
    assert ("incorrect-label", 8, "Supplier Name", "beneficiary") in issues
    assert ("incorrect-label", 9, "Transaction No.", "transaction_number") in issues
    assert ("incorrect-label", 7, "Payment Date", "expenditure_date") in issues
    assert ("extra-label", 6, "Expenditure Code", None) in issues  # not mistaken for expenditure_date
    assert [i for i in issues if i[0] == "missing-label"] == [
        ("missing-label", None, None, name) for name in
        ("organisation_code", "beneficiary_company_number", "beneficiary_charity_number", "purpose",
         "irrecoverable_vat")]
    by_column = {i.column: i for i in result.issues}
    assert by_column[8].message == 'Column 8 is headed "Supplier Name", which looks like "beneficiary" (Beneficiary).'
    assert "expected" not in by_column[8].fix and "," not in by_column[8].fix  # the heading list is said once
    assert result.expected_headings[0] == "organisation_name" and len(result.expected_headings) == 13
    # 11 columns, almost none where the schema wants them: values are not compared with wrong columns
    assert any("not checked" in w for w in result.warnings)


def test_calderdale_purchase_cards_against_purchase_card_transactions(real_spend_dir):
    result = validate_table(real_spend_dir / "calderdale-purchase-card-2022-08.csv", "purchase-card-transactions")
    assert (result.status, result.row_count) == ("failure", 382)
    by_column = {i.column: i for i in result.issues}
    assert by_column[10].title == "Column heading spelled differently"  # "Expense Type" for expense_type
    assert 'exactly "expense_type"' in by_column[10].message
    assert (by_column[3].value, by_column[3].field) == ("Transaction Date", "transaction_date")
    assert (by_column[2].value, by_column[2].field) == ("Organistion Name", "organisation_name")  # a typo
    missing = {i.field for i in result.issues if i.type == "missing-label"}
    assert missing == {"organisation_code", "purpose", "merchant_category_code", "irrecoverable_vat"}


def test_salford_contracts_against_contracts(real_spend_dir):
    result = validate_table(real_spend_dir / "salford-contracts-2022-07.csv", "contracts")
    assert (result.status, result.row_count) == ("failure", 360)
    assert any("ï»¿" in w for w in result.warnings)  # the double-encoded byte-order mark
    first = result.issues[0]
    assert (first.type, first.column, first.value, first.field) == (
        "incorrect-label", 1, "Directorate Name", "service_area")  # no "ï»¿"
    extra = [i.value for i in result.issues if i.type == "extra-label"]
    assert extra[:2] == ["Purchasing Body", "OJEU/FTS?"] and "Visibility" in extra
    assert {s["type"]: s["count"] for s in result.summary} == {
        "incorrect-label": 14, "extra-label": 10, "missing-label": 5, "column-order": 1}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_valid_example_passes(name):
    path = table_schemas.example_path(name, "valid")
    if path is None:
        pytest.skip(f"{name} has no valid example")
    result = validate_table(path, table_schemas.latest_ref(name))
    assert result.status == "success", result.issues


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_invalid_example_finds_what_frictionless_finds(name):
    """Same findings as plain frictionless and the schema's own list, except our formula check, that a
    cell missing from a short row is reported once (missing-cell), not also as "required", and that a
    repeated one-field unique key is reported once (unique-error), not also as primary-key."""
    path = table_schemas.example_path(name, "invalid")
    if path is None:
        pytest.skip(f"{name} has no invalid example")
    ref = table_schemas.latest_ref(name)
    result = validate_table(path, ref)
    ours = {(i.type, i.row, i.field) for i in result.issues if i.type != "formula-cell"}
    schema = table_schemas.get_schema(ref)
    report = frictionless.validate(path.name, basepath=str(path.parent), schema=schema)
    theirs = without_echoes(((e.type, e.row_number, getattr(e, "field_name", None) or None, e.note)
                             for e in report.tasks[0].errors), schema)
    assert ours == theirs
    expected_file = path.parent / "expected-errors.json"
    if expected_file.exists():
        listed = json.loads(expected_file.read_text())
        assert ours == without_echoes(((e["type"], e["rowNumber"], e["fieldName"], e.get("constraint", ""))
                                       for e in listed), schema)
    assert result.status == "failure"
