"""`manage.py parse_receipt [--json] [--offline] PATH [PATH ...]`: run the upload pipeline on files without saving anything.

Used to check the parser on hundreds of receipts: one unreadable file prints an error object and the others
carry on. With --json every file gives one JSON object per line on stdout. The offline parser needs no database;
the language model does (its cache, budgets and log), so without a migrated database the command parses offline
and says once what to run.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from ocr.errors import OcrError
from receipts import llm_parsing
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
        use_llm = not options["offline"] and llm_parsing.is_enabled()
        if use_llm and not database_migrated():
            self.stderr.write(
                "The database is not migrated, so the language model is not used and receipts are parsed "
                "offline: run `python manage.py migrate` to use it."
            )
            use_llm = False
        for path in options["paths"]:
            try:
                parsed = understand_file(path, use_llm=use_llm)
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


def database_migrated() -> bool:
    """Whether the database answers and has every migration applied."""
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return False


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
