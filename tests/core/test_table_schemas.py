"""The table schema files themselves: valid Frictionless descriptors whose examples behave as documented."""
import csv
import json
import re
from importlib.resources import files
from pathlib import Path

import frictionless
import pytest

ROOT = Path(str(files("westsuffolk_schemas")))
EXAMPLES = ROOT / "examples"
LATEST_FILES = sorted(ROOT.glob("*.json"))
VERSION_FILES = sorted(ROOT.glob("versions/*/*.json"))
EXAMPLE_NAMES = sorted(path.parent.name for path in EXAMPLES.glob("*/expected-errors.json"))

# The tables the Local Government Transparency Code 2015 makes councils publish.
TRANSPARENCY_CODE_TABLES = {
    "spend-over-500", "purchase-card-transactions", "invitations-to-tender", "contracts",
    "land-and-building-assets", "grants-to-vcse", "organisation-chart", "trade-union-facility-time",
    "parking-account", "parking-spaces", "senior-salaries-bands", "senior-salaries-posts",
    "pay-multiple", "fraud", "waste-collection-contract",
}
FREQUENCIES = {"quarterly", "annual", "once"}
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
CONSTRAINT_NOTE = re.compile(r'^constraint "(\w+)"')
# Which error proves a constraint kind was exercised; other constraints give constraint-error.
ERROR_FOR_KIND = {"unique": "unique-error", "type": "type-error", "primaryKey": "primary-key",
                  "foreignKeys": "foreign-key"}
EXAMPLE_ROWS = {"min": 5, "max": 20}  # realistic but small


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def by_name(paths):
    return pytest.mark.parametrize("path", paths, ids=[str(p.relative_to(ROOT)) for p in paths])


def example(name, kind):
    return EXAMPLES / name / kind


def errors_of(csv_path, descriptor):
    """The errors frictionless reports, in the shape of expected-errors.json."""
    resource = frictionless.Resource(
        csv_path.name, basepath=str(csv_path.parent), schema=frictionless.Schema.from_descriptor(descriptor)
    )
    report = resource.validate()
    found = []
    for error in report.flatten(["type", "rowNumber", "fieldName", "note"]):
        kind, row, field, note = error
        item = {"type": kind, "rowNumber": row, "fieldName": field or None}
        match = CONSTRAINT_NOTE.match(note or "") if kind == "constraint-error" else None
        if match:
            item["constraint"] = match.group(1)
        found.append(item)
    return found


def sort_key(error):
    return (error["rowNumber"] or 0, error["type"], error["fieldName"] or "", error.get("constraint", ""))


def kinds_used(descriptor):
    kinds = {kind for field in descriptor["fields"] for kind in field.get("constraints", {})}
    if any(field.get("type", "string") != "string" for field in descriptor["fields"]):
        kinds.add("type")
    kinds.update(key for key in ("primaryKey", "foreignKeys") if descriptor.get(key))
    return kinds


def test_every_transparency_code_table_has_a_schema_and_examples():
    assert {path.stem for path in LATEST_FILES} >= TRANSPARENCY_CODE_TABLES
    assert set(EXAMPLE_NAMES) >= TRANSPARENCY_CODE_TABLES


@by_name(LATEST_FILES + VERSION_FILES)
def test_descriptor_passes_frictionless_metadata_validation(path):
    report = frictionless.Schema.validate_descriptor(load(path))
    assert report.valid, report.flatten(["type", "note"])


@by_name(LATEST_FILES + VERSION_FILES)
def test_descriptor_has_the_house_metadata(path):
    descriptor = load(path)
    assert descriptor["title"] and descriptor["description"]
    assert SEMVER.match(descriptor["version"])
    assert descriptor["missingValues"] == [""]
    for field in descriptor["fields"]:
        assert SNAKE_CASE.match(field["name"]), field["name"]
        assert field.get("description", "").strip(), f'{field["name"]} has no description'


@by_name(LATEST_FILES)
def test_latest_file_is_named_after_its_schema(path):
    assert load(path)["name"] == path.stem


@by_name(VERSION_FILES)
def test_old_version_file_is_named_after_its_schema_and_version(path):
    descriptor = load(path)
    assert (descriptor["name"], descriptor["version"]) == (path.parent.name, path.stem)
    latest = load(ROOT / f"{path.parent.name}.json")["version"]
    assert tuple(map(int, path.stem.split("."))) < tuple(map(int, latest.split("."))), "the top-level file must be the latest"


@pytest.mark.parametrize("name", sorted(TRANSPARENCY_CODE_TABLES))
def test_transparency_code_metadata(name):
    descriptor = load(ROOT / f"{name}.json")
    code = descriptor["transparencyCode"]
    assert code["obligation"].strip()
    assert code["frequency"] in FREQUENCIES
    assert set(code) <= {"obligation", "frequency", "paragraph", "deadline", "snapshot"}
    # the deadline is data beside the schema, with the Code paragraph and where the date comes from
    assert code["paragraph"].strip() and code["deadline"]["source"].strip()
    assert code["deadline"]["setBy"] in {"code", "council", "regulations"}
    if code["frequency"] == "once":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", code["deadline"]["date"])
    else:
        assert code["deadline"]["monthsAfterPeriodEnd"] in range(1, 13)
    assert isinstance(code["snapshot"], bool)
    # The custom property survives a round trip through frictionless.
    assert frictionless.Schema.from_descriptor(descriptor).to_descriptor()["transparencyCode"] == code


@pytest.mark.parametrize("name", sorted(TRANSPARENCY_CODE_TABLES))
def test_organisation_columns_come_first(name):
    fields = load(ROOT / f"{name}.json")["fields"]
    assert [field["name"] for field in fields[:2]] == ["organisation_name", "organisation_code"]
    assert re.match(fields[1]["constraints"]["pattern"], "E07000245")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_valid_example_has_no_errors(name):
    path = example(name, "valid.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if name in TRANSPARENCY_CODE_TABLES:
        assert EXAMPLE_ROWS["min"] <= len(rows) <= EXAMPLE_ROWS["max"]
    assert errors_of(path, load(ROOT / f"{name}.json")) == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_invalid_example_gives_exactly_the_expected_errors(name):
    expected = load(example(name, "expected-errors.json"))
    found = errors_of(example(name, "invalid.csv"), load(ROOT / f"{name}.json"))
    assert sorted(found, key=sort_key) == sorted(expected, key=sort_key)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_invalid_example_exercises_every_constraint_kind(name):
    expected = load(example(name, "expected-errors.json"))
    exercised = {error.get("constraint") for error in expected} | {error["type"] for error in expected}
    for kind in kinds_used(load(ROOT / f"{name}.json")):
        assert ERROR_FOR_KIND.get(kind, kind) in exercised, f"{kind} is never broken in invalid.csv"
