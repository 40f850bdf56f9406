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
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from grapefruit.bulk import insert_rows, reserve_ids
from grapefruit.models import Household, Membership, User, default_time_zone
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.models import Item, PricePaid, StockEvent
from orders.models import BrandRule, Preferences

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "grapefruit-demo"  # noqa: S105 - a published demo login, printed on purpose
HISTORY_DAYS = 42
BULK_HISTORY_DAYS = 60
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
        ("Whole milk", "l", "4", "0.5", "dairy", "4.49"),
        ("Eggs", "pcs", "12", "1", "dairy", "4.10"),
        ("Coffee beans", "g", "1000", "40", "beverages", "12.90"),
        ("Fusilli pasta", "g", "1000", "60", "pantry", "1.79"),
        ("Bananas", "pcs", "12", "1", "produce", "2.10"),
        ("Olive oil", "ml", "750", "15", "pantry", "8.49"),
        ("Dish soap", "ml", "500", "10", "household", "2.99"),
        ("Rolled oats", "g", "1000", "80", "pantry", "2.49"),
        ("Greek yogurt", "g", "1000", "70", "dairy", "5.49"),
        ("Basmati rice", "g", "2000", "90", "pantry", "4.99"),
        ("Butter", "g", "250", "20", "dairy", "3.19"),
        ("Apples", "pcs", "12", "1", "produce", "6.49"),
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

_ITEM_FIELDS = (
    "id", "household_id", "name", "category", "unit", "quantity", "location", "best_before", "minimum", "usual_use",
    "rate_per_day", "predicted_runout", "forecast_reason", "created_at", "updated_at",
)  # fmt: skip
_EVENT_FIELDS = (
    "item_id", "kind", "delta", "quantity_after", "actor_id", "at", "source_type", "source_id", "undone_at",
    "awaiting_receipt",
)  # fmt: skip
_PRICE_FIELDS = (
    "household_id", "item_id", "store", "paid_on", "quantity", "pack_size", "unit", "unit_price", "total_price",
    "currency", "source_type", "source_id", "created_at", "is_latest",
)  # fmt: skip


@dataclass(frozen=True)
class BulkResult:
    households: int
    items: int
    events: int
    prices: int


def bulk_households_create(
    *, households: int, items: int, seed: int = 1, today: date | None = None
) -> BulkResult:
    """`households` households of `items` items each, with BULK_HISTORY_DAYS of purchases at two stores per
    household (each with its receipt price) and the forecast each history implies. About half have auto-reorder
    on, some with a monthly budget. The members' password is unusable: these are not logins.

    Rows go in through grapefruit.bulk (COPY on PostgreSQL), encrypted names and stores included: bulk_create's
    per-row cost would take minutes for the million rows of 10,000 households."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        household_ids = reserve_ids(Household, households)
        _households(household_ids, now)
        _preferences(household_ids, rng, now)
        item_ids = iter(reserve_ids(Item, households * items))
        item_rows: list[tuple[object, ...]] = []
        event_rows: list[tuple[object, ...]] = []
        price_rows: list[list[object]] = []
        for household_id in household_ids:
            stores = rng.sample(STORES, 2)
            for (name, product), item_id in zip(_pick(rng, items), item_ids, strict=False):
                use = (product.use_per_day * Decimal(rng.uniform(0.6, 1.4))).quantize(Decimal("0.001"))
                item_rows.append(_item_row(item_id, household_id, name, product, use, rng, today, now))
                _history(item_id, household_id, product, use, stores, rng, today, event_rows, price_rows)
        item_count = insert_rows(Item, _ITEM_FIELDS, item_rows)
        events = insert_rows(StockEvent, _EVENT_FIELDS, event_rows)
        prices = insert_rows(PricePaid, _PRICE_FIELDS, price_rows)
    return BulkResult(len(household_ids), item_count, events, prices)


def _households(household_ids: list[int], now: datetime) -> None:
    batch = secrets.token_hex(3)  # usernames stay unique when the command runs again
    unusable = make_password(None)
    insert_rows(
        Household,
        ("id", "name", "time_zone", "low_stock_days", "llm_opt_out", "created_at"),
        (
            (household_id, f"Seeded household {batch}-{n}", default_time_zone(), 3, False, now)
            for n, household_id in enumerate(household_ids)
        ),
    )
    user_ids = reserve_ids(User, len(household_ids))
    insert_rows(
        User,
        ("id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
         "is_active", "date_joined"),
        ((user_id, unusable, None, False, f"seed-{batch}-{n}", "", "", f"seed-{batch}-{n}@example.invalid", False,
          True, now) for n, user_id in enumerate(user_ids)),
    )  # fmt: skip
    insert_rows(
        Membership,
        ("user_id", "household_id", "role", "joined_at"),
        (
            (user_id, household_id, Membership.Role.OWNER, now)
            for user_id, household_id in zip(user_ids, household_ids, strict=True)
        ),
    )


def _preferences(household_ids: list[int], rng: random.Random, now: datetime) -> None:
    insert_rows(
        Preferences,
        ("household_id", "auto_reorder", "cover_days", "approval_required", "monthly_budget", "currency",
         "shopping_interval_days", "allowed_vendors", "allowed_stores", "updated_at"),
        ((household_id, number % 2 == 0, rng.choice((3, 5, 7)), rng.random() < 0.8,
          Decimal(rng.choice((60, 120, 250))) if rng.random() < 0.3 else None, "USD", None, [], [], now)
         for number, household_id in enumerate(household_ids)),
    )  # fmt: skip


def _pick(rng: random.Random, count: int) -> list[tuple[str, Product]]:
    """`count` products in a random order, with their item names; past the catalogue's length, the same products
    again under numbered names (names are unique within a household)."""
    picks = rng.sample(PRODUCTS, len(PRODUCTS))
    chosen = []
    for number in range(count):
        product, round_ = picks[number % len(picks)], number // len(picks)
        chosen.append((product.name if round_ == 0 else f"{product.name} {round_ + 1}", product))
    return chosen


def _item_row(
    item_id: int,
    household_id: int,
    name: str,
    product: Product,
    use: Decimal,
    rng: random.Random,
    today: date,
    now: datetime,
) -> tuple[object, ...]:
    left = Decimal(rng.uniform(0, float(product.pack))).quantize(Decimal("0.001"))
    runout = today + timedelta(days=int(left / use))
    reason = f"about {use.normalize()} {product.unit}/day, judging by purchases"
    return (item_id, household_id, name, product.category, product.unit, left, "", None, None, Decimal(1),
            use, runout, reason, now, now)  # fmt: skip


def _history(
    item_id: int,
    household_id: int,
    product: Product,
    use: Decimal,
    stores: list[str],
    rng: random.Random,
    today: date,
    events: list[tuple[object, ...]],
    prices: list[list[object]],
) -> None:
    """A purchase with its receipt price each time a pack would have run out over the history."""
    start = today - timedelta(days=BULK_HISTORY_DAYS)
    days_per_pack = max(2, int(product.pack / use))
    day = rng.randint(0, days_per_pack)
    latest: dict[str, list[object]] = {}
    while day < BULK_HISTORY_DAYS:
        paid_on = start + timedelta(days=day)
        at = datetime(paid_on.year, paid_on.month, paid_on.day, 17, tzinfo=UTC)
        total = (product.pack_price * Decimal(rng.uniform(0.9, 1.15))).quantize(CENT, ROUND_HALF_UP)
        # Bought when the shelf was empty: the journal reads as the receipts of a household that logs no uses.
        events.append((item_id, "receipt", product.pack, product.pack, None, at, "", "", None, False))
        store = stores[rng.random() < 0.3]
        latest[store] = [household_id, item_id, store, paid_on, product.pack, product.pack, product.unit,
                         (total / product.pack).quantize(Decimal("0.000001")), total, "USD", "", "", at, False]  # fmt: skip
        prices.append(latest[store])
        day += days_per_pack
    for row in latest.values():
        row[-1] = True  # the last purchase at each store is its latest price
