"""Scheduled reorders: `run_reorders` at 1,000, 10,000 and 100,000 items (10 items a household), seconds and SQL
queries, and the bulk `seed_demo` that builds the data.

Each size gets a throwaway PostgreSQL database (created and dropped here), filled by `seed_demo --households N
--items 10` (timed: the issue asks for 10,000 households in under a minute). The job then runs 3 times inside a
transaction that is rolled back, so every run decides on the same data; the median is reported. Queries must not
grow with the number of items.

Run: DJANGO_SETTINGS_MODULE=grapefruit.settings_test .venv/bin/python bench/reorders_bench.py [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings_test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from orders import seeding, services  # noqa: E402

ITEMS_PER_HOUSEHOLD = 10
REPEATS = 3


def measure(items: int) -> tuple[float, float, float, int, services.ReorderResult]:
    started = time.monotonic()
    seeding.bulk_households_create(households=items // ITEMS_PER_HOUSEHOLD, items=ITEMS_PER_HOUSEHOLD, seed=5)
    seed_seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings, cpu, queries, result = [], [], 0, services.ReorderResult()
    for _ in range(REPEATS):
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.monotonic(), time.process_time()
            result = services.reorders_run()
            timings.append(time.monotonic() - started)
            cpu.append(time.process_time() - started_cpu)
            queries = len(captured)
            transaction.set_rollback(True)
    return seed_seconds, statistics.median(timings), statistics.median(cpu), queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    options = parser.parse_args()
    original = connection.settings_dict["NAME"]
    rows = []
    for size in options.sizes:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"grapefruit_bench_reorders_{size}"
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                rows.append((size, *measure(size)))
        finally:
            connection.creation.destroy_test_db(original, verbosity=0)
            connection.settings_dict["NAME"] = original

    print("## Scheduled reorders\n")
    print(
        f"`seed_demo --households N --items {ITEMS_PER_HOUSEHOLD}` fills a throwaway PostgreSQL database (about half "
        "the households with auto-reorder on, two months of purchases and prices each); the reorder job then runs "
        f"in-process, median of {REPEATS} runs each rolled back so they decide on the same data. Target: 100,000 "
        "items in at most 5 s, with a number of SQL queries that does not grow with the number of items; seeding "
        "10,000 households in under a minute.\n"
    )
    print(
        "| items | households | seed (s) | run_reorders (s) | of which Python CPU (s) | SQL queries | orders "
        "| lines | skipped |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for size, seed_seconds, seconds, cpu, queries, result in rows:
        skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(result.skipped.items())) or "-"
        print(
            f"| {size:,} | {size // ITEMS_PER_HOUSEHOLD:,} | {seed_seconds:.1f} | {seconds:.2f} | {cpu:.2f} | "
            f"{queries} | {result.orders:,} | {result.lines:,} | {skipped} |"
        )
    print(f"\nLoad average when the run ended (2 cores, shared): {os.getloadavg()[0]:.1f}.")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"\nScaling: {last[0] // first[0]}x the items took {last[2] / first[2]:.1f}x the time "
            f"({last[2] / (last[0] / 1000) * 1000:.1f} ms per 1,000 items at the largest size)."
        )


if __name__ == "__main__":
    main()
