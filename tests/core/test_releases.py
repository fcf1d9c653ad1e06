"""Row-level diffs by primary key and the release notes that describe them."""
from __future__ import annotations

import pytest

from westsuffolk_core import releases, table_schemas

CONTRACTS = table_schemas.get_descriptor("contracts")


def contract(reference: str, value: str = "12000.00", end: str = "2027-03-31", **more) -> dict:
    return {"contract_reference": reference, "title": f"Contract {reference}", "contract_value": value,
            "end_date": end, "supplier_is_sme": "true", **more}


OLD = [contract(f"WSC-C-{n}") for n in range(1000, 1010)]


def test_added_removed_and_changed_by_key():
    new = [contract(f"WSC-C-{n}") for n in range(1003, 1010)]  # 1000–1002 ended
    new[0] = contract("WSC-C-1003", value="15000.00")
    new += [contract(f"WSC-C-{n}") for n in range(2000, 2012)]  # 12 new
    changes = releases.diff(CONTRACTS, OLD, new)
    assert changes.removed == [("WSC-C-1000",), ("WSC-C-1001",), ("WSC-C-1002",)]
    assert len(changes.added) == 12 and changes.added[0] == ("WSC-C-2000",)
    assert changes.changed == {("WSC-C-1003",): ["contract_value"]}
    assert changes.rows == 19
    assert releases.note(CONTRACTS, changes) == "12 contracts added, 3 ended, 1 changed (contract value)."


def test_the_datastore_spelling_of_a_value_is_the_same_value():
    stored = [{"contract_reference": "A", "title": "Contract A", "contract_value": 12000.0,
               "end_date": "2027-03-31T00:00:00", "supplier_is_sme": True, "_id": 1}]
    published = [contract("A", value="12000.00")]
    published[0]["title"] = "Contract A"
    assert releases.diff(CONTRACTS, stored, published).nothing


@pytest.mark.parametrize("field, old, new", [
    ("contract_value", "12000.00", "12000.01"),
    ("end_date", "2027-03-31", "2027-04-01"),
    ("supplier_is_sme", "true", "false"),
    ("title", "Contract A", "Contract A (extended)"),
    ("supplier_postcode", None, "IP33 3YU"),
])
def test_each_kind_of_change_is_seen(field, old, new):
    before, after = contract("A"), contract("A")
    before[field], after[field] = old, new
    assert releases.diff(CONTRACTS, [before], [after]).changed == {("A",): [field]}


def test_notes_say_only_what_happened_in_the_schema_s_own_words():
    spend = table_schemas.get_descriptor("spend-over-500")
    only_removed = releases.RowDiff(removed=[("1",), ("2",)], rows=5)
    assert releases.note(spend, only_removed) == "2 payments removed."
    one_changed = releases.RowDiff(changed={("1",): ["amount", "beneficiary"], ("2",): ["amount"]}, rows=5)
    assert releases.note(spend, one_changed) == "2 payments changed (amount, beneficiary)."
    assert releases.note(CONTRACTS, releases.RowDiff(added=[("x",)], rows=1)) == "1 contract added."
    fraud = table_schemas.get_descriptor("fraud")  # no nouns of its own
    assert releases.note(fraud, releases.RowDiff(added=[("2025-26",)], rows=3)) == "1 row added."
    assert releases.note(CONTRACTS, releases.RowDiff(rows=60)).startswith("The same contracts as before (60)")
    assert releases.first_note(CONTRACTS, 60) == "First release: 60 contracts."


def test_a_note_never_repeats_a_value_or_a_key():
    before, after = contract("WSC-C-1"), contract("WSC-C-1", supplier_name="Mrs Jane Haywood")
    changes = releases.diff(CONTRACTS, [before], [after, contract("07700 900123")])
    text = releases.note(CONTRACTS, changes)
    assert "Haywood" not in text and "07700" not in text and "WSC-C-1" not in text
    assert text == "1 contract added, 1 changed (supplier name)."


def test_composite_keys_and_the_record_kept_on_the_resource():
    parking = table_schemas.get_descriptor("parking-account")
    assert releases.primary_key(parking) == ["financial_year", "line_type", "category"]
    old = [{"financial_year": "2024-25", "line_type": "income", "category": f"c{n}", "amount": "1"} for n in range(150)]
    new = [*old[:-1], {"financial_year": "2024-25", "line_type": "income", "category": "new", "amount": "2"}]
    changes = releases.diff(parking, old, new)
    kept = releases.record(changes, keys_kept=1)
    assert kept["added"] == 1 and kept["removed"] == 1 and kept["changed"] == 0
    assert kept["keys"]["added"] == [["2024-25", "income", "new"]]
    assert kept["keys_truncated"] is False
    many = releases.record(releases.diff(parking, old, []), keys_kept=100)
    assert many["removed"] == 150 and len(many["keys"]["removed"]) == 100 and many["keys_truncated"] is True


def test_a_table_without_a_primary_key_cannot_be_diffed():
    with pytest.raises(ValueError, match="no primary key"):
        releases.diff({"name": "x", "fields": [{"name": "a"}]}, [], [])
