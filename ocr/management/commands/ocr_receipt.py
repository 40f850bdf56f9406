"""`manage.py ocr_receipt PATH [PATH ...]`: print the OCR text of each file, for operators and benchmarks."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocr.errors import OcrError
from ocr.service import recognize_document


class Command(BaseCommand):
    help = "Print the OCR text of each file (image, PDF or text). Errors are reported per file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args: Any, paths: list[Path], **options: Any) -> None:
        failures = 0
        for path in paths:
            try:
                document = recognize_document(path.read_bytes(), filename=path.name)
            except (OSError, OcrError) as error:
                failures += 1
                self.stderr.write(self.style.ERROR(f"{path}: {error}"))
                continue
            confidence = "n/a" if document.confidence is None else f"{document.confidence:.2f}"
            self.stdout.write(
                self.style.MIGRATE_HEADING(
                    f"== {path} ({document.engine}, {document.seconds:.2f} s, confidence {confidence})"
                )
            )
            self.stdout.write(document.text)
        if failures:
            # A non-zero exit lets scripts notice, after every file has had its turn.
            raise CommandError(f"{failures} of {len(paths)} files could not be read.")
