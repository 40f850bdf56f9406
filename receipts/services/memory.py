"""The receipt's memory of a household: suggested matches, the per-store alias memory, the duplicate guard."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from grapefruit.encryption import blind_index
from receipts import matching
from receipts.models import (
    ALIAS_PURPOSE,
    CONTENT_PURPOSE,
    PURCHASE_PURPOSE,
    STORE_PURPOSE,
    Receipt,
    ReceiptLine,
    StoreAlias,
)
from receipts.selectors import item_candidates

# StoreAlias.size keeps four decimals: a pound in kilograms is 0.4536.
SIZE_STEP = Decimal("0.0001")


def receipt_match(*, receipt: Receipt) -> None:
    """Suggest an action and item for every line a member has not chosen by hand."""
    candidates = item_candidates(household=receipt.household)
    aliases = _aliases(receipt)
    for line in receipt.lines.exclude(match_source=ReceiptLine.Source.MANUAL):
        if line.is_return:
            # A returned item left the house; it is not stock to add (the member corrects stock by hand).
            suggestion = matching.Suggestion(
                matching.Action.IGNORE, None, Decimal(1), matching.MatchSource.RULE
            )
        else:
            hit = aliases.get(matching.alias_key(line.printed_name))
            remembered = hit.amount(line.printed_quantity) if hit is not None else None
            if remembered is not None:
                line.quantity, line.unit = remembered
            suggestion = matching.suggest(line.printed_name, line.unit, candidates, hit)
        line.action = suggestion.action.value
        line.item_id = suggestion.item_id
        line.confidence = suggestion.confidence
        line.match_source = suggestion.source.value
        line.new_item_name = suggestion.new_item_name
        if suggestion.item_id is not None:
            unit = next(c.unit for c in candidates if c.item_id == suggestion.item_id)
            line.quantity, line.unit = matching.fit_to_unit(line.printed_name, line.quantity, line.unit, unit)
        line.save(
            update_fields=[
                "action",
                "item",
                "confidence",
                "match_source",
                "new_item_name",
                "quantity",
                "unit",
            ]
        )


def _store_aliases(receipt: Receipt) -> Any:
    return StoreAlias.objects.filter(
        household_id=receipt.household_id,
        store_index=blind_index(receipt.merchant, purpose=STORE_PURPOSE),
    )


def _aliases(receipt: Receipt) -> dict[str, matching.AliasHit]:
    if not receipt.merchant:
        return {}
    return {
        row.alias_text: matching.AliasHit(
            matching.Action(row.action), row.item_id, row.times_confirmed, size=row.size, unit=row.unit
        )
        for row in _store_aliases(receipt)
    }


def purchase_key(receipt: Receipt) -> str | None:
    """What identifies a purchase: store, date, printed total and the lines with their prices."""
    lines = sorted(
        f"{matching.alias_key(line.printed_name)}={line.total_price}" for line in receipt.lines.all()
    )
    if receipt.printed_total is None or not lines:
        return None
    return "|".join([receipt.merchant, str(receipt.purchase_date or ""), str(receipt.printed_total), *lines])


def find_duplicate(receipt: Receipt) -> Receipt | None:
    """The earliest other receipt of the household with the same bytes or the same purchase fingerprint."""
    # Only earlier uploads count: of two copies, the first is the original whichever is parsed first.
    others = Receipt.objects.filter(household_id=receipt.household_id, pk__lt=receipt.pk)
    others = others.exclude(status=Receipt.Status.FAILED).order_by("pk")
    same_file = others.filter(
        content_index=blind_index(receipt.content_digest, purpose=CONTENT_PURPOSE)
    ).first()
    if same_file is not None or receipt.purchase_key is None:
        return same_file
    return others.filter(
        purchase_fingerprint=blind_index(receipt.purchase_key, purpose=PURCHASE_PURPOSE)
    ).first()


def store_alias_learn(*, receipt: Receipt, line: ReceiptLine) -> None:
    """Learn the member's choice for this printed text at this store (a repeated choice grows more certain), and
    the quantity and unit they corrected the line to."""
    if not receipt.merchant or line.action == ReceiptLine.Action.CREATE_NEW:
        return
    key = matching.alias_key(line.printed_name)
    alias = (
        _store_aliases(receipt)
        .select_for_update()
        .filter(alias_index=blind_index(key, purpose=ALIAS_PURPOSE))
        .first()
    )
    if alias is None:
        alias = StoreAlias(household_id=receipt.household_id, store_name=receipt.merchant, alias_text=key)
    same = alias.action == line.action and alias.item_id == line.item_id
    alias.times_confirmed = alias.times_confirmed + 1 if same else 1
    alias.action, alias.item_id = line.action, line.item_id
    alias.size, alias.unit = _size_correction(line)
    alias.save()


def _size_correction(line: ReceiptLine) -> tuple[Decimal | None, str]:
    """The line's amount per printed unit when it differs from what the receipt printed ('EGGS 18CT': 18 pcs
    for each 1 printed), else (None, '')."""
    printed = abs(line.printed_quantity)
    if not printed or (line.quantity, line.unit) == (printed, line.printed_unit):
        return None, ""
    return (line.quantity / printed).quantize(SIZE_STEP, ROUND_HALF_UP), line.unit
