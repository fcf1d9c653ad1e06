"""Load: many anonymous visitors at once on the search, dataset and DataStore pages, while officers upload.

  flock /tmp/westsuffolk-portal.lock bash -c 'make run && .venv/bin/python bench/load.py'

For each level of --clients (default 50 and 200) the visitors loop for --duration seconds (default 120),
each with its own connection, no pause between requests: the dataset search page (a random word), a
dataset page, a resource page with its DataStore preview, and the DataStore API (datastore_search, as the
preview's table asks for rows). Meanwhile --officers (default 5) officers, each with their own account and
API token and dataset, upload a small spending file (validated against its schema while they wait), then
delete it, again and again.
Reported per level: requests, errors (a 4xx/5xx answer or no answer within --timeout), p50/p95/max
latency per page and for the uploads, requests per second; and the resident memory (RSS) of each gunicorn
worker sampled every 5 seconds (start, highest, end): flat means no growth across the run.

Portal: $WESTSUFFOLK_PORTAL_URL (default http://127.0.0.1:5000) with the sysadmin token from
$WESTSUFFOLK_API_TOKEN or var/secrets/sysadmin-token; the demo content (`make run`) is what is read.
The officers' accounts, their service area and uploads are made first and purged at the end.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import ckanapi
import requests

REPO = Path(__file__).resolve().parents[1]
ORG = "bench-load"
SAMPLE_CSV = (REPO / "schemas" / "examples" / "spend-over-500" / "valid.csv").read_bytes()
WORDS = ["spending", "council", "ward", "planning", "waste", "parking", "housing", "contracts", "data", "2024"]
COUNCIL_FIELDS = {"notes": "Load benchmark uploads.", "contact_name": "Open Data Team",
                  "contact_email": "opendata@westsuffolk.gov.uk", "update_frequency": "quarterly",
                  "personal_data": "none"}


def settings() -> tuple[str, str]:
    url = os.environ.get("WESTSUFFOLK_PORTAL_URL", "http://127.0.0.1:5000").rstrip("/")
    token = os.environ.get("WESTSUFFOLK_API_TOKEN") or (REPO / "var/secrets/sysadmin-token").read_text().strip()
    return url, token


def targets(anonymous: ckanapi.RemoteCKAN) -> dict[str, list[str]]:
    """Public pages of the portal's content: dataset pages, and resource pages of DataStore tables."""
    found = anonymous.action.package_search(rows=1000, fq=f"-organization:{ORG}")["results"]
    datasets = [f"/dataset/{d['name']}" for d in found]
    tables = [(d["name"], r["id"]) for d in everything(anonymous) for r in d.get("resources", [])
              if str(r.get("datastore_active")).lower() == "true"]
    if not datasets or not tables:
        sys.exit("the portal has no public datasets or no public DataStore tables: run `make run` (demo content) first")
    return {"dataset": datasets, "datastore_page": [f"/dataset/{n}/resource/{r}" for n, r in tables],
            "datastore_api": [f"/api/3/action/datastore_search?resource_id={r}&limit=10&offset={o}"
                              for _, r in tables for o in (0, 10, 100)],
            "search": [f"/dataset/?q={w}" for w in WORDS] + ["/dataset/", "/dataset/?page=2"]}


def everything(anonymous: ckanapi.RemoteCKAN) -> list[dict]:
    """Every public dataset, page by page."""
    found, start = [], 0
    while True:
        page = anonymous.action.package_search(rows=1000, start=start, fq=f"-organization:{ORG}")["results"]
        found += page
        if len(page) < 1000:
            return found
        start += 1000


class Officers:
    """Officers of the benchmark's service area, each with an API token, and a dataset to upload into."""

    def __init__(self, ckan: ckanapi.RemoteCKAN, count: int) -> None:
        self.ckan = ckan
        self.purge()
        org = ckan.action.organization_create(name=ORG, title="Load benchmark")
        self.officers = []  # (token, the dataset the officer uploads into: one each, as each keeps their own)
        self.names = []
        run = secrets.token_hex(3)  # deleted users keep their names: new ones each run
        for n in range(count):
            name = f"{ORG}-officer-{run}-{n}"
            self.names.append(name)
            ckan.action.user_create(name=name, email=f"{name}@example.org", password=secrets.token_urlsafe(18))
            ckan.action.organization_member_create(id=org["id"], username=name, role="editor")
            dataset = ckan.action.package_create(name=f"{ORG}-uploads-{n}", title=f"Load benchmark uploads {n}",
                                                 owner_org=org["id"], **COUNCIL_FIELDS)
            self.officers.append((ckan.action.api_token_create(user=name, name="bench")["token"], dataset["id"]))

    def purge(self) -> None:
        try:
            for dataset in self.ckan.action.package_search(fq=f"organization:{ORG}", include_private=True,
                                                           rows=1000)["results"]:
                self.ckan.action.dataset_purge(id=dataset["id"])
            self.ckan.action.organization_purge(id=ORG)
        except ckanapi.NotFound:
            pass
        for name in getattr(self, "names", []):
            self.ckan.action.user_delete(id=name)


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: dict[str, str] = {}

    def add(self, kind: str, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            if problem:
                self.errors[kind] += 1
                self.examples.setdefault(kind, problem)


def visitor(base: str, pages: dict[str, list[str]], stop: float, record: Recorder, timeout: float) -> None:
    session = requests.Session()
    kinds = list(pages)
    while time.monotonic() < stop:
        kind = random.choice(kinds)
        started = time.monotonic()
        try:
            response = session.get(base + random.choice(pages[kind]), timeout=timeout)
            problem = None if response.status_code < 400 else f"HTTP {response.status_code}"
            response.content  # noqa: B018 - read the whole body, as a browser does
        except requests.RequestException as error:
            problem = type(error).__name__
        record.add(kind, time.monotonic() - started, problem)


def officer(base: str, token: str, dataset_id: str, stop: float, record: Recorder, timeout: float) -> None:
    session = requests.Session()
    session.headers["Authorization"] = token
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            response = session.post(f"{base}/api/3/action/resource_create", timeout=timeout, data={
                "package_id": dataset_id, "name": "Spending upload", "schema": "spend-over-500@1.0.0"},
                files={"upload": ("spend.csv", io.BytesIO(SAMPLE_CSV), "text/csv")})
            problem = None if response.status_code == 200 else f"HTTP {response.status_code}: {response.text[:200]}"
            if problem is None:  # keep the dataset small: each officer's upload is removed again
                deleted = session.post(f"{base}/api/3/action/resource_delete", timeout=timeout,
                                       json={"id": response.json()["result"]["id"]})
                problem = None if deleted.status_code == 200 else f"delete: HTTP {deleted.status_code}"
        except requests.RequestException as error:
            problem = type(error).__name__
        record.add("officer_upload", time.monotonic() - started, problem)


def gunicorn_workers() -> dict[int, str]:
    """pid -> command line of every gunicorn worker serving the portal: children of the gunicorn master
    bound to the portal's address (not the test portal's, which may run beside it)."""
    bind = settings()[0].split("://", 1)[1]
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True, check=True).stdout
    procs = [line.split(None, 2) for line in out.splitlines() if "gunicorn" in line and "ckanext.westsuffolk" in line]
    masters = {int(pid) for pid, _, args in procs if f"--bind {bind}" in args}
    return {int(pid): args for pid, ppid, args in procs if int(ppid) in masters}


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def sample_memory(stop: float, samples: dict[int, list[float]], interval: float = 5.0) -> None:
    while True:
        for pid in gunicorn_workers():
            value = rss_mb(pid)
            if value is not None:
                samples[pid].append(value)
        if time.monotonic() >= stop:
            return
        time.sleep(interval)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def run_level(base: str, pages: dict, officers: Officers, clients: int, duration: float, timeout: float) -> dict:
    record, memory = Recorder(), defaultdict(list)
    stop = time.monotonic() + duration
    threads = [threading.Thread(target=visitor, args=(base, pages, stop, record, timeout)) for _ in range(clients)]
    threads += [threading.Thread(target=officer, args=(base, token, dataset_id, stop, record, timeout))
                for token, dataset_id in officers.officers]
    threads.append(threading.Thread(target=sample_memory, args=(stop, memory)))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"record": record, "memory": memory, "elapsed": time.monotonic() - started}


def report(clients: int, officers: int, result: dict) -> None:
    record, elapsed = result["record"], result["elapsed"]
    total = sum(len(v) for v in record.latency.values())
    errors = sum(record.errors.values())
    print(f"\n== {clients} anonymous clients + {officers} officers uploading, {elapsed:.0f} s: "
          f"{total} requests, {total / elapsed:.1f}/s, {errors} errors")
    print(f"{'page':<16}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind in sorted(record.latency):
        values = record.latency[kind]
        print(f"{kind:<16}{len(values):>9}{record.errors[kind]:>8}{statistics.median(values) * 1000:>9.0f}"
              f"{pct(values, 0.95) * 1000:>9.0f}{max(values) * 1000:>9.0f}")
    for kind, example in record.examples.items():
        print(f"  first error on {kind}: {example}")
    print(f"{'gunicorn worker':<16}{'samples':>9}{'start MB':>10}{'max MB':>9}{'end MB':>9}{'growth':>9}")
    for pid, values in sorted(result["memory"].items()):
        print(f"pid {pid:<12}{len(values):>9}{values[0]:>10.0f}{max(values):>9.0f}{values[-1]:>9.0f}"
              f"{values[-1] - values[0]:>+9.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--officers", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    base, token = settings()
    with ckanapi.RemoteCKAN(base, apikey=token) as ckan, ckanapi.RemoteCKAN(base) as anonymous:
        pages = targets(anonymous)
        officers = Officers(ckan, args.officers)
        try:
            print(f"portal {base}: {len(pages['dataset'])} datasets, {len(pages['datastore_page'])} DataStore "
                  f"tables; gunicorn workers {sorted(gunicorn_workers())}")
            failed = False
            for clients in args.clients:
                result = run_level(base, pages, officers, clients, args.duration, args.timeout)
                report(clients, args.officers, result)
                failed |= any(result["record"].errors.values())
        finally:
            officers.purge()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
