"""Portal uploads are scanned for personal data with the same detectors as the publish jobs."""
from __future__ import annotations

import csv

import pytest

from ckanext.westsuffolk import personal_data
from ckanext.westsuffolk.validation import validate_table

from tests.conftest import REPO

VALID = REPO / "schemas" / "examples" / "spend-over-500" / "valid.csv"


def spend_file(tmp_path, purpose: str):
    rows = list(csv.reader(VALID.open(encoding="utf-8")))
    rows[2][rows[0].index("purpose")] = purpose
    path = tmp_path / "spend.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize("purpose, kind", [
    ("Refund to jane.doe@gmail.com", "an e-mail address"),
    ("Call back on 07700 900123", "a UK phone number"),
    ("Claimant AB 12 34 56 C", "a National Insurance number"),
    ("Paid to sort code 20-00-00", "a bank sort code"),
    ("Paid to account number 12345678", "a bank account number"),
])
def test_personal_data_in_a_text_cell_fails_with_a_masked_sample(tmp_path, purpose, kind):
    result = validate_table(spend_file(tmp_path, purpose), "spend-over-500@1.0.0", scan_personal_data=True)
    assert result.status == "failure"
    [issue] = [i for i in result.issues if i.type == "personal-data"]
    assert (issue.row, issue.field) == (3, "purpose")
    assert kind in issue.message
    assert issue.value.endswith("…") and len(issue.value) <= 4  # never the whole address or number
    assert purpose not in str(result.as_dict())


def test_council_role_mailboxes_and_plain_text_pass(tmp_path):
    path = spend_file(tmp_path, "Queries to transparency@westsuffolk.gov.uk about invoice 2024/118")
    assert validate_table(path, "spend-over-500@1.0.0", scan_personal_data=True).status == "success"


def test_published_values_on_the_allow_list_pass(tmp_path):
    path = spend_file(tmp_path, "Call the council on 01284 763233")
    assert validate_table(path, "spend-over-500@1.0.0", scan_personal_data=True).status == "failure"
    assert validate_table(path, "spend-over-500@1.0.0", scan_personal_data=True,
                          personal_data_allowed=["01284763233"]).status == "success"


def test_the_scan_is_off_unless_asked_for(tmp_path):
    path = spend_file(tmp_path, "Refund to jane.doe@gmail.com")
    assert validate_table(path, "spend-over-500@1.0.0").status == "success"


@pytest.mark.parametrize("address, role", [
    ("opendata@westsuffolk.gov.uk", True),
    ("finance.team@westsuffolk.gov.uk", True),
    ("john.smith@westsuffolk.gov.uk", False),
    ("opendata@gmail.com", False),
])
def test_role_mailboxes_are_council_addresses_naming_a_role(address, role):
    assert personal_data.is_role_mailbox(address) is role
