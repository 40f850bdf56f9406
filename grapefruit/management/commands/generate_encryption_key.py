"""Print a new ENCRYPTION_KEYS entry (`id:64hex`) on stdout, and what to do with it on stderr."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grapefruit.encryption import KeyRingError, new_key_entry


class Command(BaseCommand):
    help = "Print a new random encryption key entry for ENCRYPTION_KEYS."
    # Needs no database, and must work while the configured keys are broken (that is when it is needed).
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--id", dest="key_id", help="Key id (default: k<date><random>), 1-32 of A-Z a-z 0-9 _ -"
        )

    def handle(self, *args: Any, key_id: str | None = None, **options: Any) -> None:
        try:
            entry = new_key_entry(key_id)
        except KeyRingError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(entry)
        self.stderr.write(
            "Put it FIRST in ENCRYPTION_KEYS, keep the old keys after it, restart, then run "
            "`manage.py rotate_encryption_key`. Keep a copy apart from the database backups: without it they cannot be "
            "read."
        )
