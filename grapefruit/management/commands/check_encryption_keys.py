"""Check that the keys in the environment can read the stored data; name any key id that is missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grapefruit.encryption import EncryptionError
from grapefruit.encryption.verification import check_keys, describe


class Command(BaseCommand):
    help = (
        "Count the values of every encrypted column and file per key id, and decrypt a random sample under "
        "each key: run it after restoring a backup, or before removing an old key. Exit 1 naming every key id "
        "the data needs that ENCRYPTION_KEYS lacks, and every value or blind index the keys cannot read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sample", type=int, default=20, help="Values decrypted per column and key id (default 20)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = check_keys(sample_size=options["sample"])
        except EncryptionError as error:
            raise CommandError(str(error)) from None
        for store in report.stores:
            self.stdout.write(f"  {describe(store)}")
        problems = report.problems
        if problems:
            raise CommandError(
                "The keys in this environment cannot read all stored data:\n"
                + "\n".join(f"- {problem}" for problem in problems)
                + "\nRestore the missing keys (ENCRYPTION_KEYS, BLIND_INDEX_KEY) from your key backup."
            )
        self.stdout.write(
            self.style.SUCCESS("Every sampled value decrypts with the keys in this environment.")
        )
