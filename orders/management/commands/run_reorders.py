"""Run the scheduled reorder job once in this process and print what it decided."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import services


class Command(BaseCommand):
    help = (
        "Run the reorder job once (as beat does) and print households scanned, orders and lines created, lines "
        "skipped by reason, seconds and SQL queries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            result = services.reorders_run()
        report = {
            **result.as_dict(),
            "seconds": round(time.monotonic() - started, 3),
            "queries": len(queries),
        }
        if options["json"]:
            self.stdout.write(json.dumps(report))
            return
        skipped = ", ".join(f"{reason} {count}" for reason, count in report["skipped"].items()) or "none"
        self.stdout.write(
            f"Households scanned: {report['households']}\n"
            f"Orders created: {report['orders']} ({report['lines']} lines); e-mails sent: {report['emails']}\n"
            f"Lines skipped: {skipped}\n"
            f"{report['seconds']} s, {report['queries']} SQL queries"
        )
