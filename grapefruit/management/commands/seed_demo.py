"""Create the demo household that `make run` signs you into. Safe to run again: it never duplicates anything."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from grapefruit.models import Household, Membership, User
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "grapefruit-demo"  # noqa: S105 - a published demo login, printed on purpose

# name, unit, bought per shop, use per step, days between uses, category
DEMO_PANTRY: list[tuple[str, str, str, str, int, str]] = [
    ("Whole milk", "l", "4", "0.5", 1, "dairy"),
    ("Eggs", "pcs", "12", "2", 2, "dairy"),
    ("Coffee beans", "g", "1000", "40", 1, "beverages"),
    ("Fusilli pasta", "g", "1000", "250", 4, "pantry"),
    ("Bananas", "pcs", "7", "1", 1, "produce"),
    ("Olive oil", "ml", "750", "30", 2, "pantry"),
    ("Dish soap", "ml", "500", "20", 3, "household"),
    ("Rolled oats", "g", "1000", "80", 1, "pantry"),
]
HISTORY_DAYS = 42


class Command(BaseCommand):
    help = "Create the demo household with sample inventory and a few weeks of history (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            self._create()
            self.stdout.write(self.style.SUCCESS("Created the demo household."))
        else:
            self.stdout.write("The demo household already exists; nothing changed.")
        self.stdout.write(f"Log in at http://127.0.0.1:8000 as {DEMO_USERNAME} / {DEMO_PASSWORD}")

    @transaction.atomic
    def _create(self) -> None:
        user = User.objects.create_user(DEMO_USERNAME, f"{DEMO_USERNAME}@example.invalid", DEMO_PASSWORD)
        household = Household.objects.create(name="Demo household")
        Membership.objects.create(user=user, household=household, role=Membership.Role.OWNER)
        start = timezone.now() - timedelta(days=HISTORY_DAYS)
        for name, unit, pack, use, every, category in DEMO_PANTRY:
            item = inventory_services.item_create(
                actor=user, household=household, name=name, unit=unit, category=category
            )
            self._replay_history(user, item.pk, household, Decimal(pack), Decimal(use), every, start)

    @staticmethod
    def _replay_history(user, item_id, household, pack, use, every, start) -> None:  # type: ignore[no-untyped-def]
        """Buy a pack whenever the shelf runs low and log steady use, so forecasts have a history to learn."""
        for day in range(0, HISTORY_DAYS, every):
            at = start + timedelta(days=day, hours=8)
            item = inventory_selectors.item_get(household=household, item_id=item_id)
            if item.quantity < use:
                inventory_services.stock_add(actor=user, item=item, amount=pack, at=at - timedelta(hours=1))
                item = inventory_selectors.item_get(household=household, item_id=item_id)
            inventory_services.stock_consume(actor=user, item=item, amount=use, at=at)
