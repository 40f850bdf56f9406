"""Line items: which lines are purchases, discounts, voids, returns or charges, and their quantities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from receipts.parsing.lines import (
    FEE_RE,
    HEADING_RE,
    INFO_RE,
    PRODUCT_BAG_RE,
    RETURN_MARK_RE,
    SKIP_LINE_RE,
    SKIP_SECTION_RE,
    SOLD_BY_RE,
    VOID_RE,
    Line,
    Qty,
    clean_name,
    is_name_residue,
    name_overlap,
    similar,
    split_line,
    split_merged_items,
)
from receipts.parsing.money import CENT, ONE, TRAILING_AMOUNT_RE, ZERO, has_words
from receipts.parsing.result import ParsedLine


@dataclass
class _Item:
    name: str
    amount: Decimal
    quantity: Decimal | None = None
    unit: str = "each"
    unit_price: Decimal | None = None
    discount: Decimal = ZERO
    is_return: bool = False

    def fits(self, qty: Qty) -> bool:
        """Whether a quantity line explains this item's amount (so it belongs to it)."""
        return self.quantity is None and qty.matches(self.amount)

    def take(self, qty: Qty) -> None:
        self.quantity, self.unit_price = qty.quantity, qty.unit_price
        if qty.unit != "each" or self.unit not in {"bunch", "dozen"}:
            self.unit = qty.unit

    def freeze(self) -> ParsedLine:
        quantity = self.quantity if self.quantity is not None else ONE
        unit_price = self.unit_price
        if unit_price is None and quantity:
            unit_price = abs(self.amount) / quantity
        total = self.amount + self.discount
        if self.is_return:
            quantity, total = -abs(quantity), -abs(total)
        return ParsedLine(
            name=self.name,
            quantity=quantity,
            unit=self.unit,
            unit_price=unit_price.quantize(CENT, ROUND_HALF_UP) if unit_price is not None else None,
            total_price=total,
            discount=self.discount,
            is_return=self.is_return,
        )


@dataclass
class _State:
    items: list[_Item] = field(default_factory=list)
    pending_name: str | None = None
    pending_qty: Qty | None = None
    returning: bool = False
    voiding: bool = False
    skipping: bool = False
    last_was_item: bool = False
    charges: list[tuple[str, Decimal]] = field(default_factory=list)


def parse_items(lines: list[str], end: int) -> tuple[list[ParsedLine], list[tuple[str, Decimal]]]:
    """The purchased lines, and the non-item charges among them (deposits, bag fees, deposit refunds)."""
    state = _State()
    start = next((i for i, line in enumerate(lines[:end]) if TRAILING_AMOUNT_RE.search(line)), end)
    if 0 < start < end and lines[start - 1].strip():
        start -= 1  # the first item's name may sit on the line above its amount
    for line in lines[start:end]:
        for segment in split_merged_items(line):
            _consume(state, segment)
    _apply_late_discounts(state, lines[end:])
    return [item.freeze() for item in state.items], state.charges


def _consume(state: _State, line: str) -> None:
    if not line.strip():
        state.skipping = False
        return
    if SKIP_SECTION_RE.match(line):
        state.skipping = True
        return
    if state.skipping or SKIP_LINE_RE.search(line):
        return
    parsed = split_line(line)
    if parsed.amount is None:
        _consume_text(state, parsed)
    elif parsed.negative:
        _consume_negative(state, parsed)
    else:
        _consume_positive(state, parsed)


def _consume_text(state: _State, parsed: Line) -> None:
    if parsed.qty is not None and not has_words(parsed.name):
        _place_qty(state, parsed.qty)
        return
    if VOID_RE.search(parsed.raw):
        state.voiding = True
        return
    if RETURN_MARK_RE.match(parsed.raw):
        state.returning = True
        return
    if has_words(parsed.name) and not HEADING_RE.match(parsed.name):
        state.pending_name = parsed.name
        if parsed.qty is not None:
            state.pending_qty = parsed.qty
        elif state.items and state.items[-1].quantity is None and parsed.qty is None:
            pass
    state.last_was_item = False


def _place_qty(state: _State, qty: Qty) -> None:
    """Quantity lines sit under their item on most receipts and above it on some (Kroger, Metro)."""
    last = state.items[-1] if state.items else None
    if last is not None and state.last_was_item and last.fits(qty):
        last.take(qty)
    else:
        state.pending_qty = qty


def _consume_negative(state: _State, parsed: Line) -> None:
    assert parsed.amount is not None
    voided = _find_voided(state, parsed)
    if voided is not None:
        state.items.remove(voided)
        state.voiding = False
        state.last_was_item = False
        return
    if FEE_RE.search(parsed.name) and not state.returning:
        state.charges.append((clean_name(parsed.name), -parsed.amount))
        state.last_was_item = False
        return
    if state.returning or RETURN_MARK_RE.match(parsed.name):
        name = RETURN_MARK_RE.sub("", parsed.name).strip() or state.pending_name or ""
        if is_name_residue(name) and state.pending_name:
            name = state.pending_name
        if has_words(name):
            _add_item(state, parsed, name, is_return=True)
            state.returning = False
            return
    if (state.items and state.last_was_item) or (state.items and not FEE_RE.search(parsed.name)):
        state.items[-1].discount -= parsed.amount


def _find_voided(state: _State, parsed: Line) -> _Item | None:
    explicit = state.voiding or bool(VOID_RE.search(parsed.raw))
    name = VOID_RE.sub("", parsed.name).strip(" *")
    for item in reversed(state.items):
        if item.amount != parsed.amount or item.is_return:
            continue
        if explicit or similar(item.name, name) >= 0.85:
            return item
    return None


def _consume_positive(state: _State, parsed: Line) -> None:
    name = parsed.name
    # 'MILK 3.49' is an item, but an indented 'MRJ  5.49' is the flag and price of the name wrapped above it.
    if is_name_residue(name) and (len(name) <= 2 or parsed.raw.startswith("  ")):
        if state.pending_name is None:
            if parsed.qty is not None and state.items and state.items[-1].fits(parsed.qty):
                state.items[-1].take(parsed.qty)
            return
        name = state.pending_name
    if (FEE_RE.search(name) and not PRODUCT_BAG_RE.search(name)) or INFO_RE.search(name):
        if not INFO_RE.search(name):
            state.charges.append((clean_name(name), parsed.amount))
        state.pending_name = None
        state.pending_qty = None
        state.last_was_item = False
        return
    _add_item(state, parsed, name, is_return=state.returning)
    state.returning = False


def _add_item(state: _State, parsed: Line, name: str, *, is_return: bool) -> None:
    assert parsed.amount is not None
    item = _Item(name=clean_name(name), amount=parsed.amount, is_return=is_return)
    sold_by = SOLD_BY_RE.search(item.name)
    if sold_by and len(item.name) > sold_by.end() - sold_by.start() + 2:
        item.name = clean_name(SOLD_BY_RE.sub(" ", item.name))
        item.unit = "bunch" if sold_by.group(1).lower().startswith("bunch") else "dozen"
    if parsed.qty is not None and parsed.qty.matches(parsed.amount):
        item.take(parsed.qty)
    elif state.pending_qty is not None and state.pending_qty.matches(parsed.amount):
        item.take(state.pending_qty)
    else:
        _infer_count(item, parsed)
    if item.quantity is not None and item.unit == "each":
        # A quantity column between the name and the prices: 'MILK 2 1.99 3.98'.
        item.name = re.sub(rf"\s+{item.quantity}$", "", item.name) or item.name
    state.items.append(item)
    state.pending_name = None
    state.pending_qty = None
    state.voiding = False
    state.last_was_item = True


def _infer_count(item: _Item, parsed: Line) -> None:
    """A leading count or an '@ price' on the item's own line: kept only when the arithmetic agrees."""
    price = parsed.unit_price
    count = parsed.leading_qty
    if price and price > 0:
        ratio = abs(item.amount) / price
        if ratio == ratio.to_integral_value() and ratio >= 1:
            item.take(Qty(ratio, "each", price))
            return
    if count and count > 1:
        item.take(Qty(Decimal(count), "each", (abs(item.amount) / count).quantize(CENT, ROUND_HALF_UP)))


def _apply_late_discounts(state: _State, tail: list[str]) -> None:
    """Bonus blocks after the subtotal that name one item (Albert Heijn) reduce that item."""
    for parsed in (split_line(part) for line in tail[:15] for part in split_merged_items(line)):
        if parsed.amount is None or not parsed.negative or not has_words(parsed.name):
            continue
        best = max(state.items, key=lambda it: name_overlap(it.name, parsed.name), default=None)
        if best is not None and name_overlap(best.name, parsed.name) >= 0.8:
            best.discount -= parsed.amount
