"""Demo data: the demo household `make run` signs into, and many realistic households in bulk for benchmarks.

It lives in orders, the app at the top of the import graph, because it seeds every app below it (the core app
knows no domain app). The demo household goes through the services, so its journal, forecasts and audit log are
what a real household would have; bulk households are written with bulk_create (encrypted fields and blind
indexes included) and their forecasts set from the simulation, so 10,000 of them take well under a minute.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from grapefruit.models import Household, Membership, User
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.models import Item, PricePaid, StockEvent
from orders.models import BrandRule, Preferences

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "grapefruit-demo"  # noqa: S105 - a published demo login, printed on purpose
HISTORY_DAYS = 42
BULK_HISTORY_DAYS = 120
STORES = ("Corner Grocer", "Freshway Market", "Bio Shop")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Product:
    name: str
    unit: str
    pack: Decimal  # bought per shop, in `unit`
    use_per_day: Decimal
    category: str
    pack_price: Decimal


PRODUCTS: tuple[Product, ...] = tuple(
    Product(name, unit, Decimal(pack), Decimal(use), category, Decimal(price))
    for name, unit, pack, use, category, price in (
        ("Whole milk", "l", "2", "0.5", "dairy", "2.38"),
        ("Eggs", "pcs", "12", "1", "dairy", "4.10"),
        ("Coffee beans", "g", "1000", "40", "beverages", "12.90"),
        ("Fusilli pasta", "g", "1000", "60", "pantry", "1.79"),
        ("Bananas", "pcs", "7", "1", "produce", "1.20"),
        ("Olive oil", "ml", "750", "15", "pantry", "8.49"),
        ("Dish soap", "ml", "500", "10", "household", "2.99"),
        ("Rolled oats", "g", "1000", "80", "pantry", "2.49"),
        ("Greek yogurt", "g", "500", "70", "dairy", "2.89"),
        ("Basmati rice", "g", "2000", "90", "pantry", "4.99"),
        ("Butter", "g", "250", "20", "dairy", "3.19"),
        ("Apples", "pcs", "6", "1", "produce", "3.49"),
    )
)


# --- the demo household ----------------------------------------------------------------------------------------


def demo_household_exists() -> bool:
    return User.objects.filter(username=DEMO_USERNAME).exists()


@transaction.atomic
def demo_household_create() -> Household:
    """The demo household: eight items with six weeks of uses and purchases (each purchase with the price paid
    at one of three stores), auto-reorder on with approval, and a brand rule, so every page has something."""
    user = User.objects.create_user(DEMO_USERNAME, f"{DEMO_USERNAME}@example.invalid", DEMO_PASSWORD)
    household = Household.objects.create(name="Demo household")
    Membership.objects.create(user=user, household=household, role=Membership.Role.OWNER)
    Preferences.objects.create(
        household=household, auto_reorder=True, cover_days=5, monthly_budget=Decimal(200)
    )
    start = timezone.now() - timedelta(days=HISTORY_DAYS)
    for number, product in enumerate(PRODUCTS[:8]):
        item = inventory_services.item_create(
            actor=user, household=household, name=product.name, unit=product.unit, category=product.category
        )
        _replay_history(user, household, item.pk, product, start, store_offset=number)
    BrandRule.objects.create(
        household=household, category="dairy", brand="Meadow Farm", rank=BrandRule.Rank.PREFERRED
    )
    return household


def _replay_history(
    user: User, household: Household, item_id: int, product: Product, start: datetime, store_offset: int
) -> None:
    """Buy a pack whenever the shelf runs low and log steady use, so forecasts have a history to learn."""
    every = 2
    use = product.use_per_day * every
    purchases = 0
    for day in range(0, HISTORY_DAYS, every):
        at = start + timedelta(days=day, hours=8)
        item = inventory_selectors.item_get(household=household, item_id=item_id)
        if item.quantity < use:
            bought_at = at - timedelta(hours=1)
            inventory_services.stock_add(
                actor=user, item=item, amount=product.pack, kind="receipt", at=bought_at
            )
            inventory_services.price_paid_record(
                actor=user,
                item=item,
                total_price=_price_on(product, purchases),
                quantity=product.pack,
                unit=product.unit,
                currency="USD",
                paid_on=bought_at.date(),
                store=STORES[(store_offset + purchases) % len(STORES)],
            )
            purchases += 1
            item = inventory_selectors.item_get(household=household, item_id=item_id)
        inventory_services.stock_consume(actor=user, item=item, amount=use, at=at)


def _price_on(product: Product, purchase: int) -> Decimal:
    """Prices drift a little from purchase to purchase, as they do."""
    return (product.pack_price * (Decimal(1) + Decimal(purchase % 3 - 1) / 50)).quantize(CENT, ROUND_HALF_UP)


# --- many households in bulk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    households: int
    items: int
    events: int
    prices: int


@dataclass
class _Rows:
    events: list[StockEvent]
    prices: list[PricePaid]


def bulk_households_create(
    *, households: int, items: int, seed: int = 1, today: date | None = None
) -> BulkResult:
    """`households` households of `items` items each, with BULK_HISTORY_DAYS of purchases at two stores per
    household (prices included) and the forecast each history implies. About half have auto-reorder on, some
    with a monthly budget; the members' password is unusable (these are not logins)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    batch = secrets.token_hex(3)  # usernames stay unique when the command runs again
    with transaction.atomic():
        created = Household.objects.bulk_create(
            [Household(name=f"Seeded household {batch}-{n}") for n in range(households)], batch_size=5000
        )
        _members(created, batch)
        _preferences(created, rng)
        all_items = _items(created, items, rng, today)
        rows = _history(all_items, rng, today)
        StockEvent.objects.bulk_create(rows.events, batch_size=5000)
        PricePaid.objects.bulk_create(rows.prices, batch_size=5000)
    return BulkResult(len(created), len(all_items), len(rows.events), len(rows.prices))


def _members(households: list[Household], batch: str) -> None:
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(username=f"seed-{batch}-{n}", email=f"seed-{batch}-{n}@example.invalid", password=unusable)
            for n in range(len(households))
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, household=household, role=Membership.Role.OWNER)
            for user, household in zip(users, households, strict=True)
        ],
        batch_size=5000,
    )


def _preferences(households: list[Household], rng: random.Random) -> None:
    Preferences.objects.bulk_create(
        [
            Preferences(
                household=household,
                auto_reorder=number % 2 == 0,
                cover_days=rng.choice((3, 5, 7)),
                approval_required=rng.random() < 0.8,
                monthly_budget=Decimal(rng.choice((60, 120, 250))) if rng.random() < 0.3 else None,
            )
            for number, household in enumerate(households)
        ],
        batch_size=5000,
    )


@dataclass(frozen=True)
class _Seeded:
    item: Item
    product: Product
    use_per_day: Decimal
    stores: tuple[str, str]


def _items(households: list[Household], per_household: int, rng: random.Random, today: date) -> list[_Seeded]:
    seeded = []
    for household in households:
        stores = tuple(rng.sample(STORES, 2))
        picks = rng.sample(PRODUCTS, len(PRODUCTS))
        for number in range(per_household):
            product = picks[number % len(picks)]
            use = (product.use_per_day * Decimal(rng.uniform(0.6, 1.4))).quantize(Decimal("0.001"))
            left = Decimal(rng.uniform(0, float(product.pack))).quantize(Decimal("0.001"))
            runout = today + timedelta(days=int(left / use)) if use > 0 else None
            item = Item(
                household=household,
                name=product.name if number < len(picks) else f"{product.name} {number // len(picks) + 1}",
                unit=product.unit,
                category=product.category,
                quantity=left,
                rate_per_day=use,
                predicted_runout=runout,
                forecast_reason=f"about {use.normalize()} {product.unit}/day, judging by purchases",
            )
            seeded.append(_Seeded(item, product, use, stores))  # type: ignore[arg-type]
    Item.objects.bulk_create([entry.item for entry in seeded], batch_size=5000)
    return seeded


def _history(seeded: list[_Seeded], rng: random.Random, today: date) -> _Rows:
    """A purchase (with its receipt price) each time a pack would have run out over the history."""
    rows = _Rows(events=[], prices=[])
    start = today - timedelta(days=BULK_HISTORY_DAYS)
    for entry in seeded:
        days_per_pack = max(2, int(entry.product.pack / entry.use_per_day))
        day = rng.randint(0, days_per_pack)
        while day < BULK_HISTORY_DAYS:
            paid_on = start + timedelta(days=day)
            at = timezone.make_aware(datetime.combine(paid_on, datetime.min.time())) + timedelta(hours=17)
            store = entry.stores[rng.random() < 0.3]
            total = (entry.product.pack_price * Decimal(rng.uniform(0.9, 1.15))).quantize(CENT, ROUND_HALF_UP)
            # Bought when the shelf was empty: the journal reads as the receipts of a household that logs no uses.
            rows.events.append(
                StockEvent(
                    item=entry.item,
                    kind="receipt",
                    delta=entry.product.pack,
                    quantity_after=entry.product.pack,
                    at=at,
                )
            )
            rows.prices.append(
                PricePaid(
                    household_id=entry.item.household_id,
                    item=entry.item,
                    store=store,
                    paid_on=paid_on,
                    quantity=entry.product.pack,
                    pack_size=entry.product.pack,
                    unit=entry.product.unit,
                    unit_price=(total / entry.product.pack).quantize(Decimal("0.000001")),
                    total_price=total,
                    currency="USD",
                )
            )
            day += days_per_pack
    return rows
