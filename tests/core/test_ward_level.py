"""Ward-level tables: the wardLevel convention in the schema files, ward codes and their check."""
from __future__ import annotations

import csv
import json
import time
from importlib.resources import files
from pathlib import Path

import frictionless
import pytest

from westsuffolk_core import table_schemas, vocabularies
from westsuffolk_core.validation import validate_table
from westsuffolk_core.ward_level import (
    PROPERTY,
    WardLevelError,
    code_problem,
    current_codes,
    distance,
    names_match,
    normalise_code,
    ward_level,
)

ROOT = Path(str(files("westsuffolk_schemas")))
WARD_LEVEL_SCHEMAS = sorted(d["name"] for d in table_schemas.list_schemas() if PROPERTY in d)
FIGURE_TABLES = {"fly-tipping-reports", "planning-applications", "missed-bin-collections", "licensed-premises",
                 "community-grants", "parking-penalty-charge-notices"}
FLY_TIPPING = "fly-tipping-reports@1.0.0"
HEADER = ["report_reference", "reported_date", "ward_code", "ward_name", "waste_type", "size", "land_type",
          "clearance_cost"]


def fly_tipping(tmp_path: Path, wards: list[tuple[str, str]]) -> Path:
    path = tmp_path / "fly-tipping.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n, (code, name) in enumerate(wards, 1):
            writer.writerow([f"FT-{n:06d}", "2024-04-01", code, name, "Tyres", "Single item", "Highway", "10.00"])
    return path


def test_every_ward_level_table_the_issue_asks_for_has_a_schema():
    assert set(WARD_LEVEL_SCHEMAS) >= FIGURE_TABLES | {"ward-populations", "councillors"}


@pytest.mark.parametrize("name", WARD_LEVEL_SCHEMAS)
def test_ward_level_property_names_real_fields_and_survives_frictionless(name):
    descriptor = table_schemas.get_descriptor(name)
    level = ward_level(descriptor)
    assert level is not None and level.measures
    assert frictionless.Schema.from_descriptor(descriptor).to_descriptor()[PROPERTY] == descriptor[PROPERTY]
    fields = {field["name"]: field for field in descriptor["fields"]}
    code = fields[level.ward_code]
    assert code["type"] == "string" and "pattern" not in code.get("constraints", {}), \
        "a pattern would refuse the documented normalisation of spaced or lower-case codes"
    for measure in level.measures:
        assert measure.unit and measure.title
    if level.role == "figures":
        assert level.date and level.categories, "figures tables say their period and a breakdown"


@pytest.mark.parametrize("name", WARD_LEVEL_SCHEMAS)
def test_valid_examples_pass_the_ward_check(name):
    result = validate_table(ROOT / "examples" / name / "valid.csv", table_schemas.latest_ref(name))
    assert result.status == "success", [issue.message for issue in result.issues]


@pytest.mark.parametrize("change, problem", [
    ({"wardCode": "nowhere"}, '"wardCode" must name one of the schema\'s fields'),
    ({"role": "mayor"}, '"role" must be one of'),
    ({"measures": []}, "give at least one measure"),
    ({"measures": [{"name": "x", "aggregate": "sum", "field": "waste_type", "unit": "GBP"}]}, "must be a number field"),
    ({"measures": [{"name": "x", "aggregate": "average", "unit": "reports"}]}, "count or sum"),
    ({"measures": [{"name": "x", "aggregate": "count"}]}, 'needs a "unit"'),
    ({"measures": [{"name": "x", "aggregate": "count", "unit": "reports", "ratePer": 0}]}, "whole number of residents"),
    ({"categories": ["colour"]}, 'the category "colour"'),
    ({"date": "waste_type"}, "must name a date field"),
])
def test_a_broken_ward_level_property_says_what_to_fix(change, problem):
    descriptor = table_schemas.get_descriptor("fly-tipping-reports")
    descriptor[PROPERTY] = {**descriptor[PROPERTY], **change}
    with pytest.raises(WardLevelError, match=problem.replace("(", r"\(").replace('"', '"')):
        ward_level(descriptor)


def test_a_schema_with_a_broken_ward_level_property_is_a_schema_error(tmp_path):
    descriptor = table_schemas.get_descriptor("fly-tipping-reports")
    descriptor[PROPERTY]["wardCode"] = "nowhere"
    result = validate_table(fly_tipping(tmp_path, [("E05012763", "Abbeygate")]), descriptor)
    assert result.status == "error" and result.issues[0].type == "schema-error"
    assert '"wardCode" must name one of' in result.issues[0].message


def test_the_wards_list_is_43_wards_with_gss_codes():
    codes = current_codes()
    assert len(codes) == 43 and all(code.startswith("E05") and len(code) == 9 for code in codes)
    assert codes["E05012763"] == "Abbeygate"
    assert sum(int(row["councillors"]) for row in vocabularies.wards()) == 64


@pytest.mark.parametrize("raw, code", [(" e05012763", "E05012763"), ("E05 012 763", "E05012763"),
                                        ("e05012763\u00a0", "E05012763"), ("E05012763", "E05012763")])
def test_codes_are_normalised_without_spaces_in_capitals(raw, code):
    assert normalise_code(raw) == code
    assert code_problem(raw) is None


def test_distance_counts_a_swap_of_neighbours_as_one_edit():
    assert distance("E05012763", "E05012736") == 1
    assert distance("E05012763", "E05012763") == 0
    assert distance("kitten", "sitting") == 3


@pytest.mark.parametrize("raw, name, kind, says", [
    ("E05O12763", None, "typo", "nearly matches E05012763 (Abbeygate)"),
    ("E05012736", "Abbeygate", "typo", "nearly matches E05012763 (Abbeygate), the ward named in the same row"),
    ("E05012736", None, "typo", "or 2 other wards"),
    ("E07000245", None, "district", "the code of the whole district"),
    ("Abbeygate", None, "name", "write its code, E05012763 (Abbeygate)"),
    ("Bardwel", None, "typo", "E05012764 (Bardwell)"),
    ("zzz", None, "unknown", "E05 followed by six digits"),
    ("E05099901", None, "other-wards", None),
])
def test_a_bad_code_says_which_ward_it_nearly_matches(raw, name, kind, says):
    found_kind, detail = code_problem(raw, name)
    assert found_kind == kind
    assert (detail is None) if says is None else (says in detail)


def test_a_very_long_value_is_judged_at_once():
    started = time.perf_counter()
    assert code_problem("E05012763" * 20_000) == ("unknown", "ward codes are E05 followed by six digits")
    assert code_problem("E050127633") == ("typo", "it nearly matches E05012763 (Abbeygate)")
    assert time.perf_counter() - started < 1


def test_names_match_ignores_case_punctuation_and_ampersands():
    assert names_match("clare hundon and kedington", "Clare, Hundon & Kedington")
    assert not names_match("Bardwell", "Abbeygate")


class TestTheWardCheck:
    def test_mixed_case_and_spaced_codes_pass_with_a_warning(self, tmp_path):
        path = fly_tipping(tmp_path, [(" e05012763", "Abbeygate"), ("E05012764", "Bardwell"), ("e05 012765", "Barningham")])
        result = validate_table(path, FLY_TIPPING)
        assert result.status == "success"
        [warning] = [w for w in result.warnings if "lower case or with spaces" in w]
        assert warning.startswith('2 ward codes in column "ward_code"') and '" e05012763" (row 2)' in warning

    def test_a_mistyped_code_fails_and_names_the_ward_it_nearly_matches(self, tmp_path):
        path = fly_tipping(tmp_path, [("E05012763", "Abbeygate"), ("E05O12764", "Bardwell")])
        result = validate_table(path, FLY_TIPPING)
        assert result.status == "failure"
        [issue] = result.issues
        assert (issue.type, issue.row, issue.field, issue.value) == ("ward-code", 3, "ward_code", "E05O12764")
        assert "nearly matches E05012764 (Bardwell), the ward named in the same row" in issue.message
        assert "E05 followed by six digits" in issue.fix

    def test_a_name_that_is_not_the_codes_ward_fails(self, tmp_path):
        result = validate_table(fly_tipping(tmp_path, [("E05012763", "Bardwell")]), FLY_TIPPING)
        [issue] = result.issues
        assert issue.type == "ward-name" and issue.field == "ward_name"
        assert issue.message == ('Row 2, column "ward_name": the ward name "Bardwell" does not match the ward code in '
                                 "the same row (E05012763 is Abbeygate).")

    def test_many_bad_codes_are_said_once_with_a_count(self, tmp_path):
        path = fly_tipping(tmp_path, [("E07000245", "Abbeygate")] * 12)
        result = validate_table(path, FLY_TIPPING)
        [group] = [g for g in result.groups if g.type == "ward-code"]
        assert group.count == 12
        assert group.message.startswith('12 values in column "ward_code" are not codes of West Suffolk wards')

    def test_codes_of_other_wards_pass_with_a_warning_that_they_are_kept_apart(self, tmp_path):
        path = fly_tipping(tmp_path, [("E05099901", "Risbygate"), ("E05099901", "Risbygate"), ("E05012763", "Abbeygate")])
        result = validate_table(path, FLY_TIPPING)
        assert result.status == "success"
        [warning] = [w for w in result.warnings if "not among West Suffolk's 43 wards" in w]
        assert "2 rows use ward codes" in warning and "E05099901" in warning and "never adds them" in warning

    def test_the_example_with_errors_still_gives_only_schema_errors(self):
        name = "fly-tipping-reports"
        result = validate_table(ROOT / "examples" / name / "invalid.csv", FLY_TIPPING)
        expected = json.loads((ROOT / "examples" / name / "expected-errors.json").read_text())
        assert {issue.type for issue in result.issues} <= {e["type"] for e in expected}
