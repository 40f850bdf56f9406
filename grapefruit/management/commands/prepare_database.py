"""Wait for the database, then apply migrations once: the first step of every production process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grapefruit.startup import DatabaseUnavailable, migrate_once, wait_for_database


class Command(BaseCommand):
    help = (
        "Wait for the database (capped exponential backoff), then apply migrations under a PostgreSQL advisory "
        "lock so that processes starting together migrate once. Run by scripts/docker-entrypoint.sh."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--timeout",
            type=float,
            default=120.0,
            help="Seconds to wait for the database before giving up (default 120).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            attempts = wait_for_database(timeout=options["timeout"], report=self.stderr.write)
        except DatabaseUnavailable as error:
            raise CommandError(f"Grapefruit will not start: {error}.") from None
        self.stdout.write(f"Database answered (attempt {attempts}).")
        migrate_once(report=self.stdout.write)
