"""The ward pages on the demo data, through the live portal: every total agrees with a direct SQL count
on the DataStore tables (and with the demo extracts themselves), every rows link finds the rows it
counts, and the older table stays with its own wards."""
from __future__ import annotations

import csv
import io
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from ckan.plugins import toolkit as tk

from tests.integration.ward_demo import OLDER_WARDS, WARD_ASSETS, publish_ward_demo
from westsuffolk_core.ward_level import normalise_code

pytestmark = [pytest.mark.live, pytest.mark.timeout(900)]

SIX = ["E05012763", "E05012774", "E05012786", "E05012791", "E05012767", "E05012771"]
FIGURES = {asset: schema for asset, schema in WARD_ASSETS.items()
           if schema not in ("ward-populations", "councillors") and asset != OLDER_WARDS}
SUMS = {"fly-tipping-reports": "clearance_cost", "community-grants": "amount",
        "parking-penalty-charge-notices": "charge_amount"}
DEMO = Path(__file__).resolve().parents[2] / "publish_jobs" / "demo"
# An SQL reading of the documented normalisation, written independently of the portal's (which groups
# by the stored value and normalises in Python).
WARD_OF_ROW = "upper(regexp_replace(ward_code, '\\s', '', 'g'))"


@pytest.fixture(scope="module")
def demo(portal_url):
    return publish_ward_demo(portal_url)


@pytest.fixture(scope="module")
def comparison(portal_url, demo):
    response = requests.post(f"{portal_url}/api/3/action/westsuffolk_ward_compare", json={"wards": SIX}, timeout=300)
    assert response.status_code == 200, response.text[:2000]
    return response.json()["result"]


@pytest.fixture(scope="module")
def datastore():
    engine = sa.create_engine(tk.config["ckan.datastore.write_url"])
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def table_for(comparison: dict, dataset: dict) -> dict:
    [table] = [t for t in comparison["tables"] if t["dataset"]["name"] == dataset["name"]]
    return table


def by_name(items: list[dict], name: str) -> dict:
    return next(item for item in items if item["name"] == name)


@pytest.mark.parametrize("asset", sorted(FIGURES))
def test_totals_agree_with_a_direct_sql_count(demo, comparison, datastore, asset):
    table = table_for(comparison, demo[asset])
    resource_id = table["resource"]["id"]
    schema = FIGURES[asset]
    total = sa.text(f'SELECT count(*), {f"sum({SUMS[schema]})" if schema in SUMS else "0"} FROM "{resource_id}"')
    by_ward = sa.text(f'SELECT {WARD_OF_ROW} AS code, count(*), {f"sum({SUMS[schema]})" if schema in SUMS else "0"} '
                      f'FROM "{resource_id}" GROUP BY 1')
    rows, amount = datastore.execute(total).one()
    wards = {code: (count, value) for code, count, value in datastore.execute(by_ward)}
    count_measure = next(m for m in table["measures"] if m["aggregate"] == "count")
    assert count_measure["district"]["value"] == rows > 0
    for code in SIX:
        assert count_measure["wards"][code]["value"] == wards.get(code, (0, 0))[0], code
    if schema in SUMS:
        sum_measure = next(m for m in table["measures"] if m["aggregate"] == "sum")
        assert Decimal(str(sum_measure["district"]["value"])) == amount
        for code in SIX:
            assert Decimal(str(sum_measure["wards"][code]["value"])) == wards.get(code, (0, Decimal(0)))[1], code
    for category in table["categories"]:
        field = category["field"]
        counted = {(code, value): n for code, value, n in datastore.execute(sa.text(
            f'SELECT {WARD_OF_ROW}, "{field}"::text, count(*) FROM "{resource_id}" GROUP BY 1, 2'))}
        for item in category["values"]:
            if item["all_other_values"]:
                continue
            for code in SIX:
                assert item["wards"][code][count_measure["name"]]["value"] == counted.get((code, item["value"]), 0)
        assert sum(item["district"][count_measure["name"]]["value"] for item in category["values"]) == rows


def test_totals_agree_with_the_demo_extract_itself(demo, comparison):
    """Missed bins: some codes are typed in lower case or with spaces; they count for their ward."""
    table = table_for(comparison, demo["IAR-0028"])
    with (DEMO / "extracts" / "wards" / "missed-bin-collections-2023-24.csv").open(encoding="utf-8") as handle:
        extract = list(csv.DictReader(handle))
    typed = Counter(row["ward_code"] for row in extract)
    assert any(code != normalise_code(code) for code in typed), "the demo has spaced or lower-case codes"
    per_ward = Counter(normalise_code(row["ward_code"]) for row in extract)
    measure = by_name(table["measures"], "missed_collections")
    assert {code: measure["wards"][code]["value"] for code in SIX} == {code: per_ward[code] for code in SIX}
    assert measure["district"]["value"] == len(extract)


def test_rates_use_the_published_ward_populations(demo, comparison, datastore):
    population = comparison["population"]
    assert population and population["dataset"] == demo["IAR-0032"]["name"]
    residents = dict(datastore.execute(sa.text(
        f'SELECT ward_code, residents FROM "{population["resource_id"]}"')).all())
    assert comparison["district"]["residents"] == sum(residents.values())
    fly = by_name(table_for(comparison, demo["IAR-0027"])["measures"], "reports")
    for ward in comparison["wards"]:
        assert ward["residents"] == residents[ward["code"]]
        expected = (Decimal(fly["wards"][ward["code"]]["value"]) * 1000 / residents[ward["code"]]).quantize(Decimal("0.01"))
        assert Decimal(str(fly["wards"][ward["code"]]["rate"])) == expected
    assert all(len(ward["councillors"]) == ward["seats"] for ward in comparison["wards"])


def test_every_rows_link_finds_the_rows_it_counts(demo, comparison):
    checked = 0
    for asset in ("IAR-0027", "IAR-0028", "IAR-0031"):
        table = table_for(comparison, demo[asset])
        measure = next(m for m in table["measures"] if m["aggregate"] == "count")
        for code in SIX[:3]:
            figure = measure["wards"][code]
            found = requests.get(figure["api_url"], timeout=60).json()["result"]
            assert found["total"] == figure["value"], (asset, code)
            dump = requests.get(figure["rows_url"], timeout=60)
            assert dump.status_code == 200 and len(list(csv.DictReader(io.StringIO(dump.text)))) == figure["value"]
            checked += 1
    assert checked == 9


def test_the_older_table_is_shown_by_its_own_wards_never_mixed(demo, comparison, datastore):
    table = table_for(comparison, demo[OLDER_WARDS])
    rows = datastore.execute(sa.text(f'SELECT count(*) FROM "{table["resource"]["id"]}"')).scalar()
    assert table["older_wards_only"] is True
    assert sum(item["rows"] for item in table["other_wards"]) == rows
    assert {item["name"] for item in table["other_wards"]} >= {"Risbygate", "Northgate"}
    reports = by_name(table["measures"], "reports")
    assert all(reports["wards"][code]["value"] == 0 for code in SIX)
    assert any("cannot be compared ward by ward" in note for note in table["notes"])


def test_the_pages_and_the_csv_show_the_same_figures(portal_url, demo, comparison):
    query = "&".join(f"ward={code}" for code in SIX)
    started = time.monotonic()
    page = requests.get(f"{portal_url}/wards/compare?{query}", timeout=120)
    elapsed = time.monotonic() - started
    assert page.status_code == 200
    assert elapsed < 5, f"a warm comparison page took {elapsed:.1f}s"
    fly = by_name(table_for(comparison, demo["IAR-0027"])["measures"], "reports")
    assert f'{fly["wards"][SIX[0]]["value"]:,} reports' in page.text
    assert "Demonstration data" in page.text and "Link to this comparison" in page.text
    download = requests.get(f"{portal_url}/wards/compare.csv?{query}", timeout=120)
    rows = list(csv.DictReader(io.StringIO(download.text)))
    [cell] = [r for r in rows if r["dataset"] == demo["IAR-0027"]["name"] and r["measure"] == "reports"
              and not r["category"] and r["area_code"] == SIX[0]]
    assert int(cell["value"]) == fly["wards"][SIX[0]]["value"] and cell["synthetic"] == "yes"
    ward_page = requests.get(f"{portal_url}/wards/{SIX[0]}", timeout=120)
    assert ward_page.status_code == 200 and "Abbeygate ward" in ward_page.text
    assert requests.get(f"{portal_url}/wards", timeout=120).status_code == 200
