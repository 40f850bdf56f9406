"""Member pages at 2,000 items, each timed against a bare signed-in page in the same run.

Fills a throwaway PostgreSQL database (created and dropped here) with one household of 2,000 items (bench/
pages_data.py: encrypted names, a forecast on each, a year of journal on one, a year of prices, a cart, a 40-line
receipt waiting for review, an audit log, LLM calls). Every page is then rendered through Django's test client in
this process (request in, HTML out, the full middleware stack, DEBUG off, no network), alternating with the floor:
a signed-in page that renders only the site's layout through the same middleware. The ratio of each pair is
taken, and the median ratio is what the target is checked against, so the machine's noise mostly cancels out.

Run: DJANGO_SETTINGS_MODULE=grapefruit.settings_test .venv/bin/python bench/pages_bench.py [--items 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from bench.pages_data import BenchHousehold, fill  # noqa: E402
from grapefruit import urls as site_urls  # noqa: E402

FLOOR_PATH = "/bench/floor/"


def floor(request: HttpRequest) -> HttpResponse:
    """The least a member page can cost: sign-in, household, messages and the layout, with no content."""
    return render(request, "base.html")


class BenchUrls:
    """The site's URLs plus the floor page, for this benchmark only (a class: Django caches URL confs by key)."""

    urlpatterns = [path(FLOOR_PATH.lstrip("/"), floor), *site_urls.urlpatterns]


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    params: dict[str, str]
    target: float  # at most this many times the floor's time


@dataclass(frozen=True)
class Result:
    page: Page
    median_ms: float
    p90_ms: float
    queries: int
    ratio: float


def pages(data: BenchHousehold) -> list[Page]:
    return [
        Page("dashboard, by run-out", "/", {}, 2),
        Page("dashboard, low only", "/", {"low": "1"}, 2),
        Page("dashboard, search by name", "/", {"q": "milk"}, 3),
        Page("dashboard, sorted by name, page 5", "/", {"sort": "name", "page": "5"}, 3),
        Page("cart", "/orders/", {}, 2),
        Page("item with a year of journal", f"/items/{data.journal_item_id}/", {}, 2),
        Page("receipt review, 40 lines", f"/receipts/{data.receipt_id}/", {}, 2),
        Page("receipts", "/receipts/", {}, 2),
        Page("spending, a year of prices", "/spending/", {}, 2),
        Page("preferences", "/household/", {}, 2),
        Page("audit log", "/audit/", {}, 2),
        Page("what left the server", "/llm/", {}, 2),
    ]


def timed_get(client: Client, url: str, params: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.get(url, params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def measure(client: Client, page: Page, pairs: int) -> Result:
    for _ in range(3):  # warm-up: templates compiled, connection open, caches filled
        timed_get(client, page.path, page.params)
        timed_get(client, FLOOR_PATH, {})
    timings, ratios = [], []
    for index in range(pairs):
        # Alternate which request goes first, so a drift in the machine's speed favours neither side.
        if index % 2:
            floor_ms = timed_get(client, FLOOR_PATH, {})
            page_ms = timed_get(client, page.path, page.params)
        else:
            page_ms = timed_get(client, page.path, page.params)
            floor_ms = timed_get(client, FLOOR_PATH, {})
        timings.append(page_ms)
        ratios.append(page_ms / floor_ms)
    with CaptureQueriesContext(connection) as queries:
        client.get(page.path, page.params)
    return Result(
        page=page,
        median_ms=statistics.median(timings),
        p90_ms=statistics.quantiles(timings, n=10)[-1],
        queries=len(queries),
        ratio=statistics.median(ratios),
    )


def floor_median(client: Client, repeats: int) -> float:
    return statistics.median(timed_get(client, FLOOR_PATH, {}) for _ in range(repeats))


def report(results: list[Result], floor_ms: float, items: int, pairs: int) -> None:
    print("## Member pages against the floor\n")
    print(
        f"One household with {items} items (encrypted names, a forecast on each, a journal on a tenth), an item "
        "with a year of journal, a year of prices paid in four stores, a cart of 30 lines, a 40-line receipt waiting "
        "for review, an audit log and LLM calls, on PostgreSQL (vacuumed and analysed after the fill, as autovacuum "
        "would: this machine's server runs with autovacuum off). "
        "Each page is rendered through Django's test client in-process (full middleware, DEBUG off: server "
        f"time only), in {pairs} pairs alternating with the floor, a signed-in page that renders only the "
        f"layout (median {floor_ms:.1f} ms). Ratio: median of the per-pair ratios page / floor. The dashboard "
        "shows 50 rows; search and sorting by name work on names decrypted once per process (inventory.names), "
        "since the database holds only ciphertext.\n"
    )
    print("| page | median (ms) | p90 (ms) | SQL queries | ratio to floor | target | |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for result in results:
        verdict = "ok" if result.ratio <= result.page.target else "**over**"
        print(
            f"| {result.page.label} | {result.median_ms:.1f} | {result.p90_ms:.1f} | {result.queries} "
            f"| {result.ratio:.2f}x | {result.page.target:g}x | {verdict} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--only", help="measure only pages whose label contains this text")
    options = parser.parse_args()
    original = connection.settings_dict["NAME"]
    # Named after the configured database, so engineers sharing one server do not drop each other's copy.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{original}_bench_pages"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ALLOWED_HOSTS=["127.0.0.1"], DEBUG=False, ROOT_URLCONF=BenchUrls):
            data = fill(options.items)
            # As autovacuum would after such a load: without statistics PostgreSQL plans for empty tables, and
            # until a table is vacuumed its index-only scans still visit every row's page.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(data.user)
            chosen = [page for page in pages(data) if not options.only or options.only in page.label]
            results = [measure(client, page, options.pairs) for page in chosen]
            floor_ms = floor_median(client, options.pairs)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    report(results, floor_ms, options.items, options.pairs)


if __name__ == "__main__":
    main()
