"""Review and apply: a member's corrections (remembered for the store) and the all-or-nothing stock update."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, records_refusals
from grapefruit.dates import calendar_day
from grapefruit.encryption import blind_index
from inventory import services as inventory
from inventory.models import ITEM_NAME_PURPOSE, Item
from receipts import matching
from receipts.models import Receipt, ReceiptLine
from receipts.selectors import household_items
from receipts.services.ingest import ReceiptError
from receipts.services.memory import store_alias_learn

# A receipt dated further back than this asks when its items were bought before it changes stock.
CONFIRM_DATE_AFTER_DAYS = 7
# When a receipt prints its date but no time, its purchases are recorded at midday of that date.
DEFAULT_PURCHASE_TIME = time(12, 0)


class BoughtOn(StrEnum):
    """When the items of a receipt dated well in the past were bought, as the member says."""

    RECEIPT_DATE = "receipt_date"
    TODAY = "today"


@dataclass(frozen=True)
class LineEdit:
    """A member's version of one receipt line from the review page."""

    line_id: int
    name: str
    quantity: Decimal
    unit: str
    total_price: Decimal | None
    action: str
    item_id: int | None
    new_item_name: str


@records_refusals("receipt.review", target="receipt", errors=(ReceiptError,))
def receipt_lines_update(*, actor: Any, receipt: Receipt, edits: Sequence[LineEdit]) -> Receipt:
    """Save a member's corrections; a changed match or action is remembered for this store."""
    with transaction.atomic():
        receipt = _lock_for_review(receipt)
        lines = {line.pk: line for line in receipt.lines.all()}
        item_ids = _household_item_ids(receipt)
        changed = 0
        for edit in edits:
            line = lines.get(edit.line_id)
            if line is None:
                raise ReceiptError("A line of this receipt no longer exists. Reload the page.")
            if edit.item_id is not None and edit.item_id not in item_ids:
                raise ReceiptError("The chosen item is not in your inventory.")
            changed += _apply_edit(receipt, line, edit)
        audit_record(
            actor=actor, household=receipt.household, action="receipt.review", target=receipt,
            details={"lines_changed": changed},
        )  # fmt: skip
    return receipt


def _apply_edit(receipt: Receipt, line: ReceiptLine, edit: LineEdit) -> int:
    rematched = (edit.action, edit.item_id) != (line.action, line.item_id)
    fields = {
        "name": edit.name, "quantity": edit.quantity, "unit": edit.unit, "total_price": edit.total_price,
        "action": edit.action, "item_id": edit.item_id, "new_item_name": edit.new_item_name,
    }  # fmt: skip
    if all(getattr(line, name) == value for name, value in fields.items()):
        return 0
    for name, value in fields.items():
        setattr(line, name, value)
    if rematched:
        line.match_source = ReceiptLine.Source.MANUAL
        line.confidence = Decimal(1)
    line.full_clean(exclude=["receipt", "item"])
    line.save()
    if rematched:
        store_alias_learn(receipt=receipt, line=line)
    return 1


def _lock_for_review(receipt: Receipt) -> Receipt:
    locked = Receipt.objects.select_for_update().select_related("household").get(pk=receipt.pk)
    if locked.status != Receipt.Status.NEEDS_REVIEW:
        raise ReceiptError(f"This receipt is {locked.get_status_display().lower()}; it cannot be changed.")
    return locked


def _household_item_ids(receipt: Receipt) -> set[int]:
    return set(household_items(household=receipt.household).values_list("pk", flat=True))


@records_refusals("receipt.apply", target="receipt", errors=(ReceiptError,))
def receipt_apply(
    *, actor: Any, receipt: Receipt, allow_duplicate: bool = False, bought_on: BoughtOn | None = None
) -> Receipt:
    """Add every accepted line to stock in one transaction: a failure on any line leaves stock untouched.

    The stock is recorded as bought at the receipt's date and time, so the forecaster learns from when things
    were bought, not from when the receipt was read; one dated more than CONFIRM_DATE_AFTER_DAYS back needs the
    member to say whether that date (or today) is right.
    """
    with transaction.atomic():
        receipt = _lock_for_review(receipt)
        if receipt.duplicate_of_id and not allow_duplicate:
            raise ReceiptError(
                f"This looks like receipt #{receipt.duplicate_of_id} uploaded again. "
                "Confirm it is a different purchase to apply it."
            )
        if bought_on is None and purchase_date_needs_confirmation(receipt):
            raise ReceiptError(_date_question(receipt))
        bought_at = purchase_moment(receipt, bought_on)
        item_ids = _household_item_ids(receipt)
        added = 0
        for line in receipt.lines.select_related("item").order_by("position"):
            added += _apply_line(actor, receipt, line, item_ids, bought_at)
        receipt.status = Receipt.Status.APPLIED
        receipt.applied_at = timezone.now()
        receipt.applied_by = actor
        receipt.save(update_fields=["status", "applied_at", "applied_by", "updated_at"])
        audit_record(
            actor=actor, household=receipt.household, action="receipt.apply", target=receipt,
            details={
                "lines_added": added, "duplicate_confirmed": bool(receipt.duplicate_of_id),
                "bought_on": bought_at.date().isoformat(),
            },
        )  # fmt: skip
    return receipt


def purchase_date_needs_confirmation(receipt: Receipt, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        receipt.purchase_date is not None and (today - receipt.purchase_date).days > CONFIRM_DATE_AFTER_DAYS
    )


def purchase_moment(receipt: Receipt, bought_on: BoughtOn | None = None) -> datetime:
    """When the receipt's items were bought: its printed date and time (midday when no time is printed), never
    later than now (a misread date in the future), or now when the member says they were bought today."""
    now = timezone.now()
    if receipt.purchase_date is None or bought_on == BoughtOn.TODAY:
        return now
    clock = _printed_time(receipt) or DEFAULT_PURCHASE_TIME
    return min(timezone.make_aware(datetime.combine(receipt.purchase_date, clock)), now)


def _printed_time(receipt: Receipt) -> time | None:
    printed = (receipt.parsed or {}).get("time")
    try:
        return time.fromisoformat(printed) if printed else None
    except ValueError:
        return None


def _date_question(receipt: Receipt) -> str:
    when = receipt.purchase_date
    assert when is not None
    today = timezone.localdate()
    return (
        f"This receipt is dated {calendar_day(when, today=today)}, {(today - when).days} days ago. "
        "Say whether its items were bought "
        "on that date or today before adding them to your inventory."
    )


def _apply_line(
    actor: Any, receipt: Receipt, line: ReceiptLine, item_ids: set[int], bought_at: datetime
) -> int:
    if line.action == ReceiptLine.Action.IGNORE:
        store_alias_learn(receipt=receipt, line=line)
        return 0
    try:
        if line.is_return:
            raise ReceiptError("a returned item is not added to stock; choose Ignore.")
        if line.action == ReceiptLine.Action.ADD_EXISTING:
            if line.item_id not in item_ids:
                raise ReceiptError("choose an item from your inventory.")
            item = line.item
        else:
            item = _new_item(actor, receipt, line)
            line.item, line.action = item, ReceiptLine.Action.ADD_EXISTING
            line.save(update_fields=["item", "action"])
        quantity, unit = matching.fit_to_unit(line.printed_name, line.quantity, line.unit, item.unit)
        source = inventory.StockSource(type="receipts.receipt", id=str(receipt.pk))
        inventory.stock_add(
            actor=actor, item=item, amount=quantity, unit=unit, kind="receipt", source=source, at=bought_at
        )
        _record_price(actor, receipt, line, item, quantity, unit, source, timezone.localdate(bought_at))
    except (ValidationError, ReceiptError) as error:
        raise ReceiptError(f"Line {line.position} ({line.name}): {_message(error)}") from error
    store_alias_learn(receipt=receipt, line=line)
    return 1


def _record_price(
    actor: Any,
    receipt: Receipt,
    line: ReceiptLine,
    item: Any,
    quantity: Decimal,
    unit: str,
    source: Any,
    paid_on: date,
) -> None:
    """What was paid, per unit of the item, for the cart and the reorder job (inventory keeps it). A line
    counted in pieces is that many packs."""
    if line.total_price is None:
        return
    inventory.price_paid_record(
        actor=actor,
        item=item,
        total_price=line.total_price,
        quantity=quantity,
        unit=unit,
        packs=line.quantity if line.unit == "pcs" and line.quantity > 0 else Decimal(1),
        currency=(receipt.parsed or {}).get("currency") or settings.DEFAULT_CURRENCY,
        paid_on=paid_on,
        store=receipt.merchant,
        source=source,
    )


def _new_item(actor: Any, receipt: Receipt, line: ReceiptLine) -> Any:
    """Create the line's new item, or reuse the one of that name (made earlier on this receipt, or meanwhile)."""
    name = " ".join((line.new_item_name or line.name).split())
    existing = Item.objects.filter(
        household=receipt.household,
        name_index=blind_index(name, purpose=ITEM_NAME_PURPOSE),
    ).first()
    if existing is not None:
        return existing
    return inventory.item_create(actor=actor, household=receipt.household, name=name, unit=line.unit)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
