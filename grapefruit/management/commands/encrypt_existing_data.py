"""Encrypt legacy plaintext values: rows written before a column became encrypted, and unencrypted uploads."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audit.models import AuditEvent
from audit.services import audit_record
from grapefruit.encryption import EncryptionError, current_key_ring
from grapefruit.encryption.rotation import (
    count_rows_with_plaintext,
    encrypt_plaintext_model,
    encrypted_models,
    file_statuses,
    rewrite_files,
)


class Command(BaseCommand):
    help = (
        "Encrypt every value of an encrypted field that is still stored as plaintext, and every unencrypted file in "
        "an encrypted storage. Idempotent: encrypted values are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be encrypted.")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            primary = current_key_ring().primary.key_id
            models = encrypted_models()
            counts = {em.label: count_rows_with_plaintext(em) for em in models}
            total = sum(counts.values())
            if options["dry_run"]:
                self._report(counts, total)
                return
            with tqdm(total=total, unit="row", disable=options["no_progress"], file=sys.stderr) as bar:
                rows = sum(
                    encrypt_plaintext_model(em, batch_size=options["batch_size"], progress=bar.update)
                    for em in models
                )
            files = rewrite_files(encrypt_plaintext=True, progress=lambda _n: None)
        except EncryptionError as error:
            audit_record(
                actor=None,
                household=None,
                action="encryption.encrypt_existing",
                details={"error": type(error).__name__},
                outcome=AuditEvent.Outcome.FAILED,
            )
            raise CommandError(str(error)) from None
        audit_record(
            actor=None,
            household=None,
            action="encryption.encrypt_existing",
            details={"key_id": primary, "rows": rows, "files": files},
        )
        self.stdout.write(
            self.style.SUCCESS(f"Encrypted {rows} rows and {files} files under key {primary!r}.")
        )

    def _report(self, counts: dict[str, int], total: int) -> None:
        for label, count in counts.items():
            if count:
                self.stdout.write(f"  {label}: {count} rows with plaintext values")
        files = sum(status.plaintext for status in file_statuses())
        self.stdout.write(f"{total} rows and {files} files would be encrypted.")
