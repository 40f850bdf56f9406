"""Forecast run-out for histories given as JSON lines, outside the database (for evaluation)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inventory.forecast import EventKind, History, StockChange, forecast


class Command(BaseCommand):
    help = (
        "Read item histories as JSON lines ({id, unit, as_of, quantity, events: [{at, kind, delta}]}) and "
        "print one JSON line per item: {id, rate_per_day, runout, reason}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", dest="path", required=True, help="JSON lines file, or - for stdin")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        stream = sys.stdin if path == "-" else _open(path)
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    history = parse_history(record)
                except (ValueError, KeyError, TypeError, InvalidOperation) as error:
                    raise CommandError(f"line {number}: {error}") from error
                result = forecast(history)
                output = {
                    "id": record.get("id"),
                    "rate_per_day": float(result.rate_per_day) if result.rate_per_day is not None else None,
                    "runout": result.runout.isoformat() if result.runout else None,
                    "reason": result.reason,
                }
                self.stdout.write(json.dumps(output))


def _open(path: str) -> Any:
    try:
        return open(path, encoding="utf-8")
    except OSError as error:
        raise CommandError(str(error)) from error


def parse_history(record: dict[str, Any]) -> History:
    as_of = _aware(record["as_of"])
    events = tuple(
        StockChange(at=_aware(event["at"]), kind=EventKind(event["kind"]), delta=Decimal(str(event["delta"])))
        for event in record.get("events", [])
    )
    return History(
        unit=str(record.get("unit", "")),
        as_of=as_of,
        quantity=Decimal(str(record["quantity"])),
        events=events,
    )


def _aware(text: str) -> datetime:
    """ISO datetimes without an offset are read as UTC, so mixed input still compares."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
