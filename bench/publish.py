"""Benchmark the publish jobs against the running portal (make run).

  .venv/bin/python bench/publish.py [--assets 200] [--rows 20] [--datastore-rows 2000]

Prints: first-run time for a generated register, the no-op rerun time (goal: at most 10% of the
first run), and the speed in rows/s of an upload checked and loaded into the DataStore by the portal
(which loads every checked table; the publish jobs wait for it). Portal and token: $WESTSUFFOLK_PORTAL_URL and
$WESTSUFFOLK_API_TOKEN, else http://127.0.0.1:5000 and var/secrets/sysadmin-token.
Benchmark datasets (asset ids IAR-8000 upwards, organisation "benchmark") are purged first and last.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ckanapi

from publish_jobs.prepare import to_csv
from publish_jobs.register import register_schema
from publish_jobs.settings import API_TOKEN_ENV, LOCK_FILE_ENV, PORTAL_URL_ENV
from westsuffolk_core import table_schemas

REPO = Path(__file__).resolve().parents[1]
FIRST_ID = 8000
ORGANISATION = "Benchmark"
SCHEMA = "spend-over-500"


def portal_settings() -> tuple[str, str]:
    url = os.environ.get(PORTAL_URL_ENV, "http://127.0.0.1:5000")
    token = os.environ.get(API_TOKEN_ENV) or (REPO / "var" / "secrets" / "sysadmin-token").read_text().strip()
    return url, token


def spend_rows(count: int, prefix: str) -> tuple[list[str], list[list[str]]]:
    schema = table_schemas.get_descriptor(SCHEMA)
    header = [f["name"] for f in schema["fields"]]
    rows = []
    for n in range(count):
        row = dict.fromkeys(header, "")
        row.update(organisation_name="West Suffolk Council", organisation_code="E07000245",
                   transaction_number=f"{prefix}-{n:06d}", expenditure_date=f"2024-07-{1 + n % 28:02d}",
                   service_area="Operations", expense_type="Vehicle fuel", capital_or_revenue="revenue",
                   beneficiary="Abbeygate Fuel Cards Ltd", purpose="Fuel for refuse collection vehicles",
                   amount=f"{500 + n % 9000}.25", irrecoverable_vat="0")
        rows.append([row[h] for h in header])
    return header, rows


def write_register(folder: Path, assets: int, rows: int) -> Path:
    (folder / "extracts").mkdir()
    names = register_schema().field_names
    with (folder / "register.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, names)
        writer.writeheader()
        for n in range(assets):
            asset_id = f"IAR-{FIRST_ID + n:04d}"
            header, data = spend_rows(rows, asset_id)
            (folder / "extracts" / f"{asset_id}.csv").write_bytes(to_csv(header, data))
            writer.writerow({
                **dict.fromkeys(names, ""), "asset_id": asset_id, "title": f"Benchmark spending {n}",
                "description": "Benchmark data.", "service_area": ORGANISATION,
                "information_asset_owner": "Head of Digital", "source_system": "bench",
                "extract_location": f"extracts/{asset_id}.csv", "table_schema": SCHEMA,
                "publication_status": "approved", "personal_data": "none", "update_frequency": "quarterly",
                "spatial_coverage": "E07000245", "last_reviewed": "2024-10-01",
                "contact_email": "opendata@westsuffolk.gov.uk", "period": "2024-Q3", "data_provenance": "synthetic",
            })
    return folder / "register.csv"


def purge_previous(ckan: ckanapi.RemoteCKAN) -> int:
    found = ckan.action.package_search(fq=f'organization:"{ORGANISATION.lower()}"', include_private=True, rows=1000)
    for package in found["results"]:
        ckan.action.dataset_purge(id=package["id"])
    return len(found["results"])


def timed_run(register: Path, url: str, token: str, folder: Path) -> tuple[float, dict]:
    report = folder / "report.json"
    env = {**os.environ, PORTAL_URL_ENV: url, API_TOKEN_ENV: token, LOCK_FILE_ENV: str(folder / "lock")}
    started = time.perf_counter()
    process = subprocess.run([sys.executable, "-m", "publish_jobs.cli", "run", "--register", str(register),
                              "--report", str(report)], env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"publish run failed ({process.returncode}):\n{process.stderr[-3000:]}\n{process.stdout[-3000:]}")
    return elapsed, json.loads(report.read_text())["summary"]


def datastore_speed(ckan: ckanapi.RemoteCKAN, rows: int) -> float:
    """Rows per second of the portal's own loader: upload a checked CSV, wait until it is loaded."""
    package = ckan.action.package_search(fq=f'organization:"{ORGANISATION.lower()}"', include_private=True,
                                         rows=1)["results"][0]
    header, data = spend_rows(rows, "DS")
    started = time.perf_counter()
    resource = ckan.action.resource_create(package_id=package["id"], name="datastore-bench", format="CSV",
                                           schema=table_schemas.latest_ref(SCHEMA),
                                           upload=("datastore-bench.csv", io.BytesIO(to_csv(header, data))))
    while resource.get("datastore_load_status") in ("pending", "loading"):
        time.sleep(0.2)
        resource = ckan.action.resource_show(id=resource["id"])
    if resource.get("datastore_load_status") != "loaded":
        sys.exit(f"the portal did not load the benchmark table: {resource.get('datastore_load_status')}")
    return rows / (time.perf_counter() - started)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--assets", type=int, default=200)
    options.add_argument("--rows", type=int, default=20, help="rows per generated extract")
    options.add_argument("--datastore-rows", type=int, default=5000)
    args = options.parse_args()
    url, token = portal_settings()
    ckan = ckanapi.RemoteCKAN(url, apikey=token)
    print(f"Portal {url}: purged {purge_previous(ckan)} datasets from an earlier benchmark")
    with tempfile.TemporaryDirectory(prefix="westsuffolk-bench-") as tmp:
        folder = Path(tmp)
        register = write_register(folder, args.assets, args.rows)
        first, first_summary = timed_run(register, url, token, folder)
        print(f"First run:  {args.assets} assets x {args.rows} rows in {first:7.1f} s "
              f"({first / args.assets:.2f} s per asset, {first_summary['writes']} writes, "
              f"{first_summary['changed']} changed)")
        rerun, rerun_summary = timed_run(register, url, token, folder)
        print(f"No-op rerun: {rerun:6.1f} s = {100 * rerun / first:.1f}% of the first run "
              f"(goal <= 10%), {rerun_summary['writes']} writes, {rerun_summary['changed']} changed")
    speed = datastore_speed(ckan, args.datastore_rows)
    print(f"Upload, check and DataStore load of {args.datastore_rows:,} rows: {speed:8.0f} rows/s")
    print(f"Purged the {purge_previous(ckan)} benchmark datasets again, leaving the portal as it was")


if __name__ == "__main__":
    main()
