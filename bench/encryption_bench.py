"""Encryption at rest: cost per value (AES-256-GCM encrypt + decrypt, blind index) and key-rotation throughput.

Per-value costs are medians over repeated timed loops in this process. Rotation fills a throwaway PostgreSQL
database (created and dropped here) with rows of the test model (four encrypted columns and a blind index each),
then times `rotate_model` re-encrypting every row under the other key, several rounds alternating the primary.

Run: DJANGO_SETTINGS_MODULE=grapefruit.settings_test .venv/bin/python bench/encryption_bench.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings_test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from grapefruit.encryption import (  # noqa: E402
    blind_index,
    decrypt_bytes,
    decrypt_text,
    encrypt_bytes,
    encrypt_text,
    new_key_entry,
)
from grapefruit.encryption.rotation import encrypted_models, field_statuses, rotate_model  # noqa: E402

KEY_A, KEY_B = new_key_entry("bench_a"), new_key_entry("bench_b")
SIZES = [("item name", 24), ("order items JSON", 400), ("receipt text", 4_000)]
FILE_SIZE = 2_000_000


def per_call_us(function: Callable[[], object], *, loops: int, repeats: int = 7) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(loops):
            function()
        timings.append((time.perf_counter() - started) / loops)
    return statistics.median(timings) * 1e6


def value_costs() -> list[str]:
    rows = []
    for label, size in SIZES:
        text = ("Hafermilch 1,49 " * (size // 16 + 1))[:size]
        token = encrypt_text(text, context="bench.column")
        encrypt = per_call_us(lambda text=text: encrypt_text(text, context="bench.column"), loops=2000)
        decrypt = per_call_us(lambda token=token: decrypt_text(token, context="bench.column"), loops=2000)
        rows.append(f"| {label} ({size} B) | {encrypt:.1f} | {decrypt:.1f} | {encrypt + decrypt:.1f} |")
    data = os.urandom(FILE_SIZE)
    blob = encrypt_bytes(data, context="bench.file")
    encrypt = per_call_us(lambda: encrypt_bytes(data, context="bench.file"), loops=20)
    decrypt = per_call_us(lambda: decrypt_bytes(blob, context="bench.file"), loops=20)
    rows.append(
        f"| receipt file ({FILE_SIZE // 1_000_000} MB) | {encrypt:.0f} | {decrypt:.0f} | {encrypt + decrypt:.0f} |"
    )
    index = per_call_us(lambda: blind_index("Oatly Barista  Oat Milk", purpose="bench.index"), loops=5000)
    rows.append(f"| blind index (24 B) | {index:.1f} | - | {index:.1f} |")
    return rows


def fill(count: int) -> None:
    from grapefruit.tests.encryption_testapp.models import Secret

    Secret.objects.all().delete()
    for start in range(0, count, 1000):
        Secret.objects.bulk_create(
            Secret(
                name=f"item {n}",
                notes=f"bought at store {n % 7}",
                payload={"n": n, "brand": "Oatly"},
                amount=Decimal(n) / 100,
            )
            for n in range(start, min(count, start + 1000))
        )


def rotation_rounds(rows: int, rounds: int, batch_size: int) -> tuple[list[float], float]:
    models = [em for em in encrypted_models() if em.label == "encryption_testapp.Secret"]
    with override_settings(ENCRYPTION_KEYS=[KEY_A]):
        fill(rows)
    rates = []
    for round_number in range(rounds):
        ring = [KEY_B, KEY_A] if round_number % 2 == 0 else [KEY_A, KEY_B]
        with override_settings(ENCRYPTION_KEYS=ring):
            started = time.perf_counter()
            done = sum(rotate_model(em, batch_size=batch_size, progress=lambda _n: None) for em in models)
            rates.append(done / (time.perf_counter() - started))
    with override_settings(ENCRYPTION_KEYS=[KEY_A, KEY_B]):
        started = time.perf_counter()
        field_statuses()
        check_seconds = time.perf_counter() - started
    return rates, check_seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=500)
    options = parser.parse_args()

    with override_settings(ENCRYPTION_KEYS=[KEY_A]):
        costs = value_costs()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "grapefruit_bench_encryption"
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rates, check_seconds = rotation_rounds(options.rows, options.rounds, options.batch_size)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)

    print("## Encryption at rest\n")
    print(
        "AES-256-GCM per value through `encrypt_text`/`decrypt_text` (base64 text tokens, as stored in columns) "
        "and `encrypt_bytes`/`decrypt_bytes` (files); median of 7 timed loops, in microseconds.\n"
    )
    print("| value | encrypt (µs) | decrypt (µs) | encrypt + decrypt (µs) |")
    print("|---|---:|---:|---:|")
    print("\n".join(costs))
    print(
        f"\nKey rotation on {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}: {options.rows} rows of "
        f"4 encrypted columns + 1 blind index, batches of {options.batch_size} (one transaction each, "
        f"`SELECT ... FOR UPDATE`), {options.rounds} rounds alternating the primary key.\n"
    )
    print("| rows/second (median) | values/second | slowest round (rows/s) | `--check` scan (s) |")
    print("|---:|---:|---:|---:|")
    median = statistics.median(rates)
    print(f"| {median:,.0f} | {median * 4:,.0f} | {min(rates):,.0f} | {check_seconds:.2f} |")


if __name__ == "__main__":
    main()
