"""The asset register: read from .xlsx or .csv, checked by row and column, a bad row blocks only its asset."""
import csv
import json
from importlib.resources import files
from pathlib import Path

import pytest
from openpyxl import Workbook

from publish_jobs.register import RegisterError, load_register, register_schema
from westsuffolk_core import vocabularies

EXAMPLES = Path(str(files("westsuffolk_schemas"))) / "examples" / "information-asset-register"
DEMO_REGISTER = Path(__file__).resolve().parents[2] / "publish_jobs" / "demo" / "register.xlsx"


def rows_of(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_valid_example_gives_every_asset_and_no_problems():
    register = load_register(EXAMPLES / "valid.csv")
    assert register.problems == []
    assert [asset.asset_id for asset in register.assets] == [row[0] for row in rows_of(EXAMPLES / "valid.csv")[1:]]
    assert register.assets[0].row == 2


def test_invalid_example_reports_each_expected_error_by_row_and_column():
    register = load_register(EXAMPLES / "invalid.csv")
    expected = json.loads((EXAMPLES / "expected-errors.json").read_text())
    found = {(p.row, p.column) for p in register.problems}
    for error in expected:
        if error["fieldName"]:
            assert (error["rowNumber"], error["fieldName"]) in found, error
    # rows 3 to 6 are bad; row 2 shares its asset id with row 5, so it is blocked too
    assert register.assets == []
    assert {p.row for p in register.problems} == {2, 3, 4, 5, 6}


def test_a_bad_row_blocks_only_its_asset(tmp_path):
    rows = rows_of(EXAMPLES / "valid.csv")
    rows[2][rows[0].index("publication_status")] = "published"
    register = load_register(write_csv(tmp_path / "register.csv", rows))
    assert len(register.assets) == len(rows) - 2
    [problem] = register.problems
    assert (problem.row, problem.column, problem.asset_id) == (3, "publication_status", rows[2][0])
    assert "approved" in problem.message  # names the allowed values


def test_duplicate_asset_ids_block_every_row_that_uses_them(tmp_path):
    rows = rows_of(EXAMPLES / "valid.csv")
    rows[3][0] = rows[1][0]
    register = load_register(write_csv(tmp_path / "register.csv", rows))
    assert rows[1][0] not in [asset.asset_id for asset in register.assets]
    assert {p.row for p in register.problems if p.column == "asset_id"} == {2, 4}
    assert len(register.assets) == len(rows) - 3


def test_missing_required_column_is_a_clear_register_error(tmp_path):
    rows = [[cell for i, cell in enumerate(row) if i != 1] for row in rows_of(EXAMPLES / "valid.csv")]
    with pytest.raises(RegisterError, match="no column for: title"):
        load_register(write_csv(tmp_path / "register.csv", rows))


def test_missing_optional_column_is_a_warning_only(tmp_path):
    header = rows_of(EXAMPLES / "valid.csv")[0]
    drop = header.index("theme")
    rows = [[cell for i, cell in enumerate(row) if i != drop] for row in rows_of(EXAMPLES / "valid.csv")]
    register = load_register(write_csv(tmp_path / "register.csv", rows))
    assert len(register.assets) == len(rows) - 1
    assert [p.column for p in register.problems] == ["theme"]
    assert register.assets[0].theme_list == ["GOVE"]


def test_unreadable_register_is_a_clear_error(tmp_path):
    broken = tmp_path / "register.xlsx"
    broken.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(RegisterError, match="could not be read"):
        load_register(broken)
    with pytest.raises(RegisterError, match="does not exist"):
        load_register(tmp_path / "nowhere.xlsx")


def test_xlsx_with_titles_as_headings_and_real_dates(tmp_path):
    rows = rows_of(EXAMPLES / "valid.csv")
    schema = register_schema()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([schema.get_field(name).title for name in rows[0]])
    import datetime as dt
    for row in rows[1:]:
        cells = list(row)
        cells[rows[0].index("last_reviewed")] = dt.datetime.fromisoformat(row[rows[0].index("last_reviewed")])
        sheet.append([cell or None for cell in cells])
    sheet.append([])  # blank rows are ignored
    workbook.save(tmp_path / "register.xlsx")
    register = load_register(tmp_path / "register.xlsx")
    assert register.problems == []
    assert register.assets[0].last_reviewed == rows[1][rows[0].index("last_reviewed")]


def test_demo_register_is_clean_and_has_every_status():
    register = load_register(DEMO_REGISTER)
    assert register.problems == []
    assert len(register.assets) >= 25
    statuses = {asset.publication_status for asset in register.assets}
    assert statuses == {"approved", "under_review", "not_for_publication", "withdrawn"}
    assert {asset.personal_data for asset in register.assets} >= {"none", "anonymised", "personal", "special_category"}


def test_register_lists_match_the_portal_vocabularies():
    schema = register_schema()
    assert schema.get_field("update_frequency").constraints["enum"] == list(vocabularies.UPDATE_FREQUENCIES)
    for code in vocabularies.THEMES:
        assert code in schema.get_field("theme").constraints["pattern"]
    publishable = {"none", "anonymised"}
    assert publishable == set(vocabularies.PERSONAL_DATA)
    assert publishable < set(schema.get_field("personal_data").constraints["enum"])
    assert set(schema.get_field("data_provenance").constraints["enum"]) == set(vocabularies.DATA_PROVENANCE)
