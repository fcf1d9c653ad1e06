"""The demo register: every approved asset maps, validates and passes the personal-data scan."""
import csv
from pathlib import Path

import pytest

from publish_jobs.prepare import PUBLISH, decide, prepare
from publish_jobs.register import load_register
from westsuffolk_core.personal_data import AllowList

DEMO = Path(__file__).resolve().parents[2] / "publish_jobs" / "demo"
REGISTER = load_register(DEMO / "register.xlsx")
APPROVED = [asset for asset in REGISTER.assets if decide(asset).action == PUBLISH]
TRANSPARENCY_CODE_TABLES = {
    "spend-over-500", "purchase-card-transactions", "invitations-to-tender", "contracts",
    "land-and-building-assets", "grants-to-vcse", "organisation-chart", "trade-union-facility-time",
    "parking-account", "parking-spaces", "senior-salaries-bands", "senior-salaries-posts",
    "pay-multiple", "fraud", "waste-collection-contract",
}


@pytest.mark.parametrize("asset", APPROVED, ids=[asset.asset_id for asset in APPROVED])
def test_approved_demo_asset_is_ready_to_publish(asset):
    table = prepare(asset, DEMO, AllowList())
    assert table.row_count > 0
    assert table.schema_ref.startswith(asset.table_schema)


def test_every_transparency_code_table_is_in_the_demo():
    assert {asset.transparency_code_category for asset in APPROVED} - {""} == TRANSPARENCY_CODE_TABLES


def test_demo_spend_redacts_individuals_and_drops_internal_columns():
    [spend] = [asset for asset in APPROVED if asset.table_schema.startswith("spend-over-500")]
    text = prepare(spend, DEMO, AllowList()).csv_bytes.decode("utf-8")
    assert "REDACTED – personal data" in text
    assert "Resident" not in text and "Internal note" not in text


def test_demo_is_synthetic_and_spread_over_the_district():
    assert {asset.data_provenance for asset in REGISTER.assets} == {"synthetic"}
    assert len({asset.service_area for asset in REGISTER.assets}) >= 10


WARD_LEVEL = {"fly-tipping-reports", "planning-applications", "missed-bin-collections", "licensed-premises",
              "community-grants", "parking-penalty-charge-notices", "ward-populations", "councillors"}


def ward_assets() -> dict[str, list]:
    found: dict[str, list] = {}
    for asset in APPROVED:
        name = asset.table_schema.partition("@")[0]
        if name in WARD_LEVEL:
            found.setdefault(name, []).append(asset)
    return found


def test_the_demo_has_every_ward_level_table_synthetic_and_labelled():
    found = ward_assets()
    assert set(found) == WARD_LEVEL
    for assets in found.values():
        for asset in assets:
            assert asset.data_provenance == "synthetic"


def test_demo_ward_tables_cover_every_ward_and_councillors_match_the_seats():
    from westsuffolk_core.vocabularies import wards
    from westsuffolk_core.ward_level import normalise_code

    seats = {ward["gss_code"]: int(ward["councillors"]) for ward in wards()}
    for name, assets in ward_assets().items():
        current = [a for a in assets if a.period != "2018-19"]
        text = prepare(current[0], DEMO, AllowList()).csv_bytes.decode("utf-8").splitlines()[1:]
        codes = [normalise_code(next(csv.reader([line]))[0 if name in ("ward-populations", "councillors") else 2])
                 for line in text]
        assert set(codes) == set(seats), name
        if name == "councillors":
            assert {code: codes.count(code) for code in seats} == seats


def test_demo_shows_the_documented_normalisation_and_the_older_wards():
    found = ward_assets()
    [bins] = found["missed-bin-collections"]
    assert any("lower case or with spaces" in note for note in prepare(bins, DEMO, AllowList()).notes)
    [older] = [a for a in found["fly-tipping-reports"] if a.period == "2018-19"]
    assert any("not among West Suffolk's 43 wards" in note for note in prepare(older, DEMO, AllowList()).notes)
