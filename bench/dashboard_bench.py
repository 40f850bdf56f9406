"""Inventory dashboard: server time and SQL queries for a household with 2,000 items.

Fills a throwaway PostgreSQL database (created and dropped here) with one household of 2,000 items (encrypted
names, a forecast on each, a journal on a tenth of them), then times the dashboard through Django's test client
in this process: request in, HTML out, no network. Medians over repeated requests after a warm-up.

Run: DJANGO_SETTINGS_MODULE=grapefruit.settings_test .venv/bin/python bench/dashboard_bench.py [--items 2000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from grapefruit.models import Household, Membership, User  # noqa: E402
from inventory.categories import Category  # noqa: E402
from inventory.models import Item, StockEvent  # noqa: E402

PAGES = [
    ("all items, by run-out", {}),
    ("low only", {"low": "1"}),
    ("search by name", {"q": "milk"}),
    ("sorted by name, page 5", {"sort": "name", "page": "5"}),
]
WORDS = ["milk", "rice", "coffee", "apples", "pasta", "yogurt", "butter", "flour", "tea", "beans", "soap"]


def fill(items: int) -> User:
    rng = random.Random(3)
    household = Household.objects.create(name="Bench household")
    user = User.objects.create_user("bench", password="bench-password-not-secret")  # noqa: S106
    Membership.objects.create(user=user, household=household, role=Membership.Role.OWNER)
    today = timezone.localdate()
    rows = [
        Item(
            household=household,
            name=f"{rng.choice(WORDS)} {n}",
            category=rng.choice(Category.values),
            unit="pcs",
            quantity=Decimal(rng.randint(0, 20)),
            predicted_runout=today + timedelta(days=rng.randint(0, 40)) if rng.random() < 0.8 else None,
            rate_per_day=Decimal("0.5"),
            forecast_reason="about 0.5 pcs/day over the last 6 weeks",
        )
        for n in range(items)
    ]
    Item.objects.bulk_create(rows, batch_size=500)
    now = timezone.now()
    events = [
        StockEvent(
            item=item, kind="consume", delta=Decimal(-1), quantity_after=item.quantity, actor=user, at=now
        )
        for item in rows[: items // 10]
        for _ in range(20)
    ]
    StockEvent.objects.bulk_create(events, batch_size=1000)
    return user


def measure(client: Client, params: dict[str, str], repeats: int) -> tuple[float, float, int]:
    client.get("/", params)  # warm-up: templates compiled, connection open
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get("/", params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/", params)
    return statistics.median(timings), statistics.quantiles(timings, n=10)[-1], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=25)
    options = parser.parse_args()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "grapefruit_bench_dashboard"
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ALLOWED_HOSTS=["127.0.0.1"], DEBUG=False):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(fill(options.items))
            results = [(label, *measure(client, params, options.repeats)) for label, params in PAGES]
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)

    print("## Inventory dashboard\n")
    print(
        f"One household with {options.items} items (encrypted names, a forecast on each), the dashboard rendered "
        f"through Django's test client in-process on PostgreSQL: server time only, median and 90th percentile "
        f"of {options.repeats} requests after a warm-up. Pages show 100 rows; search and sorting by name run "
        "after decrypting every name, since the database holds only ciphertext.\n"
    )
    print("| page | median (ms) | p90 (ms) | SQL queries |")
    print("|---|---:|---:|---:|")
    for label, median, p90, queries in results:
        print(f"| {label} | {median:.1f} | {p90:.1f} | {queries} |")


if __name__ == "__main__":
    main()
