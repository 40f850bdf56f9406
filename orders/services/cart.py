"""The household's cart: add, change, tick off while shopping, and "I bought these"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, records_refusals
from grapefruit.models import Household
from inventory import services as inventory_services
from inventory.models import Item
from orders import actions, selectors
from orders.errors import OrderError
from orders.models import CartLine

# Where "I bought these" stock comes from: the cart of this household, awaiting the trip's receipt.
CART_SOURCE_TYPE = "orders.cart"


def _suggested(household: Household, items: list[Item], today: date) -> dict[int, Decimal]:
    preferences = selectors.preferences_get(household=household)
    prices = selectors.item_pricing(household=household, items=items, preferences=preferences, today=today)
    interval = selectors.shopping_interval(household=household, preferences=preferences, today=today)
    return {item.pk: selectors.suggested_for(item, prices[item.pk], interval) for item in items}


@records_refusals(actions.CART_ADD, errors=(OrderError,))
@transaction.atomic
def cart_add(
    *,
    actor: Any,
    household: Household,
    item: Item,
    quantity: Decimal | None = None,
    today: date | None = None,
) -> CartLine:
    """Put an item in the cart (or change its quantity if it is there). Without a quantity, the suggested one:
    the forecast use until the next shopping trip, in whole packs."""
    if item.household_id != household.pk:
        raise ValidationError({"item": "This item belongs to another household."})
    if quantity is None:
        quantity = _suggested(household, [item], today or timezone.localdate())[item.pk]
    line = CartLine.objects.filter(household=household, item=item).first() or CartLine(
        household=household, item=item, added_by=actor if actor.is_authenticated else None
    )
    line.quantity = quantity
    line.full_clean(exclude=["household", "item", "added_by"])
    line.save()
    audit_record(
        actor=actor,
        household=household,
        action=actions.CART_ADD,
        target=line,
        details={"item": item.pk, "quantity": str(line.quantity)},
    )
    return line


@transaction.atomic
def cart_add_low(*, actor: Any, household: Household, today: date) -> int:
    """Add every running-low item that is neither in the cart nor on an open order, with suggested quantities."""
    items = selectors.low_stock_items(household=household, today=today)
    quantities = _suggested(household, items, today)
    lines = [
        CartLine(household=household, item=item, quantity=quantities[item.pk], added_by=actor)
        for item in items
    ]
    # Two members pressing the button at once: the second adds nothing twice (one line per item).
    CartLine.objects.bulk_create(lines, ignore_conflicts=True)
    audit_record(
        actor=actor,
        household=household,
        action=actions.CART_ADD_LOW,
        details={"items": [item.pk for item in items]},
    )
    return len(lines)


@records_refusals(actions.CART_UPDATE, target="line", errors=(OrderError,))
@transaction.atomic
def cart_update(*, actor: Any, line: CartLine, quantity: Decimal) -> CartLine:
    line.quantity = quantity
    line.full_clean(exclude=["household", "item", "added_by"])
    line.save(update_fields=["quantity"])
    audit_record(
        actor=actor,
        household=line.household,
        action=actions.CART_UPDATE,
        target=line,
        details={"item": line.item_id, "quantity": str(line.quantity)},
    )
    return line


@records_refusals(actions.CART_REMOVE, target="line", errors=(OrderError,))
@transaction.atomic
def cart_remove(*, actor: Any, line: CartLine) -> None:
    audit_record(
        actor=actor,
        household=line.household,
        action=actions.CART_REMOVE,
        target=line,
        details={"item": line.item_id},
    )
    line.delete()


@transaction.atomic
def cart_tick(*, actor: Any, line: CartLine, ticked: bool) -> CartLine:
    line.ticked_at = timezone.now() if ticked else None
    line.save(update_fields=["ticked_at"])
    audit_record(
        actor=actor,
        household=line.household,
        action=actions.CART_TICK,
        target=line,
        details={"item": line.item_id, "ticked": ticked},
    )
    return line


@records_refusals(actions.CART_BOUGHT, errors=(OrderError,))
@transaction.atomic
def cart_bought(*, actor: Any, household: Household) -> int:
    """Add the ticked lines to stock as purchases and take them out of the cart. The purchases wait for the
    trip's receipt: applying it later settles them instead of adding the goods again. Ticked lines are locked
    and removed in this transaction, so pressing the button twice adds them once."""
    lines = list(
        CartLine.objects.select_for_update()
        .filter(household=household, ticked_at__isnull=False)
        .select_related("item")
        .order_by("id")
    )
    if not lines:
        raise OrderError("Tick the lines you bought first.")
    now = timezone.now()
    for line in lines:
        inventory_services.stock_add(
            actor=actor,
            item=line.item,
            amount=line.quantity,
            kind="purchase",
            source=inventory_services.StockSource(type=CART_SOURCE_TYPE, id=str(household.pk)),
            at=now,
            awaiting_receipt=True,
        )
    CartLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
    audit_record(
        actor=actor,
        household=household,
        action=actions.CART_BOUGHT,
        details={"items": [line.item_id for line in lines]},
    )
    return len(lines)
