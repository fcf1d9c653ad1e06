"""Benchmark: westsuffolk_core.validation vs plain frictionless.validate.

Run on demand (not a test):  .venv/bin/python bench/validate.py [--sizes 100000 1000000]

Generates valid spend-over-500 files in a temporary directory, validates each
with both, every measurement in a fresh process so peak RSS is per run, and
prints rows/s and peak RSS. Goals: our throughput >= plain frictionless; our
peak memory at the largest size within 1.2x of the smallest.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

SCHEMA_NAME = "spend-over-500"
DEFAULT_SIZES = (100_000, 1_000_000)
MEMORY_GOAL = 1.2
VALIDATORS = ("westsuffolk", "westsuffolk-portal", "frictionless")  # -portal: + personal-data scan

_SAMPLE = {
    "organisation_name": lambda n, r: "West Suffolk Council",
    "organisation_code": lambda n, r: "E07000245",
    "transaction_number": lambda n, r: f"AP-{n:08d}",
    "expenditure_date": lambda n, r: (date(2024, 4, 1) + timedelta(days=n % 365)).isoformat(),
    "service_area": lambda n, r: r.choice(["Operations", "Leisure", "Housing", "Planning"]),
    "expense_type": lambda n, r: r.choice(["Equipment", "Repairs and maintenance", "Consultancy"]),
    "capital_or_revenue": lambda n, r: r.choice(["capital", "revenue"]),
    "beneficiary": lambda n, r: f"Supplier {n % 997} Ltd",
    "beneficiary_company_number": lambda n, r: f"{n % 10**8:08d}" if n % 3 else "",
    "beneficiary_charity_number": lambda n, r: "",
    "purpose": lambda n, r: "Grounds maintenance in council parks",
    "amount": lambda n, r: f"{500 + r.random() * 20000:.2f}",
    "irrecoverable_vat": lambda n, r: "0.00",
}


def load_schema() -> tuple[dict, str]:
    """The published schema's descriptor and reference, from the registry."""
    from westsuffolk_core import table_schemas

    return table_schemas.get_descriptor(SCHEMA_NAME), table_schemas.latest_ref(SCHEMA_NAME)


def generate(path: Path, rows: int, descriptor: dict) -> None:
    names = [field["name"] for field in descriptor["fields"]]
    makers = [_SAMPLE.get(name, lambda n, r: "x") for name in names]
    rng = random.Random(rows)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        writer.writerows([make(n, rng) for make in makers] for n in range(rows))


def measure(validator: str, path: str, schema_path: str) -> dict:
    """One validation in this (fresh) process."""
    descriptor = json.loads(Path(schema_path).read_text())
    if validator.startswith("westsuffolk"):
        from westsuffolk_core.personal_data import AllowList
        from westsuffolk_core.validation import validate_table

        allow = AllowList() if validator == "westsuffolk-portal" else None
        start = time.perf_counter()
        result = validate_table(path, descriptor, personal_data=allow)
        seconds = time.perf_counter() - start
        valid, rows = result.status == "success", result.row_count
    else:
        import frictionless

        start = time.perf_counter()
        schema = frictionless.Schema.from_descriptor(descriptor)
        report = frictionless.validate(Path(path).name, basepath=str(Path(path).parent), schema=schema)
        seconds = time.perf_counter() - start
        valid, rows = report.valid, report.tasks[0].stats.get("rows")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"valid": valid, "rows": rows, "seconds": seconds, "peak_rss_mib": peak_kib / 1024}


def run_fresh(validator: str, path: Path, schema_path: Path) -> dict:
    command = [sys.executable, __file__, "--measure", validator, str(path), str(schema_path)]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--measure", nargs=3, metavar=("VALIDATOR", "FILE", "SCHEMA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return

    descriptor, ref = load_schema()
    results: dict[tuple[str, int], dict] = {}
    with tempfile.TemporaryDirectory(prefix="westsuffolk-bench-") as tmp:
        schema_path = Path(tmp) / "schema.json"
        schema_path.write_text(json.dumps(descriptor))
        print(f"schema: {ref}   python {sys.version.split()[0]}")
        print(f"{'rows':>10} {'MB':>7} {'validator':>18} {'valid':>6} {'seconds':>8} {'rows/s':>9} "
              f"{'peak RSS MiB':>13}")
        for size in args.sizes:
            path = Path(tmp) / f"spend-{size}.csv"
            generate(path, size, descriptor)
            megabytes = path.stat().st_size / 1e6
            for validator in VALIDATORS:
                got = results[validator, size] = run_fresh(validator, path, schema_path)
                assert got["rows"] == size, got
                print(f"{size:>10} {megabytes:>7.1f} {validator:>18} {got['valid']!s:>6} {got['seconds']:>8.1f}"
                      f" {size / got['seconds']:>9.0f} {got['peak_rss_mib']:>13.1f}")
            path.unlink()

    small, large = min(args.sizes), max(args.sizes)
    ours_speed = [results["westsuffolk", s]["seconds"] / results["frictionless", s]["seconds"] for s in args.sizes]
    growth = results["westsuffolk", large]["peak_rss_mib"] / results["westsuffolk", small]["peak_rss_mib"]
    print(f"time ours / frictionless: {', '.join(f'{r:.2f}' for r in ours_speed)} (goal <= 1.00)")
    portal = [results["westsuffolk-portal", s]["seconds"] / results["frictionless", s]["seconds"] for s in args.sizes]
    print(f"time ours with the portal's personal-data scan / frictionless: {', '.join(f'{r:.2f}' for r in portal)}")
    print(f"our peak RSS {large} rows / {small} rows: {growth:.2f}x (goal <= {MEMORY_GOAL}x)")


if __name__ == "__main__":
    main()
