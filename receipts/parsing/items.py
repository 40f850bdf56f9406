"""Line items: which lines are purchases, discounts, voids, returns or charges, and their quantities.

Lines are read top to bottom. A line without an amount is a name waiting for its price (or a quantity, a
heading, a void or return marker); a line with an amount is an item, a charge, information, or, when it carries
no name of its own ('2 @ 1.25  2.50', 'Qty: 2  $7.38', '$2.89'), the amount of the name waiting above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from receipts.parsing.kinds import (
    HEADING_RE,
    INFO_RE,
    RETURN_MARK_RE,
    SKIP_LINE_RE,
    SKIP_SECTION_RE,
    VOID_RE,
    is_charge,
    is_section_heading,
)
from receipts.parsing.lines import (
    SOLD_BY_RE,
    Line,
    Qty,
    clean_name,
    is_name_residue,
    name_overlap,
    similar,
    split_line,
    split_merged_items,
)
from receipts.parsing.money import CENT, LETTER_RE, ONE, TRAILING_AMOUNT_RE, ZERO, has_words
from receipts.parsing.result import ParsedLine

# How many lines above the first amount may still belong to the first item (its name and a quantity line).
FIRST_ITEM_LINES_ABOVE = 2
# A name line at least this long was cut at the printer's name column, so the next line continues it.
WRAPPED_NAME_LENGTH = 18
# A line above an item that is not the start of its name: a label, a number, an address.
_NOT_A_NAME_RE = re.compile(r"[:#@]|\d{3,}\s*$")
# Item numbers a savings line may refer to ('INST SV 980063720').
_ITEM_NUMBER_RE = re.compile(r"\d{6,}")
# Words a discount line is written with besides the name of the item it reduces.
_DISCOUNT_WORDS_RE = re.compile(
    r"\b(coupon|mfr|manufacturer|digital|e-?vic|vic|sc|mvp|savings?|saving|save|discount|disc|off|instant|inst|"
    r"sv|price|member|rewards?|promo|promotional|markdown|rabatt|korting|remise|rabais|sale|offer|club|card|"
    r"bonus|deal|owner)\b|\d+\s*%",
    re.IGNORECASE,
)


@dataclass
class _Item:
    name: str
    amount: Decimal
    raw: str = ""
    quantity: Decimal | None = None
    unit: str = "each"
    unit_price: Decimal | None = None
    discount: Decimal = ZERO
    is_return: bool = False

    def fits(self, qty: Qty) -> bool:
        """Whether a quantity line explains this item's amount (so it belongs to it)."""
        return self.quantity is None and qty.matches(self.amount)

    def take(self, qty: Qty) -> None:
        resolved = qty.resolve(self.amount)
        if resolved is None:
            return
        self.quantity, self.unit_price = resolved.quantity, resolved.unit_price
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
    pending_raw: str = ""
    pending_qty: Qty | None = None
    # The waiting name is the line right above the current one (nothing printed between them).
    name_just_above: bool = False
    returning: bool = False
    voiding: bool = False
    skipping: bool = False
    last_was_item: bool = False
    charges: list[tuple[str, Decimal]] = field(default_factory=list)

    def forget_pending(self) -> None:
        self.pending_name, self.pending_raw, self.pending_qty = None, "", None


def parse_items(lines: list[str], end: int) -> tuple[list[ParsedLine], list[tuple[str, Decimal]]]:
    """The purchased lines, and the non-item charges among them (deposits, bag fees, deposit refunds)."""
    state = _State()
    start = next((i for i, line in enumerate(lines[:end]) if TRAILING_AMOUNT_RE.search(line)), end)
    # The first item's name, and its quantity line, may sit above its amount ('Milk' / 'Qty: 2' / '$7.38').
    for _ in range(FIRST_ITEM_LINES_ABOVE):
        if 0 < start < end and lines[start - 1].strip():
            start -= 1
    for line in lines[start:end]:
        for segment in split_merged_items(line):
            _consume(state, segment)
    _apply_late_discounts(state, lines[end:])
    return [item.freeze() for item in state.items], state.charges


def _consume(state: _State, line: str) -> None:
    if not line.strip():
        state.skipping = state.name_just_above = False
        return
    if SKIP_SECTION_RE.match(line):
        state.skipping = True
        state.forget_pending()
        return
    if state.skipping or SKIP_LINE_RE.search(line):
        state.name_just_above = False
        return
    parsed = split_line(line)
    if parsed.amount is None:
        _consume_text(state, parsed)
        return
    if parsed.negative:
        _consume_negative(state, parsed)
    elif parsed.amount == 0:
        state.forget_pending()  # free or not supplied: "Delivery fee $0.00", "Tuna  2  0  $4.50  $0.00"
        state.last_was_item = False
    else:
        _consume_positive(state, parsed)
    state.name_just_above = False


def _consume_text(state: _State, parsed: Line) -> None:
    state.name_just_above = False
    if parsed.qty is not None and not has_words(parsed.name):
        _place_qty(state, parsed.qty)
    elif VOID_RE.search(parsed.raw):
        state.voiding = True
    elif RETURN_MARK_RE.match(parsed.raw):
        state.returning = True
    elif is_section_heading(parsed.name) or HEADING_RE.match(parsed.name):
        state.forget_pending()
    elif has_words(parsed.name):
        state.pending_name, state.pending_raw, state.pending_qty = parsed.name, parsed.raw, parsed.qty
        state.name_just_above = True
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
    state.pending_qty = None
    voided = _find_voided(state, parsed)
    if voided is not None:
        state.items.remove(voided)
        state.voiding = False
        state.last_was_item = False
        return
    if is_charge(parsed.name) and not state.returning:
        state.charges.append((clean_name(parsed.name), -parsed.amount))
        state.last_was_item = False
        return
    if not state.items or state.items[-1].is_return:
        # Nothing bought above it to take a saving off: on a refund receipt every line is a return.
        state.returning = state.returning or _names_a_product(parsed.name)
    if state.returning or RETURN_MARK_RE.match(parsed.name):
        name = RETURN_MARK_RE.sub("", parsed.name).strip() or state.pending_name or ""
        if is_name_residue(name) and state.pending_name:
            name = state.pending_name
        if has_words(name):
            _add_item(state, parsed, name, is_return=True)
            state.returning = False
            return
    _apply_discount(state, parsed)


def _apply_discount(state: _State, parsed: Line) -> None:
    """A negative line reduces the item it names, else the item above it; one larger than that item is an
    order-level saving, kept with the charges so the arithmetic still closes."""
    assert parsed.amount is not None
    target = _named_item(state, parsed) or (state.items[-1] if state.items else None)
    if target is None or target.amount + target.discount - parsed.amount < 0:
        state.charges.append((clean_name(parsed.name), -parsed.amount))
        return
    target.discount -= parsed.amount


def _names_a_product(text: str) -> bool:
    """More than the words a saving is written with ('COUPON', 'MEMBER SAVINGS 20% OFF')."""
    return len(LETTER_RE.findall(_DISCOUNT_WORDS_RE.sub(" ", clean_name(text)))) >= 4


def _named_item(state: _State, parsed: Line) -> _Item | None:
    """The earlier item a discount line names, by its words ('COUPON CHOBANI GREEK YOG') or its item number."""
    codes = set(_ITEM_NUMBER_RE.findall(parsed.raw))
    for item in reversed(state.items):
        if codes & set(_ITEM_NUMBER_RE.findall(item.raw)):
            return item
    if not _names_a_product(parsed.name):
        return None
    words = _DISCOUNT_WORDS_RE.sub(" ", clean_name(parsed.name))
    best = max(state.items, key=lambda item: name_overlap(item.name, words), default=None)
    if best is not None and name_overlap(best.name, words) >= 0.6:
        return best
    return None


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
    if _is_nameless(parsed):
        if state.pending_name is None:
            # A quantity line carrying the amount of the item above it.
            if parsed.qty is not None and state.items and state.items[-1].fits(parsed.qty):
                state.items[-1].take(parsed.qty)
            return
        name = state.pending_name
    elif state.name_just_above and state.pending_name and _continues(state, parsed):
        name = f"{state.pending_name} {name}"
    if is_charge(name) or INFO_RE.search(name):
        if not INFO_RE.search(name):
            state.charges.append((clean_name(name), parsed.amount))
        state.forget_pending()
        state.last_was_item = False
        return
    _add_item(state, parsed, name, is_return=state.returning)
    state.returning = False


def _is_nameless(parsed: Line) -> bool:
    """No product name of its own: only a quantity, a price label or tax flags ('2 @ 1.25  2.50 F', '$2.89')."""
    name = parsed.name.strip()
    if not has_words(clean_name(name)):
        return True
    # 'MILK 3.49' is an item, but an indented 'MRJ  5.49' is the flag and price of the name wrapped above it.
    return is_name_residue(name) and (len(name) <= 2 or parsed.raw.startswith("  "))


def _continues(state: _State, parsed: Line) -> bool:
    """Whether the priced line finishes a name wrapped from the line above ('PC ORGANICS FREE RUN LG BROWN' /
    '   EGGS 12   6.99') rather than following a line that is not a name."""
    above = clean_name(state.pending_name or "")
    if _NOT_A_NAME_RE.search(above) or len(LETTER_RE.findall(above)) < 0.6 * len(above):
        return False
    indented_more = _indent(parsed.raw) > _indent(state.pending_raw)
    return indented_more or len(above) >= WRAPPED_NAME_LENGTH or above.endswith(("&", ",", "/", "-"))


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def _add_item(state: _State, parsed: Line, name: str, *, is_return: bool) -> None:
    assert parsed.amount is not None
    item = _Item(
        name=clean_name(name),
        amount=parsed.amount,
        raw=f"{state.pending_raw} {parsed.raw}",
        is_return=is_return,
    )
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
    state.forget_pending()
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
        item.take(Qty(Decimal(count), "each", None))


def _apply_late_discounts(state: _State, tail: list[str]) -> None:
    """Bonus blocks after the subtotal that name one item (Albert Heijn) reduce that item."""
    # Only a line with a minus sign or a bracket can be a saving.
    negative = [line for line in tail[:15] if "-" in line or "(" in line]
    for parsed in (split_line(part) for line in negative for part in split_merged_items(line)):
        if parsed.amount is None or not parsed.negative or not has_words(parsed.name):
            continue
        best = max(state.items, key=lambda it: name_overlap(it.name, parsed.name), default=None)
        if best is not None and name_overlap(best.name, parsed.name) >= 0.8:
            best.discount -= parsed.amount
