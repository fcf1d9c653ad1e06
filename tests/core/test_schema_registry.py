"""ckanext.westsuffolk.table_schemas: the registry the portal and the publish jobs share."""
import csv
import io
import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import frictionless
import pytest

from westsuffolk_core import table_schemas as registry

ROOT = Path(str(files("westsuffolk_schemas")))
NAMES = sorted(path.stem for path in ROOT.glob("*.json"))
SPEND = "spend-over-500"
OLD_SPEND = "0.9.0"


def test_registry_does_not_import_ckan():
    code = "import sys, westsuffolk_core.table_schemas; print('ckan' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_public_names_are_declared():
    assert set(registry.__all__) == {
        "SchemaNotFound", "parse_ref", "list_schemas", "versions", "get_descriptor",
        "get_schema", "latest_ref", "example_path", "csv_template",
    }


@pytest.mark.parametrize(
    "ref, expected",
    [
        (SPEND, (SPEND, None)),
        (f"{SPEND}@1.0.0", (SPEND, "1.0.0")),
        (f" {SPEND}@{OLD_SPEND} ", (SPEND, OLD_SPEND)),
    ],
)
def test_parse_ref(ref, expected):
    assert registry.parse_ref(ref) == expected


@pytest.mark.parametrize("ref", ["", "@1.0.0", f"{SPEND}@", f"{SPEND}@latest", "Spend Over 500", f"{SPEND}@1.0"])
def test_parse_ref_refuses_malformed_refs_with_a_helpful_message(ref):
    with pytest.raises(registry.SchemaNotFound) as raised:
        registry.parse_ref(ref)
    assert "for example spend-over-500@1.0.0" in str(raised.value)


def test_list_schemas_gives_the_latest_of_every_file_sorted_by_title():
    listed = registry.list_schemas()
    assert sorted(descriptor["name"] for descriptor in listed) == NAMES
    titles = [descriptor["title"] for descriptor in listed]
    assert titles == sorted(titles)
    spend = next(descriptor for descriptor in listed if descriptor["name"] == SPEND)
    assert spend["version"] == registry.versions(SPEND)[-1]


def test_versions_are_semver_sorted_with_the_latest_last():
    assert registry.versions(SPEND) == [OLD_SPEND, "1.0.0"]
    for name in NAMES:
        found = registry.versions(name)
        assert found[-1] == json.loads((ROOT / f"{name}.json").read_text(encoding="utf-8"))["version"]
        assert found == sorted(found, key=lambda version: tuple(map(int, version.split("."))))


def test_get_descriptor_defaults_to_latest_and_reaches_old_versions():
    latest = registry.get_descriptor(SPEND)
    old = registry.get_descriptor(SPEND, OLD_SPEND)
    assert latest == json.loads((ROOT / f"{SPEND}.json").read_text(encoding="utf-8"))
    assert old["version"] == OLD_SPEND
    assert "irrecoverable_vat" in {field["name"] for field in latest["fields"]}
    assert "irrecoverable_vat" not in {field["name"] for field in old["fields"]}


def test_get_descriptor_returns_a_copy_callers_may_change():
    registry.get_descriptor(SPEND)["fields"].clear()
    assert registry.get_descriptor(SPEND)["fields"]


def test_unknown_name_raises_with_the_known_names():
    with pytest.raises(registry.SchemaNotFound) as raised:
        registry.get_descriptor("spend-over-250")
    message = str(raised.value)
    assert 'no table schema called "spend-over-250"' in message
    assert all(name in message for name in NAMES)
    assert isinstance(raised.value, LookupError)


def test_unknown_version_raises_with_the_versions_there_are():
    with pytest.raises(registry.SchemaNotFound) as raised:
        registry.get_schema(f"{SPEND}@9.9.9")
    assert f'"{SPEND}" has no version 9.9.9' in str(raised.value)
    assert f"{OLD_SPEND}, 1.0.0" in str(raised.value)


@pytest.mark.parametrize("name", NAMES)
def test_get_schema_builds_a_frictionless_schema_for_the_latest_ref(name):
    ref = registry.latest_ref(name)
    assert ref == f"{name}@{registry.versions(name)[-1]}"
    schema = registry.get_schema(ref)
    assert isinstance(schema, frictionless.Schema)
    assert schema.field_names == [field["name"] for field in registry.get_descriptor(name)["fields"]]
    assert registry.get_schema(name).to_descriptor() == schema.to_descriptor()


def test_old_schema_validates_old_shaped_files():
    old = registry.get_schema(f"{SPEND}@{OLD_SPEND}")
    header = registry.csv_template(SPEND, OLD_SPEND).strip().split(",")
    assert header == old.field_names
    assert "irrecoverable_vat" not in header


@pytest.mark.parametrize("name", NAMES)
def test_csv_template_is_the_header_row(name):
    template = registry.csv_template(name)
    assert "\r" not in template and template.endswith("\n") and template.count("\n") == 1
    rows = list(csv.reader(io.StringIO(template)))
    assert rows == [[field["name"] for field in registry.get_descriptor(name)["fields"]]]


def test_example_paths():
    valid = registry.example_path(SPEND)
    assert valid == ROOT / "examples" / SPEND / "valid.csv" and valid.is_file()
    assert registry.example_path(SPEND, "invalid").name == "invalid.csv"
    with pytest.raises(ValueError):
        registry.example_path(SPEND, "expected-errors")
    with pytest.raises(registry.SchemaNotFound):
        registry.example_path("no-such-table")


def test_example_path_is_none_when_a_schema_has_no_examples(tmp_path, monkeypatch):
    (tmp_path / "lonely.json").write_text(json.dumps({
        "name": "lonely", "title": "Lonely", "version": "1.0.0",
        "fields": [{"name": "a", "type": "string", "description": "A column."}],
    }), encoding="utf-8")
    monkeypatch.setattr(registry, "_root", lambda: tmp_path)
    registry._index.cache_clear()
    try:
        assert registry.versions("lonely") == ["1.0.0"]
        assert registry.example_path("lonely") is None
        assert registry.csv_template("lonely") == "a\n"
    finally:
        monkeypatch.undo()
        registry._index.cache_clear()


def test_valid_examples_validate_through_the_registry_schema():
    for name in NAMES:
        path = registry.example_path(name)
        if path is None:
            continue
        resource = frictionless.Resource(path.name, basepath=str(path.parent), schema=registry.get_schema(name))
        assert resource.validate().valid, name
