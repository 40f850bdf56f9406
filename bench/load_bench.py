"""Load test: the production stack under locust, members signing in, browsing, using the cart, uploading receipts.

The stack is the one the production smoke test runs (grapefruit/tests/stack.py): the entrypoint, gunicorn with
2 workers, a Celery worker and beat with production settings (DEBUG off) on a throwaway PostgreSQL database,
locust on the same 2 cores. Rate limits are raised for the run, and the document says so: every simulated member
signs in from 127.0.0.1 and uploads far more often than the production limits allow a real one.

Run: .venv/bin/python bench/load_bench.py [--users 8] [--seconds 60]
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapefruit.settings_test")

import django

django.setup()  # the test settings fill in DATABASE_URL / REDIS_URL defaults, as for the tests

from grapefruit.tests.stack import BASE_DIR, ProductionStack  # noqa: E402
from grapefruit.tests.stack_http import PUBLIC_HOST  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
# Explicit for the bench, and reported: production defaults would answer 429 to this traffic.
RAISED_LIMITS = {
    "PAGE_RATE_LIMIT": "100000/m",
    "LOGIN_RATE_LIMIT": "100000/m",
    "UPLOAD_RATE_LIMIT": "100000/h",
}
ENDPOINTS = [
    "sign-in page",
    "sign in",
    "dashboard",
    "cart",
    "cart: add what runs low",
    "receipts inbox",
    "receipt upload",
    "sign out",
]
SEED = """
from grapefruit.models import Household, Membership, User
household = Household.objects.get(memberships__user__username="demo")
for n in range(1, {members} + 1):
    user = User.objects.create_user(f"load{{n}}", password="{password}")
    Membership.objects.create(user=user, household=household, role=Membership.Role.MEMBER)
"""


def run_locust(stack: ProductionStack, *, users: int, seconds: int, password: str, prefix: Path) -> None:
    env = {**os.environ, "LOAD_PUBLIC_HOST": PUBLIC_HOST, "LOAD_PASSWORD": password}
    command = [
        *(sys.executable, "-m", "locust", "-f", str(BENCH_DIR / "locustfile.py")),
        *("--headless", "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s"),
        *("--host", stack.base_url, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"),
        "--exit-code-on-error=0",  # errors are counted and reported below, not by locust's exit code
    ]
    subprocess.run(
        command, cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL, timeout=seconds + 120
    )


def stats_rows(prefix: Path) -> dict[str, dict[str, str]]:
    with Path(f"{prefix}_stats.csv").open() as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def table(rows: dict[str, dict[str, str]]) -> list[str]:
    lines = [
        "| request | requests | requests/s | median (ms) | p99 (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in [*ENDPOINTS, "Aggregated"]:
        row = rows.get(name)
        if row is None:
            continue
        label = "**all**" if name == "Aggregated" else name
        lines.append(
            f"| {label} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
            f"{row['50%']} | {row['99%']} | {row['Failure Count']} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--threads", type=int, default=4, help="gunicorn threads per worker (1 = sync worker)"
    )
    args = parser.parse_args()
    work_dir = Path(tempfile.mkdtemp(prefix="grapefruit-load-"))
    stack = ProductionStack.create(
        work_dir=work_dir,
        static_root=work_dir / "static",
        extra_env={"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": str(args.threads), **RAISED_LIMITS},
    )
    password = secrets.token_urlsafe(12)
    try:
        stack.collect_static()
        stack.start("web", "worker", "beat")
        for step in (("seed_demo",), ("shell", "-c", SEED.format(members=args.users, password=password))):
            result = stack.manage(*step)
            assert result.returncode == 0, result.stderr
        run_locust(
            stack, users=args.users, seconds=args.seconds, password=password, prefix=work_dir / "locust"
        )
        rows = stats_rows(work_dir / "locust")
        exit_codes = stack.stop(timeout=120)
    finally:
        stack.kill_all()
        stack.drop_database()
    errors = int(rows["Aggregated"]["Failure Count"])
    print("## Load: the production stack under locust\n")
    print(
        f"locust {args.users} users (each a member of the demo household, waiting 0.2-1 s between requests) for "
        f"{args.seconds} s against gunicorn with 2 workers of {args.threads} threads, a Celery worker (concurrency 2) "
        "and beat, all started "
        "by the entrypoint with production settings (DEBUG off, HTTPS as behind the TLS proxy) on PostgreSQL and "
        "Redis, locust on the same 2 cores. Receipt uploads are text receipts the worker parses during the run. "
        f"Rate limits raised for the bench: {', '.join(f'{k}={v}' for k, v in RAISED_LIMITS.items())} "
        "(the shipped limits, 100 pages per 15 minutes per member and 10 sign-ins per 15 minutes per address, "
        "are far below what one simulated member sends in a minute, all from one address). Latency is locust's, client side, in milliseconds.\n"
    )
    print("\n".join(table(rows)))
    print(
        f"\nErrors (any answer but the expected 200, or the 302 of a successful form): {errors}, target 0. "
        f"Exit codes after SIGTERM: {', '.join(f'{k} {v}' for k, v in exit_codes.items())}.\n"
    )
    return 0 if errors == 0 and not any(exit_codes.values()) else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a stopped bench still cleans up its stack
    sys.exit(main())
