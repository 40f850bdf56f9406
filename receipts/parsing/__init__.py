"""The offline receipt parser: receipt text in, structured receipt out (pure, no ORM, no network).

The parser is a set of general layout rules, not per-shop templates: a line that ends in an amount is an item,
a discount, a fee or a non-item; quantity and weight lines attach to the item whose amount they explain (above
or below it); a negative line that repeats an item voids it. The arithmetic is checked afterwards by
`receipts.parsing.reconcile`, which flags disagreements instead of rejecting the receipt.
"""

from __future__ import annotations

from dataclasses import replace

from receipts.parsing.header import (
    Header,
    detect_currency,
    find_date,
    find_merchant,
    parse_header,
)
from receipts.parsing.items import parse_items
from receipts.parsing.lines import split_line, split_merged_items
from receipts.parsing.money import CENT, ONE, ZERO, to_decimal
from receipts.parsing.noise import clean_line
from receipts.parsing.plausibility import NOT_A_RECEIPT, looks_like_receipt
from receipts.parsing.reconcile import reconcile
from receipts.parsing.result import ParsedLine, ParsedReceipt
from receipts.parsing.totals import corroborated_total, find_total

__all__ = [
    "CENT",
    "NOT_A_RECEIPT",
    "ONE",
    "ZERO",
    "Header",
    "ParsedLine",
    "ParsedReceipt",
    "clean_line",
    "detect_currency",
    "find_date",
    "find_merchant",
    "find_total",
    "parse_header",
    "parse_items",
    "parse_receipt_text",
    "split_line",
    "split_merged_items",
    "to_decimal",
]


def parse_receipt_text(text: str) -> ParsedReceipt:
    """Parse receipt text (clean or OCR output) into a ParsedReceipt, with reconciliation warnings."""
    lines = [clean_line(raw) for raw in text.splitlines()]
    head = parse_header(lines)
    ends = [i for i in (head.items_end, head.total_index) if i is not None]
    end = min(ends, default=len(lines))
    items, charges = parse_items(lines, end)
    if not looks_like_receipt(
        lines,
        has_items=bool(items),
        total_labelled=head.total_index is not None,
        has_date=head.date is not None,
    ):
        return ParsedReceipt(warnings=(NOT_A_RECEIPT,), is_receipt=False)
    receipt = ParsedReceipt(
        merchant=head.merchant,
        merchant_address=head.address,
        date=head.date,
        time=head.time,
        currency=head.currency,
        subtotal=head.subtotal,
        tax=head.tax,
        total=head.total,
        items=tuple(items),
        charges=tuple(charges),
        adjustments=head.adjustments,
        payments=head.payments,
    )
    receipt = replace(receipt, total=corroborated_total(receipt, head.tendered))
    return reconcile(receipt)
