"""The validator on real council files (uploaded as is) and on every schema's own examples."""
from __future__ import annotations

import json

import frictionless
import pytest

from ckanext.westsuffolk import table_schemas
from ckanext.westsuffolk.validation import validate_table

SCHEMA_NAMES = sorted(d["name"] for d in table_schemas.list_schemas())


def without_echoes(errors):
    """(type, row, field) of frictionless errors, minus "required" on cells missing from a short row."""
    errors = list(errors)
    missing = {(row, field) for type, row, field, _ in errors if type == "missing-cell"}
    return {(type, row, field) for type, row, field, note in errors
            if not (type == "constraint-error" and "required" in note and (row, field) in missing)}


def header_issues(result):
    return [(i.type, i.column, i.value, i.field) for i in result.issues]


def test_harrogate_spend_against_spend_over_500(real_spend_dir):
    result = validate_table(real_spend_dir / "harrogate-spend-2022-08.csv", "spend-over-500")
    assert (result.status, result.row_count, result.error_count) == ("failure", 1873, 13)
    issues = header_issues(result)
    assert issues[0] == ("incorrect-label", 1, "Body Name", "organisation_name")
    assert ("incorrect-label", 10, "Net Amount", "beneficiary_charity_number") in issues
    assert issues[-2:] == [("missing-label", 12, None, "amount"), ("missing-label", 13, None, "irrecoverable_vat")]
    assert {s["type"]: s["count"] for s in result.summary} == {"incorrect-label": 11, "missing-label": 2}
    # 11 columns, almost none where the schema wants them: values are not compared with wrong columns
    assert any("not checked" in w for w in result.warnings)


def test_calderdale_purchase_cards_against_purchase_card_transactions(real_spend_dir):
    result = validate_table(real_spend_dir / "calderdale-purchase-card-2022-08.csv", "purchase-card-transactions")
    assert (result.status, result.row_count) == ("failure", 382)
    by_column = {i.column: i for i in result.issues}
    assert by_column[10].title == "Column heading spelled differently"  # "Expense Type" for expense_type
    assert 'exactly "expense_type"' in by_column[10].message
    assert (by_column[3].value, by_column[3].field) == ("Transaction Date", "transaction_number")
    assert "looks like column 4" in by_column[3].message  # it is the schema's transaction_date
    assert (by_column[12].type, by_column[12].field) == ("missing-label", "irrecoverable_vat")
    assert {i.type for i in result.issues} == {"incorrect-label", "missing-label"}


def test_salford_contracts_against_contracts(real_spend_dir):
    result = validate_table(real_spend_dir / "salford-contracts-2022-07.csv", "contracts")
    assert (result.status, result.row_count) == ("failure", 360)
    assert any("ï»¿" in w for w in result.warnings)  # the double-encoded byte-order mark
    first = result.issues[0]
    assert (first.type, first.column, first.value) == ("incorrect-label", 1, "Directorate Name")  # no "ï»¿"
    extra = [i.value for i in result.issues if i.type == "extra-label"]
    assert extra == ["SME Supplier?", "ProClass Classification", "ProClass Description", "Company Number", "Visibility"]
    assert {s["type"]: s["count"] for s in result.summary} == {"incorrect-label": 19, "extra-label": 5}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_valid_example_passes(name):
    path = table_schemas.example_path(name, "valid")
    if path is None:
        pytest.skip(f"{name} has no valid example")
    result = validate_table(path, table_schemas.latest_ref(name))
    assert result.status == "success", result.issues


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_invalid_example_finds_what_frictionless_finds(name):
    """Same findings as plain frictionless and the schema's own list, except our formula check and
    that a cell missing from a short row is reported once (missing-cell), not also as "required"."""
    path = table_schemas.example_path(name, "invalid")
    if path is None:
        pytest.skip(f"{name} has no invalid example")
    ref = table_schemas.latest_ref(name)
    result = validate_table(path, ref)
    ours = {(i.type, i.row, i.field) for i in result.issues if i.type != "formula-cell"}
    report = frictionless.validate(path.name, basepath=str(path.parent), schema=table_schemas.get_schema(ref))
    theirs = without_echoes((e.type, e.row_number, getattr(e, "field_name", None) or None, e.note)
                            for e in report.tasks[0].errors)
    assert ours == theirs
    expected_file = path.parent / "expected-errors.json"
    if expected_file.exists():
        listed = json.loads(expected_file.read_text())
        assert ours == without_echoes((e["type"], e["rowNumber"], e["fieldName"], e.get("constraint", "")) for e in listed)
    assert result.status == "failure"
