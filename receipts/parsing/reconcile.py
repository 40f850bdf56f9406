"""Arithmetic checks on a parsed receipt (pure).

A receipt whose numbers disagree is still useful: the parser's guess is kept and the lines and fields that do
not add up are flagged for the member to review, instead of rejecting the upload.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from receipts.parsing.money import CENT
from receipts.parsing.result import ParsedLine, ParsedReceipt

# Receipts round weighed prices differently (half-up, down, per shop); a cent either way is not a disagreement.
TOLERANCE = Decimal("0.01")

LINE_ARITHMETIC = "line_arithmetic"


def reconcile(receipt: ParsedReceipt) -> ParsedReceipt:
    """Return the receipt with per-line flags and receipt-level warnings for every check that fails."""
    items = tuple(_check_line(item) for item in receipt.items)
    warnings = list(receipt.warnings)
    flagged = [item.name for item in items if LINE_ARITHMETIC in item.flags]
    if flagged:
        warnings.append(f"quantity x unit price does not match the line total for: {', '.join(flagged)}")
    warnings.extend(_check_subtotal(receipt, items))
    warnings.extend(_check_total(receipt, items))
    if not items:
        warnings.append("no line items found")
    if receipt.total is None:
        warnings.append("no total found")
    return replace(receipt, items=items, warnings=tuple(warnings))


def _check_line(item: ParsedLine) -> ParsedLine:
    if item.unit_price is None or item.total_price is None:
        return item
    expected = (abs(item.quantity) * item.unit_price).quantize(CENT, ROUND_HALF_UP) + item.discount
    if abs(expected - abs(item.total_price)) <= TOLERANCE:
        return item
    return replace(item, flags=(*item.flags, LINE_ARITHMETIC))


def _check_subtotal(receipt: ParsedReceipt, items: tuple[ParsedLine, ...]) -> list[str]:
    if receipt.subtotal is None or not items:
        return []
    lines_sum = receipt.lines_total
    # Savings printed after the subtotal that name an item (Albert Heijn's BONUS block) are netted into it.
    late_savings = sum((amount for _, amount in receipt.adjustments if amount < 0), Decimal(0))
    if min(abs(lines_sum - receipt.subtotal), abs(lines_sum - receipt.subtotal - late_savings)) <= TOLERANCE:
        return []
    return [f"line items add up to {lines_sum}, the subtotal printed is {receipt.subtotal}"]


def _check_total(receipt: ParsedReceipt, items: tuple[ParsedLine, ...]) -> list[str]:
    if receipt.total is None or (receipt.subtotal is None and not items):
        return []
    base = receipt.subtotal if receipt.subtotal is not None else receipt.lines_total
    base += receipt.adjustments_total
    # Tax is added on top in North America and included in the prices in most other countries.
    added = base + (receipt.tax or Decimal(0))
    if abs(added - receipt.total) <= TOLERANCE or abs(base - receipt.total) <= TOLERANCE:
        return []
    what = "subtotal" if receipt.subtotal is not None else "line items"
    return [f"{what} {base} plus tax {receipt.tax or 0} is not the total {receipt.total}"]
