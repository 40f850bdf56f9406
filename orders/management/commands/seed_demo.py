"""Create the demo household `make run` signs you into, or, with --households, many households in bulk."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders import seeding


class Command(BaseCommand):
    help = (
        "Create the demo household (idempotent) and print its login; with --households N --items M, create N "
        "realistic households of M items with months of purchases and prices, about half with auto-reorder on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, help="Create this many households in bulk.")
        parser.add_argument("--items", type=int, default=10, help="Items per bulk household (default 10).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed of the bulk data.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["households"] is not None:
            self._bulk(options["households"], options["items"], options["seed"])
            return
        if seeding.demo_household_exists():
            self.stdout.write("The demo household already exists; nothing changed.")
        else:
            seeding.demo_household_create()
            self.stdout.write(self.style.SUCCESS("Created the demo household."))
        self.stdout.write(f"Demo login: {seeding.DEMO_USERNAME} / {seeding.DEMO_PASSWORD}")

    def _bulk(self, households: int, items: int, seed: int) -> None:
        if households < 1 or items < 1:
            raise CommandError("--households and --items must be at least 1.")
        started = time.monotonic()
        result = seeding.bulk_households_create(households=households, items=items, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.households} households, {result.items} items, {result.events} stock events and "
                f"{result.prices} prices in {time.monotonic() - started:.1f} s."
            )
        )
