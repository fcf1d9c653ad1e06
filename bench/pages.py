"""Benchmark the public pages against stock CKAN 2.12, side by side, with 1,000 datasets in both.

  flock /tmp/westsuffolk-portal.lock bash -c '../shared/tools/stock-ckan start && \
      .venv/bin/python bench/pages.py; ../shared/tools/stock-ckan stop'

Ours: $WESTSUFFOLK_PORTAL_URL (default http://127.0.0.1:5000, `make run`) with the token in
var/secrets/sysadmin-token; stock: $STOCK_URL (default http://127.0.0.1:5002) with var/stock-ckan/token.
Each portal gets the same 1,000 datasets (organisation "bench-pages", one small CSV upload each; the
first also has the Spending over £500 example in the DataStore), then for each public page type a
fresh Chromium (cold cache) records every request: bytes over the wire (encoded bodies plus headers,
as the browser received them) and request count; then the median latency of the search and dataset
pages over --rounds sequential requests. Goals: <= 20% of stock's bytes, latency <= 1.05x stock.
The benchmark datasets are purged first and last (--keep leaves them for a rerun).
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import ckanapi
import requests

REPO = Path(__file__).resolve().parents[1]
ORG = "bench-pages"
TAG = "bench-pages"
SAMPLE_CSV = REPO / "schemas" / "examples" / "spend-over-500" / "valid.csv"
CHROMIUM = "/usr/bin/chromium"
COUNCIL_FIELDS = {"contact_name": "Open Data Team", "contact_email": "opendata@westsuffolk.gov.uk",
                  "update_frequency": "quarterly", "personal_data": "none", "spatial_coverage": ["E07000245"],
                  "theme": ["ECON"]}
BYTES_GOAL, LATENCY_GOAL = 0.20, 1.05


@dataclass
class Portal:
    name: str
    url: str
    token: str
    council: bool  # ours: the council dataset schema's fields are required

    def api(self) -> ckanapi.RemoteCKAN:
        return ckanapi.RemoteCKAN(self.url, apikey=self.token)


def portals() -> tuple[Portal, Portal]:
    ours_url = os.environ.get("WESTSUFFOLK_PORTAL_URL", "http://127.0.0.1:5000")
    ours_token = os.environ.get("WESTSUFFOLK_API_TOKEN") or (REPO / "var/secrets/sysadmin-token").read_text().strip()
    stock_url = os.environ.get("STOCK_URL", "http://127.0.0.1:5002")
    stock_token = os.environ.get("STOCK_TOKEN") or (REPO / "var/stock-ckan/token").read_text().strip()
    return Portal("ours", ours_url, ours_token, True), Portal("stock", stock_url, stock_token, False)


# ---- data ---------------------------------------------------------------------------------------

def purge(portal: Portal) -> int:
    with portal.api() as ckan:
        purged = 0
        while True:
            found = ckan.action.package_search(fq=f'tags:"{TAG}"', rows=1000, include_private=True,
                                               fl="id")["results"]
            if not found:
                break
            for dataset in found:
                ckan.action.dataset_purge(id=dataset["id"])
                purged += 1
        return purged


def small_csv(n: int) -> bytes:
    return (f"ref,item,amount\nB{n:05d}-1,Paper,12.50\nB{n:05d}-2,Toner,48.00\n").encode()


def load(portal: Portal, count: int) -> dict:
    """`count` datasets; returns the sample dataset (with the example spending file in the DataStore)."""
    started = time.monotonic()
    with portal.api() as ckan:
        try:
            org = ckan.action.organization_show(id=ORG)
        except ckanapi.NotFound:
            org = ckan.action.organization_create(name=ORG, title="Benchmark service area",
                                                  description="Datasets made by bench/pages.py.")
        sample = None
        for n in range(count):
            fields = {"name": f"{ORG}-{n:04d}", "title": f"Benchmark dataset {n:04d}", "owner_org": org["id"],
                      "notes": f"Benchmark dataset number {n} for bench/pages.py.", "license_id": "uk-ogl",
                      "tags": [{"name": TAG}, {"name": f"group-{n % 20}"}]}
            if portal.council:
                fields.update(COUNCIL_FIELDS)
            dataset = ckan.action.package_create(**fields)
            if n == 0:
                with open(SAMPLE_CSV, "rb") as upload:
                    extra = {"schema": "spend-over-500@1.0.0"} if portal.council else {}
                    resource = ckan.action.resource_create(package_id=dataset["id"], name="April to June 2024",
                                                           format="CSV", upload=upload, **extra)
                rows = SAMPLE_CSV.read_text(encoding="utf-8-sig").splitlines()
                header = rows[0].split(",")
                records = [dict(zip(header, line.split(","), strict=True)) for line in rows[1:]
                           if line.count(",") == len(header) - 1]
                ckan.action.datastore_create(resource_id=resource["id"], force=True, records=records,
                                             fields=[{"id": h, "type": "text"} for h in header])
                ckan.action.resource_create_default_resource_views(
                    resource=ckan.action.resource_show(id=resource["id"]), create_datastore_views=True)
                sample = ckan.action.package_show(id=dataset["id"])
            else:
                ckan.action.resource_create(package_id=dataset["id"], name="Items", format="CSV",
                                            upload=(f"items-{n}.csv", io.BytesIO(small_csv(n))))
            if n and n % 200 == 0:
                print(f"  {portal.name}: {n} datasets ({time.monotonic() - started:.0f}s)", file=sys.stderr)
    return sample


# ---- measuring ----------------------------------------------------------------------------------

def page_paths(sample: dict) -> dict[str, str]:
    resource = sample["resources"][0]
    return {
        "home": "/",
        "search": "/dataset/",
        "search, filtered": "/dataset/?q=benchmark&res_format=CSV",
        "dataset": f"/dataset/{sample['name']}",
        "resource": f"/dataset/{sample['name']}/resource/{resource['id']}",
        "service areas": "/organization/",
        "service area": f"/organization/{ORG}",
        "about": "/about",
    }


def weigh(browser, url: str) -> tuple[int, int]:
    """(bytes over the wire, requests) for one page load in a fresh context (cold cache)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))  # noqa: PLW0108 (a bound builtin is refused)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    total = 0
    for request in finished:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    context.close()
    return total, len(finished)


def latency(url: str, rounds: int) -> float:
    """Median seconds for the HTML alone, as a browser asks for it (compressed if offered)."""
    headers = {"Accept-Encoding": "br, gzip", "Accept": "text/html"}
    session = requests.Session()
    for _ in range(3):
        session.get(url, headers=headers, timeout=60)  # warm up
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = session.get(url, headers=headers, timeout=60)
        response.content  # noqa: B018 - read it all
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark datasets afterwards")
    parser.add_argument("--reuse", action="store_true", help="use datasets a --keep run left")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    pair = portals()
    samples = {}
    for portal in pair:
        if args.reuse:
            with portal.api() as ckan:
                samples[portal.name] = ckan.action.package_show(id=f"{ORG}-0000")
            continue
        print(f"{portal.name}: purged {purge(portal)} old benchmark datasets; loading {args.datasets}",
              file=sys.stderr)
        samples[portal.name] = load(portal, args.datasets)
    try:
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for label in page_paths(samples["ours"]):
                ours = weigh(browser, pair[0].url + page_paths(samples["ours"])[label])
                stock = weigh(browser, pair[1].url + page_paths(samples["stock"])[label])
                rows.append((label, ours, stock))
            browser.close()
        lat = {}
        for label in ("search", "dataset"):
            lat[label] = (latency(pair[0].url + page_paths(samples["ours"])[label], args.rounds),
                          latency(pair[1].url + page_paths(samples["stock"])[label], args.rounds))
    finally:
        if not args.keep:
            for portal in pair:
                print(f"{portal.name}: purged {purge(portal)} benchmark datasets", file=sys.stderr)

    print(f"\nPublic pages, {args.datasets} datasets in each portal, cold cache, 1280x900 Chromium\n")
    print("| page | ours: bytes | ours: requests | stock: bytes | stock: requests | ours / stock bytes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    ok = True
    for label, (ob, orq), (sb, srq) in rows:
        ratio = ob / sb if sb else float("nan")
        ok &= ratio <= BYTES_GOAL and ob <= 300 * 1024
        print(f"| {label} | {ob / 1024:,.0f} KB | {orq} | {sb / 1024:,.0f} KB | {srq} | {ratio:.1%} |")
    print(f"\nMedian latency of the HTML over {args.rounds} sequential requests\n")
    print("| page | ours | stock | ours / stock |")
    print("| --- | ---: | ---: | ---: |")
    for label, (ours, stock) in lat.items():
        ok &= ours <= stock * LATENCY_GOAL
        print(f"| {label} | {ours * 1000:.0f} ms | {stock * 1000:.0f} ms | {ours / stock:.2f}x |")
    print(f"\nGoals (<= {BYTES_GOAL:.0%} of stock's bytes and <= 300 KB per page; latency <= {LATENCY_GOAL}x stock): "
          f"{'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
