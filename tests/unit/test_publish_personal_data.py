"""The personal-data scan of every outgoing text cell."""
import pytest

from publish_jobs.personal_data import as_problems, scan

PERSONAL = {
    "an e-mail address": "Contact jane.smith@gmail.com for details",
    "a UK phone number": "Ring 07700 900123 after 5pm",
    "a National Insurance number": "NI number AB 12 34 56 C",
    "a bank sort code": "Paid to 40-47-84",
    "a bank account number": "Account no: 12345678",
    "an IBAN": "IBAN GB33BUKB20201555555555",
    "a payment card number": "Card 4111 1111 1111 1111",
}
HARMLESS = [
    "West Suffolk Council", "E07000245", "2024-08-31", "Invoice 3653374", "Company 04817263",
    "Charity 1098765", "AP-3100001", "1250.50", "REDACTED – personal data", "Grass cutting, Bury St Edmunds",
    "Transaction 1817149-2", "Expense code 04744215", "IP33 3YU",
]


@pytest.mark.parametrize("kind", sorted(PERSONAL))
def test_each_kind_is_found_with_row_and_column(kind):
    findings = scan(["name", "note"], [["ok", "fine"], ["ok", PERSONAL[kind]]], [2, 3], ["name", "note"])
    assert [(f.row, f.column) for f in findings] == [(3, "note")]
    assert kind in {f.kind for f in findings}


def test_phone_numbers_in_other_forms():
    for text in ("01284 763233", "+44 1284 763233", "(01638) 719000", "0800 123 4567"):
        assert scan(["c"], [[text]], [2], ["c"]), text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_council_data_is_not_flagged(text):
    assert scan(["c"], [[text]], [2], ["c"]) == []


def test_allow_list_values_and_patterns():
    rows = [["transparency@westsuffolk.gov.uk"], ["chief.executive@westsuffolk.gov.uk"], ["someone@gmail.com"]]
    findings = scan(["c"], rows, [2, 3, 4], ["c"], allow_values=["Transparency@westsuffolk.gov.uk"],
                    allow_patterns=[r"[a-z.]+@westsuffolk\.gov\.uk"])
    assert [f.row for f in findings] == [4]


def test_only_text_columns_are_scanned():
    assert scan(["date", "c"], [["40-47-84", "x"]], [2], ["c"]) == []


def test_report_masks_the_value_and_says_what_to_do():
    [problem] = as_problems(scan(["c"], [["jane.smith@gmail.com"]], [7], ["c"]), "IAR-0001")
    assert "jane.smith" not in problem.message
    assert (problem.row, problem.column, problem.asset_id) == (7, "c", "IAR-0001")
    assert "allow" in problem.message and "redact" in problem.message


def test_many_findings_are_summarised():
    problems = as_problems(scan(["c"], [["a@b.com"]] * 30, list(range(2, 32)), ["c"]))
    assert len(problems) == 21 and "10 more" in problems[-1].message
