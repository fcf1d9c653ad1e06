"""Benchmark the ward comparison against the running portal (make run): 6 wards over 6 ward-level tables
of N rows each, N growing (default 100,000 then 1,000,000).

  .venv/bin/python bench/wards.py [--rows 100000 1000000] [--keep]

For each size it prints the first (cold) comparison page, which adds the tables up in PostgreSQL, then
the warm page (goal: under 1 s) and the JSON action, and the peak memory (VmHWM) of each gunicorn
worker: it should stay flat as the tables grow, since no rows are read into Python.

Six datasets (organisation "benchmark-wards") are made with the six demo ward-level schemas: a valid
example file uploaded (the portal validates it) and a DataStore table made by datastore_create, then
filled with generated rows by SQL on the DataStore's write connection (the portal's var/run.ini), as
a bulk load would: the API would take an hour for 6 million rows. Ward codes cover the 43 wards, with
some typed in lower case and with spaces. The datasets are purged at the end unless --keep.
Portal and token: $WESTSUFFOLK_PORTAL_URL and $WESTSUFFOLK_API_TOKEN, else http://127.0.0.1:5000 and
var/secrets/sysadmin-token. Run it while holding `flock /tmp/westsuffolk-portal.lock`.
"""
from __future__ import annotations

import argparse
import configparser
import os
import statistics
import time
from pathlib import Path

import ckanapi
import requests
import sqlalchemy as sa

from publish_jobs.settings import API_TOKEN_ENV, PORTAL_URL_ENV
from westsuffolk_core import table_schemas, vocabularies
from westsuffolk_core.datastore_tables import datastore_fields

REPO = Path(__file__).resolve().parents[1]
ORGANISATION = "benchmark-wards"
SCHEMAS = ["fly-tipping-reports", "planning-applications", "missed-bin-collections", "licensed-premises",
           "community-grants", "parking-penalty-charge-notices"]
SIX_WARDS = ["E05012763", "E05012774", "E05012786", "E05012791", "E05012767", "E05012771"]
DEFAULT_SIZES = (100_000, 1_000_000)
WARM_RUNS = 10
GOAL_SECONDS = 1.0
BATCH = 250_000  # rows per INSERT ... SELECT


def portal_settings() -> tuple[str, str]:
    url = os.environ.get(PORTAL_URL_ENV, "http://127.0.0.1:5000")
    token = os.environ.get(API_TOKEN_ENV) or (REPO / "var" / "secrets" / "sysadmin-token").read_text().strip()
    return url, token


def write_engine() -> sa.Engine:
    ini = configparser.RawConfigParser(strict=False)
    ini.read(os.environ.get("CKAN_INI", REPO / "var" / "run.ini"))
    return sa.create_engine(ini.get("app:main", "ckan.datastore.write_url"))


def purge(ckan: ckanapi.RemoteCKAN) -> int:
    found = ckan.action.package_search(fq=f'organization:"{ORGANISATION}"', include_private=True, rows=100)
    for package in found["results"]:
        ckan.action.dataset_purge(id=package["id"])
    return len(found["results"])


def make_tables(ckan: ckanapi.RemoteCKAN) -> dict[str, str]:
    """{schema: resource id}: a public dataset per schema, its example validated, an empty DataStore table."""
    if ORGANISATION not in ckan.action.organization_list():
        ckan.action.organization_create(name=ORGANISATION, title="Benchmark (ward comparison)")
    made = {}
    for schema in SCHEMAS:
        descriptor = table_schemas.get_descriptor(schema)
        dataset = ckan.action.package_create(
            name=f"{ORGANISATION}-{schema}", title=f"Benchmark: {descriptor['title']}", owner_org=ORGANISATION,
            notes="Generated rows for bench/wards.py.", contact_name="Open Data Team",
            contact_email="opendata@westsuffolk.gov.uk", update_frequency="never", personal_data="none",
            data_provenance="synthetic", private=False)
        with open(table_schemas.example_path(schema), "rb") as upload:
            resource = ckan.action.resource_create(
                package_id=dataset["id"], name="bench", schema=table_schemas.latest_ref(schema), upload=upload,
                period_start="2023-04-01", period_end="2024-03-31", format="CSV")
        status = ckan.action.resource_show(id=resource["id"]).get("validation_status")
        if status != "success":
            raise SystemExit(f"the example of {schema} did not pass the portal's validation ({status})")
        if not portal_loaded(ckan, resource["id"]):
            ckan.action.datastore_create(resource_id=resource["id"], fields=datastore_fields(descriptor),
                                         primary_key=descriptor.get("primaryKey", []), force=True)
        made[schema] = resource["id"]
    return made


def portal_loaded(ckan: ckanapi.RemoteCKAN, resource_id: str, seconds: int = 300) -> bool:
    """Whether the portal loaded the checked example into the DataStore itself (a portal that does says so
    in `datastore_load_status`); the rows are added only after that load, which replaces the table."""
    deadline = time.monotonic() + seconds
    while True:
        resource = ckan.action.resource_show(id=resource_id)
        status = resource.get("datastore_load_status")
        if status is None:
            return False
        if status not in ("pending", "loading"):
            if status != "loaded" or not resource.get("datastore_active"):
                raise SystemExit(f"the portal did not load the benchmark table {resource_id}: {status}")
            return True
        if time.monotonic() > deadline:
            raise SystemExit(f"the portal is still loading the benchmark table {resource_id} after {seconds} s")
        time.sleep(1)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join(_literal(v) for v in values) + "]"


def row_expressions(schema: str) -> list[str]:
    """SQL for each column of generated row g: the 43 wards (every 97th code typed " e05…"), the
    schema's allowed values, dates through the year, amounts, unique references."""
    descriptor = table_schemas.get_descriptor(schema)
    wards = vocabularies.wards()
    codes, names = _array([w["gss_code"] for w in wards]), _array([w["name"] for w in wards])
    ward = f"(1 + ((g::bigint * 7919) % {len(wards)})::int)"  # g * 7919 passes 2**31 at 271,000 rows
    keys = set(descriptor.get("primaryKey", []))
    expressions = []
    for k, field in enumerate(descriptor["fields"]):
        name, kind = field["name"], field.get("type", "string")
        enum = field.get("constraints", {}).get("enum")
        if name == "ward_code":
            expressions.append(f"CASE WHEN g % 97 = 13 THEN ' ' || lower(({codes})[{ward}]) ELSE ({codes})[{ward}] END")
        elif name == "ward_name":
            expressions.append(f"({names})[{ward}]")
        elif name in keys:
            expressions.append(f"{_literal(name[:2].upper() + '-')} || g")
        elif enum:
            expressions.append(f"({_array(enum)})[1 + ((g * 31 + {k}) % {len(enum)})]")
        elif kind == "date":
            expressions.append("date '2023-04-01' + ((g * 13) % 366)")
        elif kind == "number":
            expressions.append("round(((g * 37) % 100000) / 100.0, 2)")
        elif kind == "integer":
            expressions.append("(g % 1000)")
        elif kind == "boolean":
            expressions.append("(g % 7 <> 0)")
        elif kind == "year":
            expressions.append("2022")
        else:
            expressions.append(f"{_literal(name[:3])} || (g % 100)")
    return expressions


def fill(engine: sa.Engine, tables: dict[str, str], rows: int) -> float:
    """Grow every table to `rows` rows; returns seconds taken."""
    started = time.perf_counter()
    with engine.begin() as conn:
        for schema, resource_id in tables.items():
            table = '"' + resource_id + '"'
            have = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            columns = ", ".join('"' + f["name"] + '"' for f in table_schemas.get_descriptor(schema)["fields"])
            values = ", ".join(row_expressions(schema))
            conn.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))  # no full-text index for the bench
            for start in range(have + 1, rows + 1, BATCH):
                end = min(start + BATCH - 1, rows)
                conn.execute(sa.text(f"INSERT INTO {table} ({columns}) SELECT {values} "
                                     f"FROM generate_series({start}, {end}) AS g"))
            conn.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            conn.execute(sa.text(f"ANALYZE {table}"))
            # what every DataStore write does: the table's statistics (and so the ward cache) are stale
            conn.execute(sa.text('DELETE FROM "_table_stats" WHERE resource_id = :id'), {"id": resource_id})
    return time.perf_counter() - started


def workers_peak_memory() -> dict[int, tuple[int, int]]:
    """{pid: (VmHWM, VmRSS) in MB} of each gunicorn worker of the portal (var/run/gunicorn.pid)."""
    master = (REPO / "var" / "run" / "gunicorn.pid").read_text().strip()
    found = {}
    for path in Path("/proc").glob("[0-9]*/status"):
        try:
            status = dict(line.split(":", 1) for line in path.read_text().splitlines() if ":" in line)
        except OSError:  # the process ended
            continue
        if status.get("PPid", "").strip() == master and "VmHWM" in status:
            found[int(path.parent.name)] = (int(status["VmHWM"].split()[0]) // 1024,
                                            int(status["VmRSS"].split()[0]) // 1024)
    return found


def timed(session: requests.Session, url: str, **kwargs) -> float:
    started = time.perf_counter()
    response = session.request(kwargs.pop("method", "GET"), url, timeout=600, **kwargs)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rows", type=int, nargs="+", default=list(DEFAULT_SIZES))
    options.add_argument("--keep", action="store_true", help="keep the benchmark datasets afterwards")
    args = options.parse_args()
    url, token = portal_settings()
    ckan = ckanapi.RemoteCKAN(url, apikey=token)
    if requests.get(f"{url}/wards", timeout=60).status_code != 200:
        raise SystemExit(f"{url} has no ward pages: is this worktree's portal the one running (make run)?")
    print(f"Portal {url}: purged {purge(ckan)} datasets from an earlier benchmark")
    tables = make_tables(ckan)
    engine = write_engine()
    page = f"{url}/wards/compare?" + "&".join(f"ward={code}" for code in SIX_WARDS)
    session = requests.Session()
    results = []
    try:
        for rows in sorted(args.rows):
            loaded = fill(engine, tables, rows)
            cold = timed(session, page)
            warm = [timed(session, page) for _ in range(WARM_RUNS)]
            api = [timed(session, f"{url}/api/3/action/westsuffolk_ward_compare", method="POST",
                         json={"wards": SIX_WARDS}) for _ in range(3)]
            memory = workers_peak_memory()
            results.append((rows, cold, statistics.median(warm), max(warm), statistics.median(api), memory))
            print(f"{rows:>9,} rows x {len(tables)} tables (loaded in {loaded:5.1f} s): comparison page cold "
                  f"{cold:6.2f} s, warm median {statistics.median(warm):5.3f} s (max {max(warm):5.3f} s, goal < "
                  f"{GOAL_SECONDS:.0f} s), JSON action warm {statistics.median(api):5.3f} s; workers' peak memory "
                  + ", ".join(f"{peak} MB (now {now} MB)" for peak, now in memory.values()))
    finally:
        if not args.keep:
            print(f"Purged the {purge(ckan)} benchmark datasets again")
            with engine.begin() as conn:  # purging a dataset leaves its DataStore table behind
                for resource_id in tables.values():
                    conn.execute(sa.text(f'DROP TABLE IF EXISTS "{resource_id}"'))
                    conn.execute(sa.text('DELETE FROM "_table_stats" WHERE resource_id = :id'), {"id": resource_id})
    first, last = results[0], results[-1]
    grew = max(peak for peak, _ in last[5].values()) - max(peak for peak, _ in first[5].values())
    verdict = "meets" if last[2] < GOAL_SECONDS else "misses"
    print(f"Warm comparison page at {last[0]:,} rows: {last[2]:.3f} s ({verdict} the {GOAL_SECONDS:.0f} s goal); "
          f"the workers' peak memory grew {grew} MB from {first[0]:,} to {last[0]:,} rows per table")


if __name__ == "__main__":
    main()
