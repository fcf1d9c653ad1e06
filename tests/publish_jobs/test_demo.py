"""The demo register: every approved asset maps, validates and passes the personal-data scan."""
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
    assert {asset.transparency_code_category for asset in APPROVED} == TRANSPARENCY_CODE_TABLES


def test_demo_spend_redacts_individuals_and_drops_internal_columns():
    [spend] = [asset for asset in APPROVED if asset.table_schema.startswith("spend-over-500")]
    text = prepare(spend, DEMO, AllowList()).csv_bytes.decode("utf-8")
    assert "REDACTED – personal data" in text
    assert "Resident" not in text and "Internal note" not in text


def test_demo_is_synthetic_and_spread_over_the_district():
    assert {asset.data_provenance for asset in REGISTER.assets} == {"synthetic"}
    assert len({asset.service_area for asset in REGISTER.assets}) >= 10
