"""Every write to the inventory: items, stock changes, undo, and the forecast that follows each change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.services import audit_record, records_refusals
from grapefruit.encryption import blind_index
from grapefruit.models import Household
from inventory import forecast as fc
from inventory.categories import guess_category
from inventory.models import (
    ITEM_NAME_PURPOSE,
    MAX_QUANTITY,
    STORE_PURPOSE,
    ForecastRecord,
    Item,
    PricePaid,
    StockEvent,
)
from inventory.units import Unit, UnitError, convert, format_amount, parse_unit, quantize

# Journal kinds as the forecaster sees them: a receipt or a delivery is a purchase.
_FORECAST_KIND = {
    StockEvent.Kind.PURCHASE: fc.EventKind.PURCHASE,
    StockEvent.Kind.RECEIPT: fc.EventKind.PURCHASE,
    StockEvent.Kind.DELIVERY: fc.EventKind.PURCHASE,
    StockEvent.Kind.CONSUME: fc.EventKind.CONSUME,
    StockEvent.Kind.ADJUST: fc.EventKind.ADJUST,
    StockEvent.Kind.SPOIL: fc.EventKind.SPOIL,
}
_ADDING_KINDS = (StockEvent.Kind.PURCHASE, StockEvent.Kind.RECEIPT, StockEvent.Kind.DELIVERY)
# A receipt dated this close to a purchase recorded without one is taken to be that purchase's receipt (a day
# either way absorbs a trip past midnight and a receipt dated by its date only).
RECEIPT_MATCH_DAYS = 1
UNIT_PRICE_PLACES = Decimal("0.000001")


class StockError(ValidationError):
    """A stock change that cannot happen (using more than there is, undoing nothing)."""


@dataclass(frozen=True)
class ItemDraft:
    """One row of a bulk add."""

    name: str
    unit: str = "pcs"
    quantity: Decimal = Decimal(0)
    category: str = ""


@dataclass(frozen=True)
class StockSource:
    """What caused a change, recorded as a generic pointer (app label.model, id)."""

    type: str
    id: str


# --- items ---------------------------------------------------------------------------------------------------


@records_refusals("inventory.item_create")
@transaction.atomic
def item_create(
    *,
    actor: Any,
    household: Household,
    name: str,
    unit: str = "pcs",
    quantity: Decimal = Decimal(0),
    category: str = "",
    location: str = "",
    best_before: date | None = None,
    minimum: Decimal | None = None,
) -> Item:
    """Create an item; an opening quantity is journalled as a correction (a count, not a purchase)."""
    item = Item(
        household=household,
        name=" ".join(name.split()),
        unit=_unit(unit).code,
        category=category or guess_category(name),
        location=location,
        best_before=best_before,
        minimum=minimum,
    )
    _clean_new_item(item)
    item.save()
    if quantity:
        _apply(item, actor=actor, kind=StockEvent.Kind.ADJUST, delta=_amount(quantity), at=timezone.now())
    audit_record(actor=actor, household=household, action="inventory.item_create", target=item)
    return item


@transaction.atomic
def items_bulk_create(*, actor: Any, household: Household, drafts: Sequence[ItemDraft]) -> list[Item]:
    """All or nothing: one bad row rolls back the others, so a retry does not duplicate them."""
    return [
        item_create(
            actor=actor,
            household=household,
            name=draft.name,
            unit=draft.unit,
            quantity=draft.quantity,
            category=draft.category,
        )
        for draft in drafts
    ]


_EDITABLE = ("name", "category", "location", "best_before", "minimum")


@records_refusals("inventory.item_update", target="item")
@transaction.atomic
def item_update(*, actor: Any, item: Item, **changes: Any) -> Item:
    """Change descriptive fields. The unit is fixed at creation: the journal is written in it."""
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise TypeError(f"item_update cannot change {', '.join(sorted(unknown))}")
    changed = [field for field, value in changes.items() if getattr(item, field) != value]
    for field in changed:
        setattr(item, field, changes[field])
    if not changed:
        return item
    if "name" in changed:
        item.name = " ".join(item.name.split())
        changed.append("name_index")
    _clean_new_item(item)
    item.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        household=item.household,
        action="inventory.item_update",
        target=item,
        details={"fields": sorted(set(changed) - {"name_index"})},
    )
    return item


@records_refusals("inventory.item_archive", target="item")
@transaction.atomic
def item_archive(*, actor: Any, item: Item) -> Item:
    """Take an item out of the lists and warnings; its journal stays and item_restore brings it back."""
    item = _lock(item)
    if item.archived_at is None:
        item.archived_at = timezone.now()
        item.save(update_fields=["archived_at", "updated_at"])
        audit_record(actor=actor, household=item.household, action="inventory.item_archive", target=item)
    return item


@records_refusals("inventory.item_restore", target="item")
@transaction.atomic
def item_restore(*, actor: Any, item: Item) -> Item:
    item = _lock(item)
    if item.archived_at is not None:
        item.archived_at = None
        item.save(update_fields=["archived_at", "updated_at"])
        audit_record(actor=actor, household=item.household, action="inventory.item_restore", target=item)
    return item


@records_refusals("inventory.item_delete", target="item")
@transaction.atomic
def item_delete(*, actor: Any, item: Item) -> None:
    """Delete an item with its journal and predictions, for good. Receipt lines that pointed at it stay."""
    item = _lock(item)
    details = {"events": item.events.count()}
    audit_record(
        actor=actor, household=item.household, action="inventory.item_delete", target=item, details=details
    )
    item.delete()


def _clean_new_item(item: Item) -> None:
    item.full_clean(exclude=["household", "name_index"])
    duplicate = (
        Item.objects.filter(
            household=item.household, name_index=blind_index(item.name, purpose=ITEM_NAME_PURPOSE)
        )
        .exclude(pk=item.pk)
        .first()
    )
    if duplicate is not None and duplicate.archived_at is not None:
        raise ValidationError(
            {
                "name": "An archived item has this name: restore it from the archived items, or choose another name."
            }
        )
    if duplicate is not None:
        raise ValidationError({"name": "An item with this name already exists."})


# --- stock ---------------------------------------------------------------------------------------------------


@records_refusals("inventory.stock_add", target="item")
@transaction.atomic
def stock_add(
    *,
    actor: Any,
    item: Item,
    amount: Decimal,
    unit: str | None = None,
    kind: str = StockEvent.Kind.PURCHASE,
    source: StockSource | None = None,
    ran_out: bool = False,
    at: datetime | None = None,
    awaiting_receipt: bool = False,
) -> StockEvent | None:
    """Add bought or delivered stock. `ran_out` says the shelf was empty before this purchase, which settles the
    open predictions even if nobody logged the last use.

    `awaiting_receipt` marks a purchase recorded without its receipt. A receipt line for the same item within
    RECEIPT_MATCH_DAYS of such purchases settles them first and adds only what they did not already count;
    when they counted it all, nothing is added and None is returned."""
    if kind not in _ADDING_KINDS:
        raise ValueError(f"stock_add takes a purchase, receipt or delivery, not {kind!r}")
    if awaiting_receipt and kind != StockEvent.Kind.PURCHASE:
        raise ValueError("only a purchase can wait for its receipt")
    item = _lock(item)
    when = at or timezone.now()
    if ran_out:
        _resolve_forecasts(item, _local_date(item, when))
    delta = _positive(_in_item_unit(item, amount, unit))
    if kind == StockEvent.Kind.RECEIPT:
        delta = _settle_awaiting_receipt(actor, item, delta, when)
        if delta <= 0:
            return None
    event = _apply(
        item, actor=actor, kind=kind, delta=delta, at=when, source=source, awaiting_receipt=awaiting_receipt
    )
    _audit_stock(actor, item, event, "inventory.stock_add")
    if item.archived_at is not None:
        # Bought again: the household uses it after all.
        item_restore(actor=actor, item=item)
    return event


def _settle_awaiting_receipt(actor: Any, item: Item, amount: Decimal, when: datetime) -> Decimal:
    """Mark the purchases this receipt line accounts for as settled; return the amount still to add."""
    window = timedelta(days=RECEIPT_MATCH_DAYS)
    pending = item.events.filter(
        kind=StockEvent.Kind.PURCHASE,
        awaiting_receipt=True,
        undone_at__isnull=True,
        at__gte=when - window,
        at__lte=when + window,
    ).order_by("at", "id")
    settled: list[int] = []
    remaining = amount
    for event in pending:
        if remaining <= 0:
            break
        settled.append(event.pk)
        remaining -= event.delta
    if not settled:
        return amount
    StockEvent.objects.filter(pk__in=settled).update(awaiting_receipt=False)
    audit_record(
        actor=actor,
        household=item.household,
        action="inventory.stock_receipt_settles",
        target=item,
        details={"events": settled, "added": str(max(remaining, Decimal(0)))},
    )
    return remaining


@records_refusals("inventory.stock_consume", target="item")
@transaction.atomic
def stock_consume(
    *,
    actor: Any,
    item: Item,
    amount: Decimal,
    unit: str | None = None,
    spoiled: bool = False,
    at: datetime | None = None,
) -> StockEvent:
    """Record a use (or, with `spoiled`, something thrown away); refuse to take more than is in stock."""
    item = _lock(item)
    taken = _positive(_in_item_unit(item, amount, unit))
    if taken > item.quantity:
        raise StockError(
            {
                "amount": f"Only {format_amount(item.quantity)} {item.unit} in stock; record a correction first."
            }
        )
    kind = StockEvent.Kind.SPOIL if spoiled else StockEvent.Kind.CONSUME
    event = _apply(item, actor=actor, kind=kind, delta=-taken, at=at or timezone.now())
    if not spoiled:
        item.usual_use = taken
        item.save(update_fields=["usual_use"])
    _audit_stock(actor, item, event, "inventory.stock_spoil" if spoiled else "inventory.stock_consume")
    return event


@records_refusals("inventory.stock_correct", target="item")
@transaction.atomic
def stock_correct(
    *, actor: Any, item: Item, quantity: Decimal, unit: str | None = None, at: datetime | None = None
) -> StockEvent | None:
    """Set the stock to what a member counted. A correction is not consumption: the forecaster skips it."""
    item = _lock(item)
    counted = quantize(_in_item_unit(item, quantity, unit))
    _check_range(counted, field="quantity")
    if counted == item.quantity:
        return None
    event = _apply(item, actor=actor, kind=StockEvent.Kind.ADJUST, delta=counted - item.quantity, at=at)
    _audit_stock(actor, item, event, "inventory.stock_correct")
    return event


@records_refusals("inventory.stock_undo", target="item")
@transaction.atomic
def stock_undo_last(*, actor: Any, item: Item) -> StockEvent:
    """Reverse the change recorded last that is not already undone; the entry stays in the journal, marked.
    Undoing a purchase dated in the past takes its amount back out of the entries after it."""
    item = _lock(item)
    event = item.events.filter(undone_at__isnull=True).order_by("-id").first()
    if event is None:
        raise StockError("There is nothing to undo.")
    restored = item.quantity - event.delta
    if restored < 0:
        raise StockError("Undoing this would leave a negative stock; record a correction instead.")
    event.undone_at = timezone.now()
    event.save(update_fields=["undone_at"])
    if event.delta > 0:  # the entries recorded before it but dated after it were raised by _backdate
        shifted = item.events.filter(at__gt=event.at, pk__lt=event.pk)
        shifted.update(quantity_after=F("quantity_after") - event.delta)
    item.quantity = restored
    item.save(update_fields=["quantity", "updated_at"])
    refresh_forecast(item, now=event.undone_at)
    audit_record(
        actor=actor,
        household=item.household,
        action="inventory.stock_undo",
        target=item,
        details={"event": event.pk, "kind": event.kind, "delta": str(event.delta)},
    )
    return event


def _apply(
    item: Item,
    *,
    actor: Any,
    kind: str,
    delta: Decimal,
    at: datetime | None,
    source: StockSource | None = None,
    awaiting_receipt: bool = False,
) -> StockEvent:
    now = timezone.now()
    when = at or now
    after = item.quantity + delta
    _check_range(after, field="amount")
    event = StockEvent(
        item=item,
        kind=kind,
        delta=delta,
        quantity_after=_backdate(item, when, delta) if delta > 0 else after,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=when,
        source_type=source.type if source else "",
        source_id=source.id if source else "",
        awaiting_receipt=awaiting_receipt,
    )
    event.full_clean(exclude=["item", "actor"])
    event.save()
    item.quantity = after
    item.save(update_fields=["quantity", "updated_at"])
    if after <= 0:
        _resolve_forecasts(item, _local_date(item, when))
    # A purchase recorded after the fact (an old receipt) changes the history; the forecast is still of today.
    refresh_forecast(item, now=max(when, now))
    return event


def _backdate(item: Item, when: datetime, delta: Decimal) -> Decimal:
    """The stock after an addition at `when`. One earlier than journal entries already recorded (a receipt
    applied days later) sits at its own time with the stock it left then, and every later entry holds `delta`
    more, so the journal and the chart stay consistent with today's stock."""
    later = item.events.filter(at__gt=when)
    first_later = later.order_by("at", "id").first()
    if first_later is None:
        return item.quantity + delta
    later.update(quantity_after=F("quantity_after") + delta)
    return first_later.quantity_after - first_later.delta + delta


def _audit_stock(actor: Any, item: Item, event: StockEvent, action: str) -> None:
    details = {"kind": event.kind, "delta": str(event.delta), "quantity": str(event.quantity_after)}
    if event.source_type:
        details["source"] = f"{event.source_type}:{event.source_id}"
    audit_record(actor=actor, household=item.household, action=action, target=item, details=details)


def _lock(item: Item) -> Item:
    """Re-read the row under a lock so two members using the last egg at once cannot both succeed."""
    return Item.objects.select_for_update().select_related("household").get(pk=item.pk)


def _unit(text: str) -> Unit:
    try:
        return parse_unit(text)
    except UnitError as error:
        raise ValidationError({"unit": str(error)}) from error


def _in_item_unit(item: Item, amount: Decimal, unit: str | None) -> Decimal:
    if unit is None:
        return amount
    try:
        return convert(Decimal(amount), _unit(unit), item.unit_info)
    except UnitError as error:
        raise ValidationError({"unit": str(error)}) from error


def _amount(amount: Decimal) -> Decimal:
    value = quantize(Decimal(amount))
    _check_range(value, field="quantity")
    return value


def _positive(amount: Decimal) -> Decimal:
    value = quantize(amount)
    if value <= 0:
        raise ValidationError({"amount": "Enter an amount greater than zero."})
    _check_range(value, field="amount")
    return value


def _check_range(value: Decimal, *, field: str) -> None:
    if value < 0:
        raise ValidationError({field: "Stock cannot go below zero."})
    if value > MAX_QUANTITY:
        raise ValidationError({field: f"That is more than {format_amount(MAX_QUANTITY)}; check the amount."})


# --- prices paid ---------------------------------------------------------------------------------------------


@transaction.atomic
def price_paid_record(
    *,
    actor: Any,
    item: Item,
    total_price: Decimal,
    quantity: Decimal,
    unit: str,
    currency: str,
    paid_on: date,
    store: str = "",
    packs: Decimal = Decimal(1),
    source: StockSource | None = None,
) -> PricePaid:
    """Record what was paid for `quantity` (in `unit`, converted to the item's unit) bought as `packs` packs."""
    item = _lock(item)  # one writer per item at a time keeps a single latest price per store
    amount = _positive(_in_item_unit(item, quantity, unit))
    if packs <= 0:
        raise ValidationError({"packs": "Enter a number of packs greater than zero."})
    row = PricePaid(
        household=item.household,
        item=item,
        store=" ".join(store.split()),
        paid_on=paid_on,
        quantity=amount,
        pack_size=quantize(amount / packs),
        unit=item.unit,
        unit_price=(total_price / amount).quantize(UNIT_PRICE_PLACES),
        total_price=total_price,
        currency=currency.strip().upper(),
        source_type=source.type if source else "",
        source_id=source.id if source else "",
    )
    row.full_clean(exclude=["household", "item", "store_index"])
    latest = PricePaid.objects.filter(
        item=item, store_index=blind_index(row.store, purpose=STORE_PURPOSE), is_latest=True
    ).first()
    # A receipt applied late (an older purchase) adds to the history without replacing the latest price.
    row.is_latest = latest is None or row.paid_on >= latest.paid_on
    if row.is_latest and latest is not None:
        latest.is_latest = False
        latest.save(update_fields=["is_latest"])
    row.save()
    audit_record(
        actor=actor,
        household=item.household,
        action="inventory.price_paid_record",
        target=row,
        details={"item": item.pk, "source": f"{row.source_type}:{row.source_id}" if source else ""},
    )
    return row


# --- forecasts -----------------------------------------------------------------------------------------------


def history_for(item: Item, *, now: datetime, events: Sequence[StockEvent] | None = None) -> fc.History:
    """The forecaster's view of an item: its live journal entries within the forecaster's horizon."""
    if events is None:
        horizon = now - timedelta(days=fc.ForecastParams().max_history_days)
        events = list(item.events.filter(undone_at__isnull=True, at__gte=horizon, at__lte=now))
    changes = tuple(
        fc.StockChange(at=event.at, kind=_FORECAST_KIND[event.kind], delta=event.delta)
        for event in events
        if event.undone_at is None
    )
    return fc.History(unit=item.unit, as_of=now, quantity=item.quantity, events=changes)


def refresh_forecast(item: Item, *, now: datetime) -> fc.Forecast:
    """Recompute the item's prediction, keep it on the row, and add it to the ledger when it names a date.

    The forecaster works in the household's time zone, so a run-out date is a day on the household's calendar."""
    result = fc.forecast(history_for(item, now=timezone.localtime(now, item.household.zone)))
    item.rate_per_day = result.rate_per_day
    item.predicted_runout = result.runout
    item.forecast_reason = result.reason[:300]
    item.save(update_fields=["rate_per_day", "predicted_runout", "forecast_reason"])
    if result.runout is not None and item.quantity > 0:
        ForecastRecord.objects.create(
            item=item,
            made_at=now,
            predicted_runout=result.runout,
            rate_per_day=result.rate_per_day,
            method=result.method,
        )
    return result


def _local_date(item: Item, when: datetime) -> date:
    return timezone.localtime(when, item.household.zone).date()


def _resolve_forecasts(item: Item, actual: date) -> None:
    """The item ran out on `actual`: score every prediction still waiting for that answer, and add them to the
    item's counts of settled predictions."""
    for record in item.forecasts.filter(actual_runout__isnull=True, made_at__date__lte=actual):
        record.actual_runout = actual
        record.error_days = fc.forecast_error_days(record.predicted_runout, actual)
        record.save(update_fields=["actual_runout", "error_days"])
        item.settled_forecasts += 1
        item.settled_error_days += abs(record.error_days)
    item.save(update_fields=["settled_forecasts", "settled_error_days"])
