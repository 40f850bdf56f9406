"""Re-encrypt every stored value under the first key of ENCRYPTION_KEYS; `--check` reports what is left."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audit.models import AuditEvent
from audit.services import audit_record
from grapefruit.encryption import EncryptionError, current_key_ring
from grapefruit.encryption.rotation import (
    count_rows_to_rotate,
    encrypted_models,
    field_statuses,
    file_statuses,
    rewrite_files,
    rotate_model,
)


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value and file under the first key in ENCRYPTION_KEYS, in batches, each in "
        "its own transaction. Safe to interrupt and re-run: it resumes with the rows still under old keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only report values under old keys; exit 1 if any."
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument(
            "--pause",
            type=float,
            default=0.0,
            help="Seconds to sleep between batches, to spare a busy database.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            primary = current_key_ring().primary.key_id
            if options["check"]:
                self._check(primary)
            else:
                self._rotate(primary, options)
        except EncryptionError as error:
            if not options["check"]:
                audit_record(
                    actor=None,
                    household=None,
                    action="encryption.rotate",
                    details={"error": type(error).__name__},
                    outcome=AuditEvent.Outcome.FAILED,
                )
            raise CommandError(str(error)) from None

    def _rotate(self, primary: str, options: dict[str, Any]) -> None:
        models = encrypted_models()
        total = sum(count_rows_to_rotate(em) for em in models)
        self.stdout.write(f"Re-encrypting {total} rows under key {primary!r}.")
        if not getattr(settings, "BLIND_INDEX_KEY", ""):
            self.stderr.write(
                "BLIND_INDEX_KEY is not set: blind indexes follow the primary key. BlindIndexFields are recomputed, "
                "but indexes stored in plain columns will no longer match."
            )
        rows = 0
        with tqdm(total=total, unit="row", disable=options["no_progress"], file=sys.stderr) as bar:
            for em in models:
                rows += rotate_model(
                    em, batch_size=options["batch_size"], pause=options["pause"], progress=bar.update
                )
        files = rewrite_files(encrypt_plaintext=False, progress=lambda _n: None)
        audit_record(
            actor=None,
            household=None,
            action="encryption.rotate",
            details={"key_id": primary, "rows": rows, "files": files},
        )
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {rows} rows and {files} files under key {primary!r}.")
        )

    def _check(self, primary: str) -> None:
        old = plaintext = 0
        for status in field_statuses():
            old, plaintext = old + status.old_key, plaintext + status.plaintext
            if status.old_key or status.plaintext:
                self.stdout.write(
                    f"  {status.label}: {status.old_key} under old keys, {status.plaintext} not encrypted"
                )
        for status in file_statuses():
            old, plaintext = old + status.old_key, plaintext + status.plaintext
            if status.old_key or status.plaintext:
                self.stdout.write(
                    f"  files in {status.location}: {status.old_key} under old keys, {status.plaintext} not encrypted"
                )
        self.stdout.write(
            f"{old} values under old keys, {plaintext} not encrypted (primary key {primary!r})."
        )
        if plaintext:
            self.stdout.write("Run `manage.py encrypt_existing_data` for the values that are not encrypted.")
        if old or plaintext:
            sys.exit(1)
