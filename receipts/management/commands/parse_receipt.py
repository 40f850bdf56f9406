"""`manage.py parse_receipt [--json] [--offline] PATH [PATH ...]`: run the upload pipeline on files without saving anything.

Used to check the parser on hundreds of receipts: one unreadable file prints an error object and the others
carry on. With --json every file gives one JSON object per line on stdout.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ocr.errors import OcrError
from receipts.parsing import ParsedReceipt
from receipts.pipeline import understand_file

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Parse receipt files (text, image or PDF) with the upload pipeline, without creating receipts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--json", action="store_true", help="print one JSON object per file and line")
        parser.add_argument(
            "--offline", action="store_true", help="skip the language model even when one is configured"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["paths"]:
            try:
                parsed = understand_file(path, use_llm=not options["offline"])
            except Exception as error:  # one bad file out of hundreds must not stop the others
                self._report_error(path, _reason(path, error), as_json=options["json"])
                continue
            if options["json"]:
                self.stdout.write(
                    json.dumps({"path": str(path), "result": parsed.to_json()}, ensure_ascii=False)
                )
            else:
                self.stdout.write(summary(path, parsed))

    def _report_error(self, path: Path, message: str, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"path": str(path), "error": message}, ensure_ascii=False))
        else:
            self.stderr.write(f"{path}: {message}")


def _reason(path: Path, error: Exception) -> str:
    if isinstance(error, OcrError):
        return str(error)  # written for a household member to read
    if isinstance(error, OSError):
        return f"cannot read the file: {error.strerror or error}"
    logger.exception("parse_receipt failed on %s", path)
    return f"internal error: {type(error).__name__}"


def summary(path: Path, parsed: ParsedReceipt) -> str:
    """A readable block per receipt: header fields, one line per item, then the warnings."""
    money = parsed.currency or ""
    lines = [
        f"== {path}",
        f"merchant: {parsed.merchant or '-'}",
        f"address:  {parsed.merchant_address or '-'}",
        f"date:     {parsed.date.isoformat() if parsed.date else '-'} {parsed.time or ''}".rstrip(),
        f"subtotal: {_fmt(parsed.subtotal)}  tax: {_fmt(parsed.tax)}  total: {_fmt(parsed.total)} {money}".rstrip(),
    ]
    for item in parsed.items:
        flags = f"  [{', '.join(item.flags)}]" if item.flags else ""
        unit_price = f" @ {item.unit_price}" if item.unit_price is not None else ""
        discount = f" (discount {item.discount})" if item.discount else ""
        lines.append(
            f"  {item.name:<40} {item.quantity} {item.unit}{unit_price} = {_fmt(item.total_price)}{discount}{flags}"
        )
    lines.extend(f"warning: {warning}" for warning in parsed.warnings)
    return "\n".join(lines)


def _fmt(value: object) -> str:
    return "-" if value is None else str(value)
