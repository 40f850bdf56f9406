"""Shortcuts the orders tests share: items with a forecast, prices paid, an order at a given stage."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from inventory import services as inventory
from inventory.models import Item, PricePaid
from orders import services
from orders.models import Order


def low_item(
    *, household: Any, name: str, quantity: str = "1", rate: str = "1", days_left: int = 1, **fields: Any
) -> Item:
    """An item predicted to run out in `days_left` days, using `rate` a day (no journal needed)."""
    return Item.objects.create(
        household=household,
        name=name,
        quantity=Decimal(quantity),
        rate_per_day=Decimal(rate),
        predicted_runout=timezone.localdate() + timedelta(days=days_left),
        **fields,
    )


def paid(
    *,
    item: Item,
    total: str,
    quantity: str = "1",
    store: str = "Corner Grocer",
    days_ago: int = 1,
    packs: str = "1",
) -> PricePaid:
    return inventory.price_paid_record(
        actor=None,
        item=item,
        total_price=Decimal(total),
        quantity=Decimal(quantity),
        unit=item.unit,
        packs=Decimal(packs),
        currency="USD",
        paid_on=timezone.localdate() - timedelta(days=days_ago),
        store=store,
    )


def order_from_cart(
    *, user: Any, household: Any, items: list[Item], vendor: str = "demo", today: date | None = None
) -> Order:
    for item in items:
        services.cart_add(actor=user, household=household, item=item, quantity=Decimal(2))
    return services.order_create_from_cart(
        actor=user, household=household, vendor_key=vendor, today=today or timezone.localdate()
    )


def approved_order(*, user: Any, household: Any, items: list[Item], vendor: str = "demo") -> Order:
    order = order_from_cart(user=user, household=household, items=items, vendor=vendor)
    services.order_submit(actor=user, order=order)
    return services.order_approve(actor=user, order=order)
