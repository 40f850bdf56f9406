"""What every production process does before it starts: wait for the database, then migrate exactly once.

The web, worker and beat containers start together. Each waits for PostgreSQL with capped exponential backoff,
then takes a PostgreSQL advisory lock around `migrate`: the first applies the migrations, the others wait for the
lock and find nothing left to do. No process starts its work on an old schema.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

# One lock id for every Grapefruit process migrating this database (a 32-bit CRC fits PostgreSQL's bigint key).
MIGRATION_LOCK_ID = zlib.crc32(b"grapefruit.migrate")


class DatabaseUnavailable(Exception):
    """The database did not answer within the allowed time."""


def backoff_delays(*, first: float = 0.5, factor: float = 2.0, cap: float = 5.0) -> Iterator[float]:
    """0.5, 1, 2, 4, 5, 5, ... seconds: quick while the database boots, never hammering one that is down."""
    delay = first
    while True:
        yield min(delay, cap)
        delay *= factor


def wait_for_database(
    *,
    timeout: float,
    report: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    alias: str = DEFAULT_DB_ALIAS,
) -> int:
    """Connect until the database answers; return the number of attempts. Raise DatabaseUnavailable past timeout."""
    deadline = clock() + timeout
    connection = connections[alias]
    for attempt, delay in enumerate(backoff_delays(), start=1):
        try:
            connection.ensure_connection()
            return attempt
        except OperationalError as error:
            connection.close()
            # The driver's first line says why ("Connection refused", "the database system is starting up");
            # it names host and port, never the password.
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
            remaining = deadline - clock()
            if remaining <= 0:
                raise DatabaseUnavailable(
                    f"the database did not answer in {timeout:.0f} s ({attempt} attempts, last: {reason})"
                ) from None
            delay = min(delay, remaining)
            report(f"Database not ready ({reason}), attempt {attempt}; retrying in {delay:.1f} s")
            sleep(delay)
    raise AssertionError("unreachable: backoff_delays never ends")


def migrate_once(*, report: Callable[[str], None], alias: str = DEFAULT_DB_ALIAS) -> None:
    """Apply pending migrations, holding a PostgreSQL advisory lock when the database is PostgreSQL."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        # SQLite (the embedded default) has one process migrating: `make run` does it before starting.
        call_command("migrate", interactive=False, database=alias, verbosity=1)
        return
    with connection.cursor() as cursor:
        report("Waiting for the migration lock")
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
        try:
            call_command("migrate", interactive=False, database=alias, verbosity=1)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])
