"""The publish jobs' personal-data check is the portal's: same detectors, same allow-list, rows as in
the extract. (Detectors on their own: tests/unit/test_personal_data_check.py.)"""
import pytest

from publish_jobs.table_check import check_file
from westsuffolk_core.personal_data import AllowList

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
SCHEMA = {"name": "notes", "fields": [{"name": "name", "type": "string"}, {"name": "note", "type": "string"}]}


def check(tmp_path, notes, row_numbers=None, allow=None, asset_id="IAR-0001"):
    path = tmp_path / "notes.csv"
    path.write_text("name,note\n" + "".join(f'ok,"{note}"\n' for note in notes), encoding="utf-8")
    return check_file(path, SCHEMA, row_numbers or list(range(2, len(notes) + 2)), allow or AllowList(), asset_id)


@pytest.mark.parametrize("kind", sorted(PERSONAL))
def test_each_kind_is_found_at_the_extract_row(tmp_path, kind):
    problems, _ = check(tmp_path, ["fine", PERSONAL[kind]], row_numbers=[5, 9])
    [problem] = problems
    assert (problem.row, problem.column, problem.source) == (9, "note", "personal data")
    assert kind in problem.message and "row 9" in problem.message


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_council_data_is_not_flagged(tmp_path, text):
    assert check(tmp_path, [text]) == ([], [])


def test_values_allowed_by_the_dpo_pass_for_their_asset(tmp_path):
    allow = AllowList.from_dicts([{"value": "jane.smith@gmail.com", "reason": "x", "asset_id": "IAR-0001"}])
    note = "Contact jane.smith@gmail.com for details"
    assert check(tmp_path, [note], allow=allow)[0] == []
    assert check(tmp_path, [note], allow=allow, asset_id="IAR-0002")[0] != []


def test_many_findings_are_grouped_with_a_count_then_the_first_rows(tmp_path):
    problems, _ = check(tmp_path, ["a@b.com"] * 30)
    group, *rows = problems
    assert group.count == 30 and group.message.startswith('30 cells in column "note" seem to contain an e-mail')
    assert "rows 2, 3, 4, 5, 6 and 25 more" in group.message
    assert len(rows) == 20 and rows[0].row == 2
    assert "a@b.com" not in " ".join(p.message for p in problems)
