"""The register, published: every asset, its status as the portal shows it and the reason in plain words;
nothing personal or private; checked against its own schema; kept current on every run."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import frictionless
import pytest

from publish_jobs import register_table
from publish_jobs.problems import AssetBlocked
from publish_jobs.publisher import CREATED, PLANNED, UNCHANGED, UPDATED, Publisher
from publish_jobs.register import load_register, register_schema
from tests.publish_jobs.test_publisher import REGISTER_FIELDS, FakePortal, asset_row, make_register
from westsuffolk_core import table_schemas
from westsuffolk_core.personal_data import AllowList

DEMO = Path(__file__).resolve().parents[2] / "publish_jobs" / "demo"
PORTAL = "https://data.example"
PRIVATE_COLUMNS = {"information_asset_owner", "contact_email", "source_system", "extract_location", "column_mapping",
                   "personal_data", "retention", "keywords", "period", "table_schema"}


def rows_of(table) -> list[dict]:
    return list(csv.DictReader(io.StringIO(table.csv_bytes.decode("utf-8"))))


def test_the_published_schema_has_no_personal_or_private_field():
    published = {f["name"] for f in table_schemas.get_descriptor("information-assets")["fields"]}
    assert not published & PRIVATE_COLUMNS
    assert set(register_schema().field_names) > published - {"publication_status", "conforms_to", "dataset_url",
                                                             "licence", "reason_not_published"}


def test_the_demo_register_published_validates_against_its_schema(tmp_path):
    register = load_register(DEMO / "register.xlsx")
    public = {"IAR-0001": "iar-0001-spending-over-500"}
    table = register_table.build(register, public, PORTAL, AllowList())
    path = tmp_path / "information-assets.csv"
    path.write_bytes(table.csv_bytes)
    report = frictionless.Resource(path.name, basepath=str(tmp_path),
                                   schema=frictionless.Schema.from_descriptor(table.schema)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    rows = {row["asset_id"]: row for row in rows_of(table)}
    assert len(rows) == len(register.assets)
    assert set(next(iter(rows.values()))) == {f["name"] for f in table.schema["fields"]}
    spend = rows["IAR-0001"]
    assert (spend["publication_status"], spend["reason_not_published"]) == ("published", "")
    assert spend["dataset_url"] == f"{PORTAL}/dataset/iar-0001-spending-over-500"
    assert spend["conforms_to"] == f"{PORTAL}/schemas/spend-over-500/1.0.0.json" and spend["licence"] == "uk-ogl"
    cards = rows["IAR-0002"]  # approved, not public yet
    assert (cards["publication_status"], cards["dataset_url"]) == ("approved", "")
    assert rows["IAR-0016"]["reason_not_published"].startswith("It holds personal data about individuals")
    assert rows["IAR-0017"]["reason_not_published"].startswith("It holds special category personal data")
    assert rows["IAR-0060"]["reason_not_published"].startswith("Commercial confidence:")
    assert rows["IAR-0022"]["publication_status"] == "under_review"
    assert rows["IAR-0024"]["reason_not_published"] == "Under review before a decision on publication."
    assert rows["IAR-0025"]["publication_status"] == "withdrawn"
    text = table.csv_bytes.decode("utf-8")
    assert "@westsuffolk.gov.uk" not in text and "Head of" not in text  # no mailboxes, no owners
    assert table.problems == []


def _register(tmp_path, rows):
    return load_register(make_register(tmp_path, rows))


def test_a_reason_or_title_that_names_a_person_is_withheld_and_the_officers_are_told(tmp_path):
    register = _register(tmp_path, [
        asset_row(1, status="not_for_publication", reason_not_published="Mrs Jane Haywood asked us not to publish"),
        asset_row(2, status="under_review", reason_not_published="Call 07700 900123 to discuss"),
        asset_row(3, status="under_review", title="Cases handled by Mr Smith", description="Ask jo.bloggs@gmail.com"),
        asset_row(4, status="not_for_publication"),  # no reason and no personal data
    ])
    table = register_table.build(register, {}, PORTAL, AllowList())
    rows = {row["asset_id"]: row for row in rows_of(table)}
    text = table.csv_bytes.decode("utf-8")
    for personal in ("Haywood", "07700", "Smith", "bloggs"):
        assert personal not in text
        assert all(personal not in problem.message for problem in table.problems)
    assert rows["IAR-0001"]["reason_not_published"] == "Not for publication; the reason is being recorded."
    assert rows["IAR-0002"]["reason_not_published"] == "Under review before a decision on publication."
    assert rows["IAR-0003"]["title"] == register_table.WITHHELD["title"]
    assert rows["IAR-0003"]["description"] == register_table.WITHHELD["description"]
    where = {(p.asset_id, p.column, p.row) for p in table.problems}
    assert where == {("IAR-0001", "reason_not_published", 2), ("IAR-0002", "reason_not_published", 3),
                     ("IAR-0003", "title", 4), ("IAR-0003", "description", 4), ("IAR-0004", "reason_not_published", 5)}


def test_an_allowed_value_may_stay_in_a_reason(tmp_path):
    register = _register(tmp_path, [asset_row(1, status="under_review",
                                              reason_not_published="Checked with the helpline 01284 763233 first")])
    allow = AllowList.from_dicts([{"value": "01284 763233", "reason": "Switchboard"}])
    [row] = rows_of(register_table.build(register, {}, PORTAL, allow))
    assert row["reason_not_published"] == "Checked with the helpline 01284 763233 first"


def test_rows_with_unknown_statuses_are_left_out_and_counted(tmp_path):
    register = _register(tmp_path, [asset_row(1), asset_row(2, status="secret")])
    assert register.blocked_ids == {"IAR-0002"}
    table = register_table.build(register, {}, PORTAL, AllowList())
    assert [row["asset_id"] for row in rows_of(table)] == ["IAR-0001"]
    assert "1 register row(s) are left out" in table.problems[-1].message


def test_approved_with_personal_data_is_never_shown_as_approved(tmp_path):
    register = _register(tmp_path, [asset_row(1, personal="special_category")])
    [row] = rows_of(register_table.build(register, {}, PORTAL, AllowList()))
    assert row["publication_status"] == "not_for_publication"
    assert "special category" in row["reason_not_published"]


def test_a_table_that_fails_its_schema_is_never_sent(tmp_path, monkeypatch):
    register = _register(tmp_path, [asset_row(1)])
    monkeypatch.setitem(register.assets[0].values, "last_reviewed", "07/10/2024")
    with pytest.raises(AssetBlocked, match="last_reviewed"):
        register_table.build(register, {}, PORTAL, AllowList())


def test_every_run_keeps_the_register_dataset_current_and_a_second_run_writes_nothing(tmp_path):
    portal = FakePortal()
    path = make_register(tmp_path, [asset_row(1), asset_row(2, status="under_review")])
    register = load_register(path)
    publisher = Publisher(portal, tmp_path, validation_wait=1)
    for asset in register.assets:
        publisher.process(asset)
    first = register_table.publish(publisher, register)
    assert first.outcome == CREATED, first.message
    package = portal.package_show(register_table.DATASET_NAME)
    assert package["private"] is False and package["schema_url"].endswith("/schemas/information-assets/1.0.0.json")
    assert "asset_register_id" not in package  # it is not one of the register's assets
    [resource] = package["resources"]
    assert resource["release_note"] == "First release: 2 assets."
    stored = {row["asset_id"]: row for row in portal.tables[resource["id"]][1]}
    assert stored["IAR-0001"]["publication_status"] == "published"
    assert stored["IAR-0001"]["dataset_url"] == f"{portal.url}/dataset/iar-0001-test-asset-1"
    assert stored["IAR-0002"]["publication_status"] == "under_review"
    # a held-back asset is a row of the register, not a catalogue record of its own (no 'unpublished' record)
    assert {p.get("asset_register_id") for p in portal.packages.values()} == {"IAR-0001", None}
    assert not any(extra.get("key") == "unpublished" for p in portal.packages.values() for extra in p.get("extras", []))

    writes = portal.writes
    assert register_table.publish(publisher, register).outcome == UNCHANGED and portal.writes == writes
    assert register_table.publish(Publisher(portal, tmp_path, dry_run=True), register).outcome == UNCHANGED

    make_register(tmp_path, [asset_row(1), asset_row(2, status="under_review", title="Renamed"), asset_row(3)])
    register = load_register(path)
    planned = register_table.publish(Publisher(portal, tmp_path, dry_run=True), register)
    assert planned.outcome == PLANNED and portal.writes == writes
    again = register_table.publish(publisher, register)
    assert again.outcome == UPDATED
    resource = portal.package_show(register_table.DATASET_NAME)["resources"][0]
    assert resource["release_note"] == "1 asset added, 1 changed (title)."
    assert json.loads(resource["release_diff"])["keys"] == {"added": ["IAR-0003"], "removed": [], "changed": ["IAR-0002"]}


def test_the_register_fields_include_the_new_reason_column():
    assert REGISTER_FIELDS[-1] == "reason_not_published"
