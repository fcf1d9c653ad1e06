"""A large upload through the running portal (make run): checked and loaded in the background, with
the progress the officer sees on the validation report (westsuffolk_resource_validation_show).

  .venv/bin/python bench/large_upload.py [--rows 1000000]

Prints: how long the upload request took (the officer is not kept waiting), each progress step the
report showed while checking and loading, the total time to a queryable table, rows/s, and the
datastore_search total. Needs the portal's jobs worker (make run starts it). Portal and token as in
bench/publish.py; the benchmark dataset (organisation "benchmark") is purged afterwards.
"""
from __future__ import annotations

import argparse
import io
import time

import ckanapi
from publish import ORGANISATION, portal_settings, purge_previous, spend_rows

from publish_jobs.prepare import to_csv
from westsuffolk_core import table_schemas

SCHEMA = "spend-over-500"


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rows", type=int, default=1_000_000)
    options.add_argument("--poll", type=float, default=1.0, help="seconds between progress reads")
    args = options.parse_args()
    url, token = portal_settings()
    ckan = ckanapi.RemoteCKAN(url, apikey=token)
    purge_previous(ckan)
    org = ORGANISATION.lower()
    if org not in ckan.action.organization_list():
        ckan.action.organization_create(name=org, title=ORGANISATION)
    package = ckan.action.package_create(
        name=f"benchmark-large-load-{int(time.time())}", title="Benchmark large load", owner_org=org,
        notes="Benchmark data.",
        contact_name="Open Data Team", contact_email="opendata@westsuffolk.gov.uk", update_frequency="quarterly",
        personal_data="none", private=True)
    header, data = spend_rows(args.rows, "LOAD")
    body = to_csv(header, data)
    print(f"Portal {url}: uploading {args.rows:,} rows ({len(body) / 1e6:.0f} MB)")
    started = time.perf_counter()
    resource = ckan.action.resource_create(package_id=package["id"], name="large", format="CSV",
                                           schema=table_schemas.latest_ref(SCHEMA),
                                           upload=("large.csv", io.BytesIO(body)))
    answered = time.perf_counter() - started
    print(f"Upload answered in {answered:.1f} s: check {resource.get('validation_status')}, "
          f"DataStore {resource.get('datastore_load_status')} (the rest runs in the background)")
    seen: list[str] = []
    while True:
        record = ckan.action.westsuffolk_resource_validation_show(id=resource["id"])
        load = record.get("datastore") or {}
        checked = f" ({record['rows_checked']:,} rows so far)" if record.get("rows_checked") else ""
        load_status = f"DataStore {load.get('status', 'pending')}: {load.get('message', '')}"
        step = f"check {record['status']}{checked}; {load_status}"
        if not seen or seen[-1] != step:
            seen.append(step)
            print(f"  {time.perf_counter() - started:7.1f} s  {step}")
        if (load.get("status") in ("loaded", "not-loaded", "failed") and load.get("fingerprint") == record.get(
                "fingerprint")) or record["status"] in ("failure", "error"):
            break
        time.sleep(args.poll)
    total = time.perf_counter() - started
    found = ckan.action.datastore_search(resource_id=resource["id"], limit=0)["total"]
    print(f"Queryable after {total:.1f} s: {found:,} rows in datastore_search, {args.rows / total:,.0f} rows/s "
          f"end to end, {len(seen)} progress steps shown")
    print(f"Purged {purge_previous(ckan)} benchmark datasets")


if __name__ == "__main__":
    main()
