"""Read benchmarks: this portal against stock CKAN 2.12 + ckanext-dcat on the same 1,000 datasets.

  flock /tmp/westsuffolk-portal.lock sh -c \
    '../shared/tools/stock-ckan start && .venv/bin/python bench/reads.py; ../shared/tools/stock-ckan stop'

Both sites get the same benchmark datasets (organisation "bench-reads", one CSV link each; ours with the
council fields, stock with the same facts as extras), made once and kept (--purge removes them). Then,
interleaved round by round so drift hits both alike: package_search median (with facets), full
/catalog.ttl traversal per dataset, package_show median, and 50 concurrent API clients (throughput,
p95, errors). Prints both sites and the ratios ours/stock (times: lower is better; throughput: higher).
--cold adds a fresh ext_ parameter to every request, so no whole-answer cache answers them (the catalogue's
per-dataset DCAT fragments still serve: they are keyed by the dataset, not the request).
Tokens: var/secrets/sysadmin-token (ours) and var/stock-ckan/token (stock), or --ours-token/--stock-token.
"""
from __future__ import annotations

import argparse
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
ORGANISATION = "bench-reads"
EU = "http://publications.europa.eu/resource/authority/"
HYDRA_NEXT = "hydra:next"
COLD: dict[str, str] = {}  # --cold: a fresh ext_ parameter per request, so no cache can answer


@dataclass
class Site:
    name: str
    url: str
    token: str
    council: bool  # our dataset schema (else stock CKAN's, with extras)
    samples: dict[str, list[float]] = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session)

    def action(self, action: str, method: str = "get", **data):
        call = self.session.post if method == "post" else self.session.get
        kwargs = {"json": data} if method == "post" else {"params": data}
        response = call(f"{self.url}/api/3/action/{action}", headers={"Authorization": self.token}, timeout=120,
                        **kwargs)
        if not response.ok:
            raise RuntimeError(f"{self.name} {action}: HTTP {response.status_code} {response.text[:500]}")
        return response.json()["result"]

    def add(self, metric: str, value: float) -> None:
        self.samples.setdefault(metric, []).append(value)


def dataset(site: Site, n: int) -> dict:
    common = {"name": f"bench-reads-{n:04d}", "title": f"Benchmark spending {n}", "owner_org": ORGANISATION,
              "notes": f"Payments over £500, benchmark dataset {n}.", "license_id": "uk-ogl",
              "resources": [{"name": "2024-Q3", "url": f"http://127.0.0.1:9/bench-{n}.csv", "format": "CSV",
                             "description": "The quarter's payments."}]}
    facts = {"contact_name": "Finance Transparency Team", "contact_email": "transparency@westsuffolk.gov.uk",
             "temporal_start": "2024-07-01", "temporal_end": "2024-09-30"}
    if site.council:
        return {**common, **facts, "tag_string": "spending,transparency", "update_frequency": "quarterly",
                "personal_data": "none", "spatial_coverage": ["E07000245"], "theme": ["GOVE", "ECON"],
                "transparency_code_category": "spend-over-500"}
    extras = {**facts, "frequency": EU + "frequency/QUARTERLY", "theme": f'["{EU}data-theme/GOVE"]',
              "spatial_uri": "http://statistics.data.gov.uk/id/statistical-geography/E07000245"}
    return {**common, "tags": [{"name": "spending"}, {"name": "transparency"}],
            "extras": [{"key": k, "value": v} for k, v in extras.items()]}


def ensure_datasets(site: Site, count: int) -> None:
    if ORGANISATION not in site.action("organization_list"):
        site.action("organization_create", "post", name=ORGANISATION, title="Benchmark (reads)")
    have = set(site.action("package_list", limit=100_000))
    indexed = {d["name"] for d in site.action("package_search", fq=f"organization:{ORGANISATION}", rows=1000,
                                              fl="name", include_private=True)["results"]}
    unindexed = [f"bench-reads-{n:04d}" for n in range(count) if f"bench-reads-{n:04d}" in have - indexed]
    with ThreadPoolExecutor(4) as pool:  # in the database but not in Solr (a rebuilt core): index them again
        list(pool.map(lambda name: site.action("package_patch", "post", id=name), unindexed))
    missing = [n for n in range(count) if f"bench-reads-{n:04d}" not in have]
    for n in missing[:1]:  # alone first: parallel creates of the same new tags would collide
        site.action("package_create", "post", **dataset(site, n))
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: site.action("package_create", "post", **dataset(site, n)), missing[1:]))
    print(f"{site.name}: {count - len(missing)} benchmark datasets there ({len(unindexed)} indexed again), "
          f"{len(missing)} made")
    found = site.action("package_search", q="benchmark spending", rows=0)["count"]
    if found < count:  # a search that finds nothing is fast: never compare against that
        raise SystemExit(f"{site.name}: the search finds {found} of the {count} benchmark datasets")


def purge(site: Site) -> None:
    while True:
        found = site.action("package_search", fq=f"organization:{ORGANISATION}", rows=1000, include_private=True)
        if not found["results"]:
            return
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda d: site.action("dataset_purge", "post", id=d["id"]), found["results"]))


def bust() -> dict[str, str]:
    return {"ext_bench": str(random.random())} if COLD else {}


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def search(site: Site) -> None:
    anonymous = requests.Session()
    params = {"q": "benchmark spending", "rows": 20, "facet.field": '["organization","tags","res_format","license_id"]',
              **bust()}
    site.add("search", timed(lambda: anonymous.get(f"{site.url}/api/3/action/package_search", params=params,
                                                   timeout=60).raise_for_status()))


def show(site: Site, count: int) -> None:
    name = f"bench-reads-{random.randrange(count):04d}"
    site.add("show", timed(lambda: requests.get(f"{site.url}/api/3/action/package_show",
                                                params={"id": name, **bust()}, timeout=60).raise_for_status()))


def catalogue(site: Site) -> None:
    """Every page of /catalog.ttl; the time per dataset listed."""
    session, page, seen, total = requests.Session(), 1, 0, 0.0
    while True:
        started = time.perf_counter()
        response = session.get(f"{site.url}/catalog.ttl", params={"page": page, **bust()}, timeout=300)
        total += time.perf_counter() - started
        response.raise_for_status()
        listed = response.text.count("a dcat:Dataset")
        seen += listed
        if HYDRA_NEXT not in response.text or listed == 0:
            break
        page += 1
    site.add("catalogue", total / max(seen, 1))


def concurrent(site: Site, count: int, clients: int, seconds: float) -> None:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            if random.random() < 0.3:
                url, params = f"{site.url}/api/3/action/package_search", {"q": "spending", "rows": 10, **bust()}
            else:
                name = f"bench-reads-{random.randrange(count):04d}"
                url, params = f"{site.url}/api/3/action/package_show", {"id": name, **bust()}
            started = time.perf_counter()
            try:
                ok = session.get(url, params=params, timeout=60).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    site.add("throughput", len(latencies) / elapsed)
    site.add("p95", statistics.quantiles(latencies, n=20)[18])
    site.add("errors", errors[0])


ROWS = [("search", "package_search median (ms)", 1000, "median"),
        ("catalogue", "/catalog.ttl per dataset (ms)", 1000, "median"),
        ("show", "package_show median (ms)", 1000, "median"),
        ("throughput", "50 clients: requests/s", 1, "median"),
        ("p95", "50 clients: p95 (ms)", 1000, "median"),
        ("errors", "50 clients: errors", 1, "sum")]


def report(ours: Site, stock: Site) -> None:
    print(f"\n{'':34} {'ours':>10} {'stock':>10} {'ours/stock':>11}")
    for key, label, scale, how in ROWS:
        pick = sum if how == "sum" else statistics.median
        a, b = pick(ours.samples[key]) * scale, pick(stock.samples[key]) * scale
        ratio = f"{a / b:10.2f}x" if b else "-"
        print(f"{label:34} {a:10.2f} {b:10.2f} {ratio:>11}")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--ours", default="http://127.0.0.1:5000")
    options.add_argument("--stock", default="http://127.0.0.1:5002")
    options.add_argument("--ours-token", default=None)
    options.add_argument("--stock-token", default=None)
    options.add_argument("--datasets", type=int, default=1000)
    options.add_argument("--rounds", type=int, default=5)
    options.add_argument("--requests", type=int, default=10, help="search and show requests per round")
    options.add_argument("--clients", type=int, default=50)
    options.add_argument("--seconds", type=float, default=10.0, help="length of each concurrent run")
    options.add_argument("--purge", action="store_true", help="remove the benchmark datasets afterwards")
    options.add_argument("--cold", action="store_true", help="defeat caches: every request is a new one")
    args = options.parse_args()
    if args.cold:
        COLD["on"] = "yes"
    ours_token = args.ours_token or (REPO / "var/secrets/sysadmin-token").read_text().strip()
    stock_token = args.stock_token or (REPO / "var/stock-ckan/token").read_text().strip()
    ours = Site("ours", args.ours.rstrip("/"), ours_token, council=True)
    stock = Site("stock", args.stock.rstrip("/"), stock_token, council=False)
    for site in (ours, stock):
        ensure_datasets(site, args.datasets)
    for site in (ours, stock):  # warm both up (templates, caches, connection pools)
        catalogue(site)
        site.samples.clear()
    for round_ in range(args.rounds):
        order = (ours, stock) if round_ % 2 == 0 else (stock, ours)
        for site in order:
            for _ in range(args.requests):
                search(site)
                show(site, args.datasets)
            catalogue(site)
            concurrent(site, args.datasets, args.clients, args.seconds)
        print(f"round {round_ + 1}/{args.rounds} done")
    report(ours, stock)
    if args.purge:
        for site in (ours, stock):
            purge(site)


if __name__ == "__main__":
    main()
