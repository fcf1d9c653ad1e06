"""Personal data never reaches the public: every file is scanned, schema or not, every sheet of a
workbook, every line of a text file; names with personal titles in payee columns; one allow-list."""
from __future__ import annotations

import csv
import json

import pytest

from tests.conftest import REPO
from tests.workbooks import PERSONAL_SHEET, workbook_bytes
from westsuffolk_core import personal_data
from westsuffolk_core.personal_data import AllowedValue, AllowList
from westsuffolk_core.validation import validate_table

VALID = REPO / "schemas" / "examples" / "spend-over-500" / "valid.csv"
SPEND = "spend-over-500@1.0.0"
NOTHING_ALLOWED = AllowList()


def spend_rows() -> list[list[str]]:
    return list(csv.reader(VALID.open(encoding="utf-8")))


def spend_file(tmp_path, column: str = "purpose", value: str = "", name: str = "spend.csv"):
    rows = spend_rows()
    rows[2][rows[0].index(column)] = value
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def workbook(path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()):
    path.write_bytes(workbook_bytes(sheets, hidden))
    return path


@pytest.mark.parametrize("purpose, kind", [
    ("Refund to jane.doe@gmail.com", "an e-mail address"),
    ("Call back on 07700 900123", "a UK phone number"),
    ("Claimant AB 12 34 56 C", "a National Insurance number"),
    ("Paid to sort code 20-00-00", "a bank sort code"),
    ("Paid to account number 12345678", "a bank account number"),
])
def test_personal_data_in_a_text_cell_fails_with_a_masked_sample(tmp_path, purpose, kind):
    result = validate_table(spend_file(tmp_path, value=purpose), SPEND, personal_data=NOTHING_ALLOWED)
    assert result.status == "failure"
    [issue] = [i for i in result.issues if i.type == "personal-data"]
    assert (issue.row, issue.field) == (3, "purpose")
    assert kind in issue.message
    assert issue.value.endswith("…") and len(issue.value) <= 4  # never the whole address or number
    assert purpose not in str(result.as_dict())


def test_council_role_mailboxes_and_plain_text_pass(tmp_path):
    path = spend_file(tmp_path, value="Queries to transparency@westsuffolk.gov.uk about invoice 2024/118")
    assert validate_table(path, SPEND, personal_data=NOTHING_ALLOWED).status == "success"


def test_the_scan_is_off_unless_asked_for(tmp_path):
    path = spend_file(tmp_path, value="Refund to jane.doe@gmail.com")
    assert validate_table(path, SPEND).status == "success"


# --- hole 1: a workbook's other sheets --------------------------------------------------


def test_a_workbook_with_a_second_sheet_is_refused_against_a_schema_naming_the_sheets(tmp_path):
    path = workbook(tmp_path / "spend.xlsx", {"Spend": spend_rows(), "Contacts": PERSONAL_SHEET})
    result = validate_table(path, SPEND, personal_data=NOTHING_ALLOWED)
    assert result.status == "error"
    [issue] = result.issues
    assert issue.type == "workbook-sheets"
    assert '"Spend", "Contacts"' in issue.message and "one sheet" in issue.message


def test_a_hidden_sheet_counts_as_a_sheet(tmp_path):
    path = workbook(tmp_path / "spend.xlsx", {"Spend": spend_rows(), "Old": PERSONAL_SHEET}, hidden=("Old",))
    assert validate_table(path, SPEND, personal_data=NOTHING_ALLOWED).issues[0].type == "workbook-sheets"


def test_empty_extra_sheets_do_not_count(tmp_path):
    path = workbook(tmp_path / "spend.xlsx", {"Spend": spend_rows(), "Sheet2": [], "Sheet3": []})
    assert validate_table(path, SPEND, personal_data=NOTHING_ALLOWED).status == "success"


def test_every_sheet_of_a_workbook_without_a_schema_is_scanned(tmp_path):
    path = workbook(tmp_path / "stats.xlsx", {"Summary": [["Ward", "Count"], ["Abbeygate", 4]],
                                              "Contacts": PERSONAL_SHEET}, hidden=("Contacts",))
    result = validate_table(path, None, personal_data=NOTHING_ALLOWED)
    assert result.status == "failure"
    assert {(i.sheet, i.row, i.field) for i in result.issues} == {
        ("Contacts", 2, "Email"), ("Contacts", 2, "NI number"), ("Contacts", 2, "Sort code"), ("Contacts", 2, "Account")}
    assert all('Sheet "Contacts"' in i.message for i in result.issues)
    assert "jane.doe" not in json.dumps(result.as_dict())


# --- hole 2: files without a schema ---------------------------------------------------------


def test_a_csv_without_a_schema_is_scanned(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Ward,Note\nAbbeygate,Ring john.smith@gmail.com\n", encoding="utf-8")
    result = validate_table(path, None, personal_data=NOTHING_ALLOWED)
    assert result.status == "failure" and result.checks == ["personal data"]
    [issue] = result.issues
    assert (issue.row, issue.field, issue.column) == (2, "Note", 2)
    assert "an e-mail address" in issue.message and "john.smith" not in issue.message


def test_cells_beyond_the_headings_are_scanned_too(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2,AB 12 34 56 C\n", encoding="utf-8")
    [issue] = validate_table(path, None, personal_data=NOTHING_ALLOWED).issues
    assert (issue.row, issue.column, issue.field) == (2, 3, "column 3")


def test_a_windows_1252_csv_without_a_schema_is_scanned(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes("Name,Note\nCafé,Paid £5 to 07700 900123\n".encode("cp1252"))
    result = validate_table(path, None, personal_data=NOTHING_ALLOWED)
    assert result.status == "failure" and "a UK phone number" in result.issues[0].message


@pytest.mark.parametrize("name, text", [
    ("data.json", '{"contact": "jane.doe@gmail.com"}'),
    ("page.html", "<p>Ring 07700 900123</p>"),
    ("notes.txt", "line one\nNI AB 12 34 56 C\n"),
])
def test_text_files_are_scanned_line_by_line(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = validate_table(path, None, personal_data=NOTHING_ALLOWED)
    assert result.status == "failure"
    assert result.issues[0].message.startswith(f"Line {text.count(chr(10)) if name == 'notes.txt' else 1} ")


def test_files_that_cannot_be_scanned_say_so(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(100))
    result = validate_table(path, None, personal_data=NOTHING_ALLOWED)
    assert (result.status, result.checks) == ("success", [])
    assert "cannot be scanned for personal data" in result.warnings[0]


def test_clean_files_without_a_schema_pass(tmp_path):
    path = tmp_path / "wards.csv"
    path.write_text("Ward,Contact\nAbbeygate,opendata@westsuffolk.gov.uk\n", encoding="utf-8")
    assert validate_table(path, None, personal_data=NOTHING_ALLOWED).status == "success"


# --- hole 3: names of private individuals ----------------------------------------------------


@pytest.mark.parametrize("payee", ["MRS JANE HAYWOOD", "CCA & MRS CA BOLLAND", "Mr J Smith", "Dr. Patel", "MISS A JONES"])
def test_titled_names_in_a_payee_column_are_refused(tmp_path, payee):
    result = validate_table(spend_file(tmp_path, "beneficiary", payee), SPEND, personal_data=NOTHING_ALLOWED)
    [issue] = result.issues
    assert (issue.type, issue.field, issue.row) == ("personal-data", "beneficiary", 3)
    assert "private individual" in issue.message and payee not in issue.message


@pytest.mark.parametrize("payee", ["Dr Roberts & Partners", "Lady Margaret Hall", "MRSA Screening Ltd",
                                   "Mister Minit Ltd", "REDACTED – personal data", "Haverhill Arts Trust"])
def test_organisations_are_not_mistaken_for_people(tmp_path, payee):
    assert validate_table(spend_file(tmp_path, "beneficiary", payee), SPEND,
                          personal_data=NOTHING_ALLOWED).status == "success"


def test_titles_outside_payee_columns_are_not_names(tmp_path):
    path = spend_file(tmp_path, "purpose", "Resurfacing of Oak Dr car park")
    assert validate_table(path, SPEND, personal_data=NOTHING_ALLOWED).status == "success"


def test_a_payee_heading_without_a_schema_is_checked_for_titles(tmp_path):
    path = tmp_path / "grants.csv"
    path.write_text("Supplier Name,Amount\nMRS JANE HAYWOOD,600\nAcme Ltd,700\n", encoding="utf-8")
    [issue] = validate_table(path, None, personal_data=NOTHING_ALLOWED).issues
    assert (issue.row, issue.field) == (2, "Supplier Name")


# --- one allow-list --------------------------------------------------------------------------


def test_allowed_values_pass_anywhere_or_for_their_asset_only(tmp_path):
    path = spend_file(tmp_path, value="Call the council on 01284 763233")
    anywhere = AllowList([AllowedValue("01284763233", "Switchboard", allowed_by="dpo")])
    for_asset = AllowList([AllowedValue("01284 763233", "Switchboard", asset_id="IAR-0001", allowed_by="dpo")])
    assert validate_table(path, SPEND, personal_data=NOTHING_ALLOWED).status == "failure"
    assert validate_table(path, SPEND, personal_data=anywhere).status == "success"
    assert validate_table(path, SPEND, personal_data=for_asset, asset_id="IAR-0001").status == "success"
    assert validate_table(path, SPEND, personal_data=for_asset, asset_id="IAR-0002").status == "failure"
    assert validate_table(path, SPEND, personal_data=for_asset).status == "failure"


def test_a_titled_business_can_be_allowed_by_its_whole_name(tmp_path):
    path = spend_file(tmp_path, "beneficiary", "MRS BEE'S CAKES")
    allow = AllowList([AllowedValue("Mrs Bee's Cakes", "A bakery trading under this name", asset_id="IAR-0001")])
    assert validate_table(path, SPEND, personal_data=allow, asset_id="IAR-0001").status == "success"


def test_the_allow_list_round_trips_through_dicts():
    entry = AllowedValue("01284 763233", "Switchboard", asset_id="IAR-0001", allowed_by="dpo",
                         allowed_at="2026-11-30T09:00:00+00:00", id="x")
    again = AllowList.from_dicts([{**entry.as_dict(), "revoked_at": None}])
    assert again.entries == (entry,)


@pytest.mark.parametrize("address, role", [
    ("opendata@westsuffolk.gov.uk", True),
    ("finance.team@westsuffolk.gov.uk", True),
    ("john.smith@westsuffolk.gov.uk", False),
    ("opendata@gmail.com", False),
])
def test_role_mailboxes_are_council_addresses_naming_a_role(address, role):
    assert personal_data.is_role_mailbox(address) is role
    assert AllowList().allows(personal_data.EMAIL_KIND, address) is role
