"""Quality scores, rule by rule (westsuffolk_core/quality.py documents the scoring)."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from freezegun import freeze_time

from westsuffolk_core import quality

TODAY = dt.date(2026, 11, 30)
COMPLETE = {
    "name": "spending-over-500", "title": "Spending over £500", "notes": "Every payment over £500.",
    "owner_org": "finance-id", "license_id": "uk-ogl", "isopen": True, "contact_name": "Finance Team",
    "contact_email": "finance@westsuffolk.gov.uk", "update_frequency": "quarterly", "personal_data": "none",
    "tags": [{"name": "spending"}], "spatial_coverage": ["E07000245"], "temporal_start": "2026-07-01",
    "temporal_end": "2026-09-30", "theme": ["GOVE"], "transparency_code_category": "spend-over-500",
    "schema_url": "https://data.example/schemas/spend-over-500.json",
    "resources": [{"id": "r1", "url": "https://data.example/spend.csv", "format": "CSV", "description": "Q3",
                   "schema": "spend-over-500@1.0.0", "validation_status": "success", "period_start": "2026-07-01",
                   "period_end": "2026-09-30", "created": "2026-10-10T10:00:00"}],
}


def variant(**changes) -> dict:
    dataset = copy.deepcopy(COMPLETE)
    resource_changes = changes.pop("resource", None)
    dataset.update(changes)
    if resource_changes is not None:
        dataset["resources"][0].update(resource_changes)
    return dataset


# ---- 1. valid against its schema ----
@pytest.mark.parametrize("statuses, expected", [
    (["success"], quality.VALID),
    (["success", "failure"], quality.INVALID),
    (["success", "error"], quality.INVALID),
    (["success", "pending"], quality.PENDING),
    ([None], quality.PENDING),
])
def test_validity_is_the_worst_check_of_the_files_naming_a_schema(statuses, expected):
    dataset = variant(resources=[{"url": f"https://x/{n}.csv", "schema": "spend-over-500@1.0.0",
                                  "validation_status": s} for n, s in enumerate(statuses)])
    assert quality.validity(dataset) == expected


def test_files_without_a_schema_are_not_checked_against_one():
    dataset = variant(resource={"schema": None, "validation_status": "failure"})
    assert quality.validity(dataset) == quality.NO_SCHEMA


# ---- 2. openness stars ----
@pytest.mark.parametrize("changes, count, next_star", [
    ({}, 4, None),
    ({"isopen": False, "license_id": "other-closed"}, 0, "open licence"),
    ({"resources": []}, 0, "Add a file"),
    ({"resource": {"format": "PDF", "url": "https://x/report.pdf"}}, 1, "machine-readable"),
    ({"resource": {"format": "XLSX", "url": "https://x/spend.xlsx"}}, 2, "open format"),
    ({"schema_url": "", "resource": {"schema": None}}, 3, "table schema"),
])
def test_stars(changes, count, next_star):
    found = quality.stars(variant(**changes))
    assert found.count == count
    assert (found.next_star is None) if next_star is None else (next_star in found.next_star)


def test_the_fourth_star_needs_dcat_as_well_as_a_schema():
    assert quality.stars(COMPLETE, dcat=False).count == 3
    assert quality.stars(variant(schema_url="", resource={"schema": "spend-over-500@1.0.0"})).count == 4


def test_a_file_format_is_read_from_its_address_when_not_given():
    assert quality.stars(variant(resource={"format": "", "url": "https://x/data.csv?download=1"})).count == 4
    assert quality.stars(variant(resource={"format": "", "url": "https://x/data"})).count == 1


def test_openness_without_isopen_falls_back_to_known_open_licences():
    dataset = variant()
    del dataset["isopen"]
    assert quality.stars(dataset).count == 4
    dataset["license_id"] = "other-closed"
    assert quality.stars(dataset).count == 0


# ---- 3. fresh or overdue ----
@pytest.mark.parametrize("frequency, updated, today, status, due", [
    ("quarterly", "2026-10-10", "2027-01-10", quality.FRESH, "2027-01-10"),  # a quarter after the newest file
    ("quarterly", "2026-10-10", "2027-01-11", quality.OVERDUE, "2027-01-10"),
    ("quarterly", "2024-11-30", "2025-02-28", quality.FRESH, "2025-02-28"),  # to the end of a shorter month
    ("monthly", "2024-01-31", "2024-02-29", quality.FRESH, "2024-02-29"),
    ("annual", "2025-04-01", "2026-04-02", quality.OVERDUE, "2026-04-01"),
    ("biannual", "2026-03-31", "2026-09-30", quality.FRESH, "2026-09-30"),
    ("weekly", "2026-11-20", "2026-11-27", quality.FRESH, "2026-11-27"),
    ("daily", "2026-11-20", "2026-11-22", quality.OVERDUE, "2026-11-21"),
])
def test_freshness_is_one_interval_after_the_newest_file(frequency, updated, today, status, due):
    dataset = variant(update_frequency=frequency, resource={"created": f"{updated}T08:00:00"})
    with freeze_time(today):
        found = quality.freshness(dataset, dt.date.today())
    assert (found.status, found.due.isoformat(), found.newest.isoformat()) == (status, due, updated)


def test_a_replaced_file_counts_from_its_replacement_and_the_newest_file_wins():
    dataset = variant(update_frequency="weekly", resources=[
        {"url": "https://x/a.csv", "created": "2026-10-01T08:00:00", "last_modified": "2026-11-20T08:00:00"},
        {"url": "https://x/b.csv", "created": "2026-11-01T08:00:00"}])
    assert quality.freshness(dataset, dt.date(2026, 11, 27)) == quality.Freshness(
        quality.FRESH, dt.date(2026, 11, 27), dt.date(2026, 11, 20))
    assert quality.freshness(dataset, dt.date(2026, 11, 28)).status == quality.OVERDUE
    assert quality.next_due("quarterly", None) is None and quality.next_due("never", dt.date(2026, 1, 1)) is None


@pytest.mark.parametrize("frequency", ["irregular", "never", "", None])
def test_no_schedule_means_never_overdue(frequency):
    assert quality.freshness(variant(update_frequency=frequency), TODAY).status == quality.NO_SCHEDULE


def test_no_file_is_no_data():
    assert quality.freshness(variant(resources=[]), TODAY).status == quality.NO_DATA


# ---- 4. metadata completeness ----
def test_a_complete_dataset_is_100_percent():
    assert quality.completeness(COMPLETE) == (100, [])


@pytest.mark.parametrize("changes, missing", [
    ({"notes": "  "}, "a description"),
    ({"tags": []}, "keywords"),
    ({"spatial_coverage": "[]"}, "the area covered"),
    ({"temporal_end": None}, "the period covered (from and to)"),
    ({"theme": []}, "a data theme"),
    ({"contact_email": ""}, "a contact team and role mailbox (contact point)"),
    ({"license_id": "notspecified"}, "a licence"),
    ({"resource": {"format": "", "url": "https://x/data"}}, "a format for every file"),
    ({"resource": {"description": ""}}, "a description for every file"),
    ({"schema_url": ""}, "the table schema URL (read by data.gov.uk)"),
])
def test_each_missing_property_is_named(changes, missing):
    percent, found = quality.completeness(variant(**changes))
    assert found == [missing]
    assert percent == 14 * 100 // 15


def test_file_checks_count_only_when_there_are_files():
    percent, missing = quality.completeness(variant(resources=[]))
    assert missing == ["a file or link (distribution)"] and percent == 12 * 100 // 13


def test_the_schema_url_counts_only_for_transparency_code_data():
    dataset = variant(transparency_code_category="", schema_url="")
    assert quality.completeness(dataset) == (100, [])


def test_json_lists_as_stored_by_scheming_are_read():
    assert quality.completeness(variant(spatial_coverage='["E07000245"]', theme='["GOVE"]'))[1] == []


# ---- together ----
def test_attention_comes_most_urgent_first():
    dataset = variant(notes="", resource={"validation_status": "failure", "created": "2026-01-31T10:00:00"})
    found = quality.assess(dataset, TODAY)
    assert [priority for priority, _ in found.attention] == [1, 2, 3]
    assert "fails validation" in found.attention[0][1]
    assert found.attention[1][1] == ("An update was due by 30 April 2026: the dataset is updated every quarter and "
                                     "its newest file is from 31 January 2026.")
    assert found.attention[2][1] == "Metadata missing: a description."


def test_a_good_dataset_needs_no_attention_and_says_so_in_one_line():
    with freeze_time("2026-11-30"):
        found = quality.assess(COMPLETE)
    assert found.attention == []
    assert found.summary == "4 of 5 stars · Valid against its schema · Up to date · Metadata 100% complete"
    assert found.as_dict()["next_update_due"] == "2027-01-10"  # a quarter after the file of 10 October
