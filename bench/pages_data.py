"""The household the page benchmark renders: what a busy household looks like after a year of use: 2,000 items,
a year of prices paid in four stores, a cart, receipts, an audit log.

Rows are written with bulk_create (the services would take minutes for this much history); every encrypted
field is still encrypted, so the pages pay the real decryption cost.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from audit.models import AuditEvent
from grapefruit.models import Household, Membership, User
from inventory.categories import Category
from inventory.models import ForecastRecord, Item, PricePaid, StockEvent
from llm.models import LLMCallLog
from orders.models import CartLine
from receipts.models import Receipt, ReceiptLine

WORDS = ["milk", "rice", "coffee", "apples", "pasta", "yogurt", "butter", "flour", "tea", "beans", "soap"]
UNITS = ["pcs", "pcs", "g", "kg", "l", "ml", "lb"]
RECEIPT_LINES = 40
AUDIT_EVENTS = 5000
LLM_CALLS = 60
CART_LINES = 30
STORES = ("Corner Grocer", "Freshway Market", "Bio Shop", "Bench Market")
PURCHASES_A_WEEK = 40


@dataclass(frozen=True)
class BenchHousehold:
    user: User
    journal_item_id: int
    receipt_id: int


def fill(items: int) -> BenchHousehold:
    rng = random.Random(3)
    household = Household.objects.create(name="Bench household")
    user = User.objects.create_user("bench", password="bench-password-not-secret")  # noqa: S106
    Membership.objects.create(user=user, household=household, role=Membership.Role.OWNER)
    pantry = _items(household, items, rng)
    _short_journals(pantry[: items // 10], user)
    journal_item = _year_of_journal(pantry[-1], user, rng)
    _prices_paid(household, pantry, rng)
    _cart(household, user, pantry, rng)
    receipt = _receipt(household, user, pantry, rng)
    _audit(household, user, pantry, rng)
    _llm_calls(household, user)
    return BenchHousehold(user=user, journal_item_id=journal_item.pk, receipt_id=receipt.pk)


def _items(household: Household, count: int, rng: random.Random) -> list[Item]:
    today = timezone.localdate()
    rows = [
        Item(
            household=household,
            name=f"{rng.choice(WORDS)} {n}",
            category=rng.choice(Category.values),
            unit=rng.choice(UNITS),
            quantity=Decimal(rng.randint(0, 2000)) / 100,
            usual_use=Decimal(1),
            predicted_runout=today + timedelta(days=rng.randint(-5, 40)) if rng.random() < 0.8 else None,
            rate_per_day=Decimal("0.5"),
            forecast_reason="about 0.5 pcs/day over the last 6 weeks",
        )
        for n in range(count)
    ]
    return Item.objects.bulk_create(rows, batch_size=500)


def _short_journals(items: list[Item], user: User) -> None:
    now = timezone.now()
    events = [
        StockEvent(
            item=item,
            kind="consume",
            delta=Decimal(-1),
            quantity_after=item.quantity,
            actor=user,
            at=now - timedelta(days=day),
        )
        for item in items
        for day in range(20)
    ]
    StockEvent.objects.bulk_create(events, batch_size=1000)


def _year_of_journal(item: Item, user: User, rng: random.Random) -> Item:
    """Two uses a day and a purchase a week for a year, with a forecast made after each change."""
    start = timezone.now() - timedelta(days=365)
    level = Decimal(10)
    events, forecasts = [], []
    for day in range(365):
        for hour, delta in ((8, Decimal(-1)), (19, Decimal("-0.5"))):
            if day % 7 == 0 and hour == 8:
                delta = Decimal(10)
            level = max(level + delta, Decimal(0))
            at = start + timedelta(days=day, hours=hour)
            kind = "purchase" if delta > 0 else "consume"
            events.append(
                StockEvent(item=item, kind=kind, delta=delta, quantity_after=level, actor=user, at=at)
            )
            predicted = (at + timedelta(days=rng.randint(3, 9))).date()
            forecasts.append(
                ForecastRecord(
                    item=item,
                    made_at=at,
                    predicted_runout=predicted,
                    method="consumption",
                    actual_runout=predicted + timedelta(days=1),
                    error_days=-1,
                )
            )
    StockEvent.objects.bulk_create(events, batch_size=1000)
    ForecastRecord.objects.bulk_create(forecasts, batch_size=1000)
    item.quantity = level
    # The counters the service keeps as predictions settle (bulk_create bypasses it).
    item.settled_forecasts = len(forecasts)
    item.settled_error_days = sum(abs(record.error_days) for record in forecasts)
    item.save(update_fields=["quantity", "settled_forecasts", "settled_error_days"])
    return item


def _prices_paid(household: Household, items: list[Item], rng: random.Random) -> None:
    """A year of shopping: some forty lines a week across four stores."""
    today = timezone.localdate()
    rows = []
    for week in range(52):
        for _ in range(PURCHASES_A_WEEK):
            item = rng.choice(items)
            unit_price = Decimal(rng.randint(20, 900)) / 100
            quantity = Decimal(rng.randint(1, 3))
            rows.append(
                PricePaid(
                    household=household,
                    item=item,
                    store=rng.choice(STORES),
                    paid_on=today - timedelta(days=7 * week + rng.randint(0, 6)),
                    quantity=quantity,
                    pack_size=Decimal(1),
                    unit=item.unit,
                    unit_price=unit_price,
                    total_price=unit_price * quantity,
                    currency="USD",
                )
            )
    # The newest price of each item at each store is marked latest, as price_paid_record marks it.
    latest: dict[tuple[int, str], PricePaid] = {}
    for row in rows:
        key = (row.item.pk, row.store)
        if key not in latest or row.paid_on >= latest[key].paid_on:
            latest[key] = row
    for row in latest.values():
        row.is_latest = True
    PricePaid.objects.bulk_create(rows, batch_size=1000)


def _cart(household: Household, user: User, items: list[Item], rng: random.Random) -> None:
    lines = [
        CartLine(household=household, item=item, quantity=Decimal(rng.randint(1, 4)), added_by=user)
        for item in rng.sample(items, CART_LINES)
    ]
    CartLine.objects.bulk_create(lines)


def _receipt(household: Household, user: User, items: list[Item], rng: random.Random) -> Receipt:
    receipt = Receipt.objects.create(
        household=household,
        uploaded_by=user,
        status=Receipt.Status.NEEDS_REVIEW,
        kind=Receipt.Kind.TEXT,
        file="receipts/bench/receipt",
        upload_token="bench",  # noqa: S106 - a file name part, not a secret
        original_filename="bench.txt",
        merchant="Bench Market",
        purchase_date=timezone.localdate() - timedelta(days=1),
        printed_total=Decimal("123.45"),
        parsed={"subtotal": 120.0},
        ocr_text="BENCH MARKET\n" + "\n".join(f"LINE {n} 1.99" for n in range(RECEIPT_LINES)),
        ocr_engine="text",
        ocr_seconds=0.01,
    )
    lines = []
    for position in range(1, RECEIPT_LINES + 1):
        matched = position % 4 != 0
        item = rng.choice(items) if matched else None
        lines.append(
            ReceiptLine(
                receipt=receipt,
                position=position,
                printed_name=f"BENCH PRODUCT {position} 500G",
                name=f"Bench product {position}",
                quantity=Decimal(rng.randint(1, 3)),
                unit=item.unit if item else "pcs",
                unit_price=Decimal("1.99"),
                total_price=Decimal("1.99"),
                action=ReceiptLine.Action.ADD_EXISTING if matched else ReceiptLine.Action.CREATE_NEW,
                item=item,
                new_item_name="" if matched else f"Bench product {position}",
                confidence=Decimal("0.85") if matched else Decimal("0.5"),
                match_source=ReceiptLine.Source.FUZZY if matched else ReceiptLine.Source.NONE,
            )
        )
    ReceiptLine.objects.bulk_create(lines)
    return receipt


def _audit(household: Household, user: User, items: list[Item], rng: random.Random) -> None:
    actions = ["inventory.stock_consume", "inventory.stock_add", "inventory.item_create", "receipt.apply"]
    events = [
        AuditEvent(
            household=household,
            actor=user,
            action=rng.choice(actions),
            target_type="inventory.Item",
            target_id=str(rng.choice(items).pk),
            details={"kind": "consume", "delta": "-1", "quantity": "3"},
        )
        for _ in range(AUDIT_EVENTS)
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def _llm_calls(household: Household, user: User) -> None:
    calls = [
        LLMCallLog(
            household=household,
            actor=user,
            purpose="receipt.parse",
            provider="openai",
            model="asi1-mini",
            prompt_sent="Parse this receipt: BENCH MARKET ... " * 20,
            input_tokens=900,
            output_tokens=300,
            outcome=LLMCallLog.Outcome.OK,
            latency_ms=1200,
        )
        for _ in range(LLM_CALLS)
    ]
    LLMCallLog.objects.bulk_create(calls)
