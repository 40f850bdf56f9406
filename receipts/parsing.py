"""The offline receipt parser: receipt text in, structured receipt out (pure, no ORM, no network).

The parser is a set of general layout rules, not per-shop templates: a line that ends in an amount is an item,
a discount, a fee or a non-item; quantity and weight lines attach to the item whose amount they explain (above
or below it); a negative line that repeats an item voids it. The arithmetic is checked afterwards by
`receipts.reconcile`, which flags disagreements instead of rejecting the receipt.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ONE = Decimal(1)
ZERO = Decimal(0)


@dataclass(frozen=True)
class ParsedLine:
    """One purchased (or returned) product. `total_price` is after `discount` (which is <= 0)."""

    name: str
    quantity: Decimal = ONE
    unit: str = "each"
    unit_price: Decimal | None = None
    total_price: Decimal | None = None
    discount: Decimal = ZERO
    is_return: bool = False
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "quantity": _num(self.quantity),
            "unit": self.unit,
            "unit_price": _num(self.unit_price),
            "total_price": _num(self.total_price),
        }


@dataclass(frozen=True)
class ParsedReceipt:
    merchant: str | None = None
    merchant_address: str | None = None
    date: date | None = None
    time: str | None = None
    currency: str | None = None
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    total: Decimal | None = None
    items: tuple[ParsedLine, ...] = ()
    # Non-item amounts printed among the items (deposits, bag fees, deposit refunds): they close the arithmetic.
    charges: tuple[tuple[str, Decimal], ...] = ()
    # Amounts between the subtotal and the total besides tax: service fees, tips, cash rounding, order savings.
    adjustments: tuple[tuple[str, Decimal], ...] = ()
    payments: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """The command's JSON shape. Money becomes JSON numbers: a 2-decimal Decimal's float repr round-trips."""
        return {
            "merchant": self.merchant,
            "merchant_address": self.merchant_address,
            "date": self.date.isoformat() if self.date else None,
            "time": self.time,
            "currency": self.currency,
            "subtotal": _num(self.subtotal),
            "tax": _num(self.tax),
            "total": _num(self.total),
            "items": [item.to_json() for item in self.items],
            "warnings": list(self.warnings),
        }


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def parse_receipt_text(text: str) -> ParsedReceipt:
    """Parse receipt text (clean or OCR output) into a ParsedReceipt, with reconciliation warnings."""
    from receipts import reconcile  # reconcile imports this module's dataclasses

    lines = [clean_line(raw) for raw in text.splitlines()]
    head = parse_header(lines)
    ends = [i for i in (head.items_end, head.total_index) if i is not None]
    end = min(ends, default=len(lines))
    items, charges = parse_items(lines, end)
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
    return reconcile.reconcile(receipt)


# ---------------------------------------------------------------------------------------------------------
# Line items

_NUM = r"(?:\d+(?:[.,]\d+)?|[.,]\d+)"
_PRICE = r"(?:\d*[.,]\d{2})"
_WEIGHT_UNITS = {"lb": "lb", "lbs": "lb", "kg": "kg", "g": "g", "oz": "oz"}
_WEIGHT_RE = re.compile(
    rf"(?P<w>{_NUM})\s*(?P<u>lbs?|kg|g|oz)\b\.?\s*(?:NET\s*)?(?:[@xX×]|at)\s*(?:1\s*(?:lb|kg)\s*/\s*)?"
    rf"[$£€]?\s*(?P<r>{_NUM})\s*(?:EUR|[$£€])?\s*(?:/\s*(?:lb|kg)\b)?(?:\s*\)?\s*)",
    re.IGNORECASE,
)
# A weight printed in a column without "@" (Albert Heijn): "0,486 KG   3,49   1,70".
_WEIGHT_COLUMN_RE = re.compile(rf"(?P<w>\d+[.,]\d{{3}})\s*(?P<u>kg|lb)\s+(?P<r>{_PRICE})(?=\s+\S)", re.I)
_COUNT_RE = re.compile(
    rf"(?<![\w.,])(?:qty\s*)?(?P<n>\d{{1,3}})\s*(?:stk\.?|pcs?|ea)?\s*(?:[@xX×]|AT)\s*(?:1\s*FOR\s*)?"
    rf"[$£€]?\s*(?P<p>{_PRICE})(?![\d])(?:\s*(?:ea|each|EUR)\b)?",
    re.IGNORECASE,
)
_AT_PRICE_RE = re.compile(rf"@\s*[$£€]?\s*(?P<p>{_PRICE}|\d+)(?:\s*/\s*(?P<u>lb|kg))?(?![\d.,])", re.I)
_MULTI_PRICE_RE = re.compile(r"(?P<n>\d{1,2})\s*for\s*[$£€]?\s*(?P<p>\d+(?:[.,]\d{2})?)(?![\d.,])", re.I)
_SOLD_BY_RE = re.compile(r"\b(bunch(?:es)?|doz(?:en)?|dz)\b\.?", re.IGNORECASE)
_EACH_PRICE_RE = re.compile(rf"[$£€]?\s*(?P<p>{_PRICE})\s*(?:each|ea)\b", re.I)
_MONEY = r"(?:\d{1,3}(?:,\d{3})+\.\d{2}|\d{1,3}(?:\.\d{3})+,\d{2}|\d+[.,]\d{2})"
_TRAILING_AMOUNT_RE = re.compile(
    rf"(?P<neg1>-\s*)?(?P<open>\(\s*)?(?:[$£€]|RM)?\s*(?P<amt>{_MONEY})(?P<neg2>\s*-)?(?P<close>\s*\))?"
    r"(?P<flags>(?:\s*(?:[A-Z]{1,4}|[*#^]|\d)(?![\w.,])){0,2})\s*(?:EUR|€)?\s*$"
)
_LEADING_QTY_RE = re.compile(r"^\s*(?P<n>\d{1,2})(?:\s*[xX]\s+|\s{2,}|\s+(?=[A-Za-z]))(?=\S)")
_CODE_PREFIX_RE = re.compile(r"^\s*(?:[A-Z]\s+)?\d{4,}[A-Z]?\s+(?=\S)")
_UPC_RE = re.compile(r"\s+[0-9]{8,}(?:\s+[A-Z]{1,2})?\s*$")
_TRAILING_FLAGS_RE = re.compile(r"(?:\s{2,}[A-Z]{1,4}|\s+[*#^])+\s*$")
_LEADING_MARKS_RE = re.compile(r"^[\s^#*~|.,:;'\"-]+")

_FEE_RE = re.compile(
    r"\b(deposit|crv|redemption|pfand\w*|leergut|statiegeld|consigne|recycling|fee|fees|tip|gratuity|"
    r"bag for life|carrier bag|(?:paper|grocery|reusable|checkout|plastic|shopping)\s+bag|bag|surcharge|"
    r"rounding|points?)\b",
    re.IGNORECASE,
)
_PRODUCT_BAG_RE = re.compile(
    r"\b(bags|trash|tea|bin|freezer|\d+\s*(?:lb|kg|ct)\s+bag|bag\s+\d+\s*ct)\b", re.I
)
_INFO_RE = re.compile(
    r"\b(was\b.*\bsave|you saved|saved|savings today|points|balance|(?:regular|reg|original|orig|list|was)\s+price)\b",
    re.IGNORECASE,
)
_VOID_RE = re.compile(r"\bvoid(?:ed)?\b", re.IGNORECASE)
_RETURN_MARK_RE = re.compile(
    r"^\W*(?:\S{1,3}\s+)?(?:\*+\s*)?(return|refund|retour|rückgabe)\b", re.IGNORECASE
)
_SKIP_SECTION_RE = re.compile(
    r"^\W*(unavailable|refunded|out of stock|not charged|cancelled|canceled)\b", re.IGNORECASE
)
_SKIP_LINE_RE = re.compile(r"\b(you requested|you ordered|refunded|out of stock|not charged)\b", re.I)
_HEADING_RE = re.compile(r"^\W*(qty|description|item|aantal|artikel|bezeichnung|상품명)\b", re.I)


@dataclass
class _Item:
    name: str
    amount: Decimal
    quantity: Decimal | None = None
    unit: str = "each"
    unit_price: Decimal | None = None
    discount: Decimal = ZERO
    is_return: bool = False

    def fits(self, qty: _Qty) -> bool:
        """Whether a quantity line explains this item's amount (so it belongs to it)."""
        return self.quantity is None and qty.matches(self.amount)

    def take(self, qty: _Qty) -> None:
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


@dataclass(frozen=True)
class _Qty:
    quantity: Decimal
    unit: str
    unit_price: Decimal

    def matches(self, amount: Decimal) -> bool:
        expected = (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)
        # A cent either way covers shops that truncate instead of rounding weighed prices.
        return abs(expected - abs(amount)) <= CENT


@dataclass
class _Line:
    name: str
    qty: _Qty | None = None
    amount: Decimal | None = None
    negative: bool = False
    unit_price: Decimal | None = None
    leading_qty: int | None = None
    raw: str = ""


@dataclass
class _State:
    items: list[_Item] = field(default_factory=list)
    pending_name: str | None = None
    pending_qty: _Qty | None = None
    returning: bool = False
    voiding: bool = False
    skipping: bool = False
    last_was_item: bool = False
    charges: list[tuple[str, Decimal]] = field(default_factory=list)


def to_decimal(text: str) -> Decimal | None:
    """'1,234.56', '1.234,56', '2,49', '.59' -> Decimal; None when it is not a number."""
    s = text.strip().replace(" ", "")
    if "," in s and "." in s:
        s = s.replace(",", "") if s.rfind(".") > s.rfind(",") else s.replace(".", "").replace(",", ".")
    elif "," in s:
        s = s.replace(",", ".")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def parse_items(lines: list[str], end: int) -> tuple[list[ParsedLine], list[tuple[str, Decimal]]]:
    """The purchased lines, and the non-item charges among them (deposits, bag fees, deposit refunds)."""
    state = _State()
    start = next((i for i, line in enumerate(lines[:end]) if _TRAILING_AMOUNT_RE.search(line)), end)
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
    if _SKIP_SECTION_RE.match(line):
        state.skipping = True
        return
    if state.skipping or _SKIP_LINE_RE.search(line):
        return
    parsed = split_line(line)
    if parsed.amount is None:
        _consume_text(state, parsed)
    elif parsed.negative:
        _consume_negative(state, parsed)
    else:
        _consume_positive(state, parsed)


def _consume_text(state: _State, parsed: _Line) -> None:
    if parsed.qty is not None and not _has_words(parsed.name):
        _place_qty(state, parsed.qty)
        return
    if _VOID_RE.search(parsed.raw):
        state.voiding = True
        return
    if _RETURN_MARK_RE.match(parsed.raw):
        state.returning = True
        return
    if _has_words(parsed.name) and not _HEADING_RE.match(parsed.name):
        state.pending_name = parsed.name
        if parsed.qty is not None:
            state.pending_qty = parsed.qty
        elif state.items and state.items[-1].quantity is None and parsed.qty is None:
            pass
    state.last_was_item = False


def _place_qty(state: _State, qty: _Qty) -> None:
    """Quantity lines sit under their item on most receipts and above it on some (Kroger, Metro)."""
    last = state.items[-1] if state.items else None
    if last is not None and state.last_was_item and last.fits(qty):
        last.take(qty)
    else:
        state.pending_qty = qty


def _consume_negative(state: _State, parsed: _Line) -> None:
    assert parsed.amount is not None
    voided = _find_voided(state, parsed)
    if voided is not None:
        state.items.remove(voided)
        state.voiding = False
        state.last_was_item = False
        return
    if _FEE_RE.search(parsed.name) and not state.returning:
        state.charges.append((_clean_name(parsed.name), -parsed.amount))
        state.last_was_item = False
        return
    if state.returning or _RETURN_MARK_RE.match(parsed.name):
        name = _RETURN_MARK_RE.sub("", parsed.name).strip() or state.pending_name or ""
        if _is_name_residue(name) and state.pending_name:
            name = state.pending_name
        if _has_words(name):
            _add_item(state, parsed, name, is_return=True)
            state.returning = False
            return
    if (state.items and state.last_was_item) or (state.items and not _FEE_RE.search(parsed.name)):
        state.items[-1].discount -= parsed.amount


def _find_voided(state: _State, parsed: _Line) -> _Item | None:
    explicit = state.voiding or bool(_VOID_RE.search(parsed.raw))
    name = _VOID_RE.sub("", parsed.name).strip(" *")
    for item in reversed(state.items):
        if item.amount != parsed.amount or item.is_return:
            continue
        if explicit or _similar(item.name, name) >= 0.85:
            return item
    return None


def _consume_positive(state: _State, parsed: _Line) -> None:
    name = parsed.name
    # 'MILK 3.49' is an item, but an indented 'MRJ  5.49' is the flag and price of the name wrapped above it.
    if _is_name_residue(name) and (len(name) <= 2 or parsed.raw.startswith("  ")):
        if state.pending_name is None:
            if parsed.qty is not None and state.items and state.items[-1].fits(parsed.qty):
                state.items[-1].take(parsed.qty)
            return
        name = state.pending_name
    if (_FEE_RE.search(name) and not _PRODUCT_BAG_RE.search(name)) or _INFO_RE.search(name):
        if not _INFO_RE.search(name):
            state.charges.append((_clean_name(name), parsed.amount))
        state.pending_name = None
        state.pending_qty = None
        state.last_was_item = False
        return
    _add_item(state, parsed, name, is_return=state.returning)
    state.returning = False


def _add_item(state: _State, parsed: _Line, name: str, *, is_return: bool) -> None:
    assert parsed.amount is not None
    item = _Item(name=_clean_name(name), amount=parsed.amount, is_return=is_return)
    sold_by = _SOLD_BY_RE.search(item.name)
    if sold_by and len(item.name) > sold_by.end() - sold_by.start() + 2:
        item.name = _clean_name(_SOLD_BY_RE.sub(" ", item.name))
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


def _infer_count(item: _Item, parsed: _Line) -> None:
    """A leading count or an '@ price' on the item's own line: kept only when the arithmetic agrees."""
    price = parsed.unit_price
    count = parsed.leading_qty
    if price and price > 0:
        ratio = abs(item.amount) / price
        if ratio == ratio.to_integral_value() and ratio >= 1:
            item.take(_Qty(ratio, "each", price))
            return
    if count and count > 1:
        item.take(_Qty(Decimal(count), "each", (abs(item.amount) / count).quantize(CENT, ROUND_HALF_UP)))


def _apply_late_discounts(state: _State, tail: list[str]) -> None:
    """Bonus blocks after the subtotal that name one item (Albert Heijn) reduce that item."""
    for parsed in (split_line(part) for line in tail[:15] for part in split_merged_items(line)):
        if parsed.amount is None or not parsed.negative or not _has_words(parsed.name):
            continue
        best = max(state.items, key=lambda it: _name_overlap(it.name, parsed.name), default=None)
        if best is not None and _name_overlap(best.name, parsed.name) >= 0.8:
            best.discount -= parsed.amount


def split_line(line: str) -> _Line:
    """Split one cleaned line into name text, a quantity/weight spec, the trailing amount and a unit price."""
    qty, text = _take_quantity(line)
    amount, negative, text = _take_amount(text)
    unit_price, text = _take_unit_price(text, amount)
    leading = _LEADING_QTY_RE.match(text)
    leading_qty = None
    if leading and _has_words(text[leading.end() :]):
        leading_qty, text = int(leading.group("n")), text[leading.end() :]
    return _Line(
        name=text.strip(),
        qty=qty,
        amount=amount,
        negative=negative,
        unit_price=unit_price,
        leading_qty=leading_qty,
        raw=line,
    )


def _cut(text: str, m: re.Match[str]) -> str:
    return text[: m.start()] + "  " + text[m.end() :]


def _take_quantity(text: str) -> tuple[_Qty | None, str]:
    """A weight ('1.52 lb @ $2.99/lb') or a count ('3 @ 1.99', '2 x 0,99') anywhere on the line."""
    for regex in (_WEIGHT_RE, _WEIGHT_COLUMN_RE):
        m = regex.search(text)
        if m:
            weight, rate = to_decimal(m.group("w")), to_decimal(m.group("r"))
            if weight is not None and rate is not None and weight > 0:
                return _Qty(weight, _WEIGHT_UNITS[m.group("u").lower()], rate), _cut(text, m)
    m = _COUNT_RE.search(text)
    price = to_decimal(m.group("p")) if m else None
    if m and price is not None and int(m.group("n")) > 0:
        return _Qty(Decimal(m.group("n")), "each", price), _cut(text, m)
    return None, text


def _take_amount(text: str) -> tuple[Decimal | None, bool, str]:
    """The line's amount at its end: '3.49', '0.50-', '-£2.50', '(1.00)' (negative in accounting style)."""
    m = _TRAILING_AMOUNT_RE.search(text)
    if not m or (m.group("close") and not m.group("open")):
        return None, False, text  # the end of a remark in brackets: '(estimated $5.99)'
    negative = bool(m.group("neg1") or m.group("neg2") or m.group("open"))
    return to_decimal(m.group("amt")), negative, text[: m.start()]


def _take_unit_price(text: str, amount: Decimal | None) -> tuple[Decimal | None, str]:
    """'@ 1.99', '$5.49 each', a price column before the line total, or a multi-price ('4 for $5')."""
    m = _AT_PRICE_RE.search(text) or _EACH_PRICE_RE.search(text)
    if m:
        return to_decimal(m.group("p")), _cut(text, m)
    if amount is not None:
        m = re.search(rf"\s(?P<p>{_PRICE})\s*$", text)
        price = to_decimal(m.group("p")) if m else None
        if m and price and (amount / price) == (amount / price).to_integral_value():
            return price, text[
                : m.start()
            ]  # a unit-price column before the line total (Albert Heijn, Amazon)
    multi = _MULTI_PRICE_RE.search(text)
    total = to_decimal(multi.group("p")) if multi else None
    if multi and total is not None and int(multi.group("n")) > 0:
        return (total / int(multi.group("n"))).quantize(CENT, ROUND_HALF_UP), _cut(text, multi)
    return None, text


def _clean_name(name: str) -> str:
    name = re.sub(r"^\s*\d{1,3}-[A-Z]+\s+(?=\S)", "", name)  # a department header run into the line
    name = _CODE_PREFIX_RE.sub("", name)
    name = _UPC_RE.sub("", name)
    name = _TRAILING_FLAGS_RE.sub("", name)
    name = _LEADING_MARKS_RE.sub("", name)
    name = re.sub(r"^WT\s+", "", name)
    name = re.sub(r"\s+[$£€]\s*$", "", name)
    return re.sub(r"\s{2,}", " ", name).strip(" .:-*#^")


def _has_words(text: str) -> bool:
    return len(re.findall(r"[^\W\d_]", text)) >= 3


def _is_name_residue(name: str) -> bool:
    """Tax flags or markers left over once the amount and quantity are taken out ('MRJ', 'WT', 'T')."""
    cleaned = re.sub(r"[^\w]", " ", name).split()
    if not cleaned:
        return True
    if len(cleaned) == 1:
        return len(cleaned[0]) <= 4 and cleaned[0].isupper()
    return len(cleaned) <= 3 and all(len(w) <= 2 and w.isupper() for w in cleaned)


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.upper(), b.upper()).ratio()


def _name_overlap(item_name: str, text: str) -> float:
    """How much of an item's name a later line repeats (the line may add a prefix such as 'BONUS')."""
    a, b = item_name.upper(), _clean_name(text).upper()
    match = difflib.SequenceMatcher(None, a, b).find_longest_match(0, len(a), 0, len(b))
    return match.size / max(len(a), 1)


# ---------------------------------------------------------------------------------------------------------
# OCR noise


_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "i": "1", "S": "5"})
_NUMBER_TOKEN_RE = re.compile(r"(?<![A-Za-z])[\dOolI](?:[\dOolI.,:/-]*[\dOolI])?(?![A-Za-z])")
_SPACED_AMOUNT_RE = re.compile(
    r"(?:(?<=\s\s)|(?<=[$£€@])|(?<=[$£€@xX]\s)|(?<=^))(-?\d(?: ?\d){0,5} ?[.,] ?\d ?\d)(?![\d.,])"
)
_LETTER_SPACED_RE = re.compile(r"\b(?:[A-Z] ){3,}[A-Z]\b")


def clean_line(line: str) -> str:
    """Undo the usual OCR damage to numbers and keywords, leaving names as printed.

    `6O.O1` -> `60.01`, `l2.99` -> `12.99`, `$9 .9 9` -> `$9.99`, `2 5, 3 4` -> `25,34`, `T0TAL` -> `TOTAL`,
    `S U B T O T A L` -> `SUBTOTAL`.
    """
    line = line.replace("\t", "    ").replace("\u2212", "-").rstrip()
    line = _LETTER_SPACED_RE.sub(lambda m: m.group(0).replace(" ", ""), line)
    line = re.sub(r"(?<=[A-Za-z])0(?=[A-Za-z]{2})|(?<=[A-Za-z]{2})0(?=[A-Za-z])", "O", line)
    line = re.sub(r"(?<=[A-Za-z])1(?=[a-z])|(?<=[a-z])1(?=[A-Za-z])", "l", line)
    line = re.sub(r"(?<=[A-Z])1(?=[A-Z]{2})|(?<=[A-Z]{2})1(?=[A-Z])", "I", line)
    line = re.sub(r"(?<=\d)0Z\b", "OZ", line)  # '12OZ' read as '120Z'
    line = re.sub(r"/\s?[1I]l?b\b", "/lb", line)  # '/lb' read as '/1b'
    line = re.sub(r"(?<![A-Za-z])[Oo](?= ?[.,]\d\d)", "0", line)  # 'O.75', '-O .75'
    line = _NUMBER_TOKEN_RE.sub(lambda m: _fix_number_token(m, line), line)
    line = re.sub(r"(\d|(?<![A-Za-z])l)([.,]) (\d\d)(?=\s*(?:[A-Z*]{1,4}|\d)?\s*$|\s{2,})", r"\1\2\3", line)
    line = re.sub(r"(\d) ([.,]\d)", r"\1\2", line)
    line = _SPACED_AMOUNT_RE.sub(lambda m: m.group(1).replace(" ", ""), line)
    # Joining broken numbers can complete a token that still holds a lookalike ('$l. 39' -> '$l.39').
    return _NUMBER_TOKEN_RE.sub(lambda m: _fix_number_token(m, line), line)


def _fix_number_token(m: re.Match[str], line: str) -> str:
    token = m.group(0)
    if not re.search(r"\d", token) or len(token) < 2:
        return token
    following = line[m.end() :]
    if (
        token.endswith("l")
        and re.search(r"\d[.,]\d\d", following)
        and not re.match(r"\s*(?:lb|kg)\b", following)
    ):
        # '1,5l' followed by a price is a volume in litres; '1.3l' at the end of a line is an amount.
        return token[:-1].translate(_DIGIT_LOOKALIKES) + "l"
    return token.translate(_DIGIT_LOOKALIKES)


_MERGED_SPLIT_RE = re.compile(
    rf"(?<![@xX/]\s)(?<![@xX/])(?P<amt>-?[$£€]?{_MONEY}-?(?:\s+[A-Z0-9*]{{1,2}}(?![\w.,]))?)\s+"
    r"(?=(?P<next>[\^#*]?[^\W\d_][^\d@]{2,}.*\d[.,]\d\d\S*\s*\S*\s*$|[^\W\d_]{2,}\s+[^\W\d_]{2,}[^\d]*$|"
    r"[^\W\d_]{4,}\s*$))"
)


def split_merged_items(line: str) -> list[str]:
    """OCR sometimes runs two printed lines into one: 'MILK 3.12 F EGGS 18CT 5.48 F' -> two lines."""
    m = _MERGED_SPLIT_RE.search(line)
    if not m or len(re.findall(r"[^\W\d_]", line[: m.start()])) < 5 or _INFO_RE.search(line):
        return [line]
    following = line[m.end() :]
    first_word = following.split()[0].lower() if following.split() else ""
    if first_word in {"eur", "each", "ea", "kg", "lb", "stk", "x", "for"} or _WEIGHT_RE.match(following):
        return [line]
    return [line[: m.end()], *split_merged_items(following)]


# ---------------------------------------------------------------------------------------------------------
# Header and totals


@dataclass(frozen=True)
class Header:
    merchant: str | None
    address: str | None
    date: date | None
    time: str | None
    currency: str | None
    subtotal: Decimal | None
    tax: Decimal | None
    total: Decimal | None
    payments: tuple[str, ...]
    items_end: int | None
    total_index: int | None
    adjustments: tuple[tuple[str, Decimal], ...]


_ITEMS_END_RE = re.compile(
    r"^\W*(?:\d+\s+(?:items?\s+|articles?\s+|artikel\s+)?)?(?:[^\x00-\x7f]+\s+)?(?:sub\s*-?\s*total|subtotaal|sous-?\s*total|items?\s*subtotal|"
    r"item\(s\)\s*subtotal|total|totaal|summe|zu zahlen|balance|amount due|to pay|order total|"
    r"order summary|grand total|gesamt|(?:sales\s+)?tax\b(?!\s*inv))",
    re.IGNORECASE,
)
# A subtotal run into the line before it by OCR: 'Items in Transaction:16 SUBTOTAL 37.28'.
_MERGED_TOTAL_RE = re.compile(rf"\b(?:sub\s*-?\s*total|balance due|amount due)\W*[$£€]?\s*{_MONEY}\s*$", re.I)
_NOT_TOTAL_RE = re.compile(
    r"sub\s*-?\s*total|subtotaal|sous|total\s*(?:qty|quantity|items?|number|savings?|tax|gst|vat|discount|"
    r"excl|before|points|saved|no)|total\s*includes?\s*(?:gst|vat|tax)(?![^%]*%)|excluding|items?\s+sold|savings|you saved|"
    r"points|balance\s*\d+\s*$|fuel|purchase$",
    re.IGNORECASE,
)
_TOTAL_KEYS: tuple[tuple[re.Pattern[str], int], ...] = (
    (
        re.compile(
            r"total\s*\(?incl|round\w*\s*\w?\s*total|total\s*round|grand\s*total|net+\s*total|total\s*\(?incl|total\s*payable|"
            r"am(?:ou)?n?t\s*(?:due|payable)|net+\s*am(?:ou)?n?t|balance\s*due|total\s*due|total\s*to\s*pay|total\s*a\s*payer|"
            r"\bto\s*pay\b|zu\s*zahlen|\bbalance\b|total\s*amo?u?n?t|total\s*sales\s*\(?incl|합계",
            re.IGNORECASE,
        ),
        3,
    ),
    (re.compile(r"\btotal\b|\btotaal\b|\bsumme\b|gesamtbetrag|\bmontant\b", re.IGNORECASE), 2),
)
_SUBTOTAL_RE = re.compile(r"sub\s*-?\s*total|subtotaal|sous-?\s*total|order\s*total\b", re.IGNORECASE)
_TAX_RE = re.compile(
    r"^\W*(?:[^\s:]+\s+){0,3}?(?:sales\s+)?(?:tax|gst|hst|pst|qst|tps|tvq|vat|mwst|[A-Z]=HST)\b(?!.*\btotal\b)(?<!before tax)",
    re.IGNORECASE,
)
_PAYMENT_RE = re.compile(
    r"\b(visa|mastercard|master|amex|discover|debit|credit|cash|eftpos|eft|interac|card|kartenzahlung|"
    r"pinnen|cb|contactless|tend|bar)\b",
    re.IGNORECASE,
)
_AMOUNT_ONLY_RE = re.compile(rf"^\W*(?:RM|[$£€]|EUR|MYR)?\s*(-?){_MONEY.replace('(?:', '(?:', 1)}\s*$")


def parse_header(lines: list[str]) -> Header:
    items_end = next(
        (i for i, line in enumerate(lines) if _ITEMS_END_RE.match(line) or _MERGED_TOTAL_RE.search(line)),
        None,
    )
    currency = detect_currency("\n".join(lines))
    when, at = find_date(lines, month_first=currency == "USD")
    merchant, address = find_merchant(lines)
    total, total_index = find_total(lines)
    return Header(
        merchant=merchant,
        address=address,
        date=when,
        time=at,
        currency=currency,
        subtotal=_find_subtotal(lines),
        tax=_find_tax(lines, items_end, total_index),
        total=total,
        payments=_find_payments(lines, total_index),
        items_end=items_end,
        total_index=total_index,
        adjustments=_find_adjustments(lines, total_index),
    )


def _find_adjustments(lines: list[str], total_index: int | None) -> tuple[tuple[str, Decimal], ...]:
    """Amounts between the subtotal and the total that are not tax: fees, tips, rounding, order-level savings."""
    start = next((i for i, line in enumerate(lines) if _SUBTOTAL_RE.search(line)), None)
    if start is None or total_index is None or total_index <= start:
        return ()
    found = []
    for line in lines[start + 1 : total_index]:
        if not _NOT_TOTAL_RE.search(line) and any(regex.search(line) for regex, _ in _TOTAL_KEYS):
            break
        amount = _amount_of(line)
        if amount is None or _TAX_RE.match(line) or _INFO_RE.search(line) or _SUBTOTAL_RE.search(line):
            continue
        if re.search(r"\b(?:before tax|voordeel|saving|savings)\b", line, re.IGNORECASE):
            continue
        found.append((re.sub(r"\s{2,}", " ", line.strip()), amount))
    return tuple(found)


def _amount_of(line: str) -> Decimal | None:
    value, negative, _ = _take_amount(line)
    return -value if value is not None and negative else value


def _amount_near(lines: list[str], index: int) -> Decimal | None:
    """The amount on a label's own line, or (layouts read column by column, as SROIE's) on a later line."""
    own = _amount_of(lines[index])
    if own is not None:
        return own
    for line in lines[index + 1 : index + 4]:
        if _AMOUNT_ONLY_RE.match(line):
            return _amount_of(line)
        if _has_words(line) and not _is_separator(line):
            break
    return _amount_from_columns(lines, index)


def _is_separator(line: str) -> bool:
    return bool(re.fullmatch(r"\W*(?:RM|MYR|EUR|USD)?\W*", line.strip()))


def _amount_from_columns(lines: list[str], index: int) -> Decimal | None:
    """A block of labels followed by a block of as many amounts: the n-th label owns the n-th amount."""
    first = index
    while first > 0 and _is_label(lines[first - 1]):
        first -= 1
    last = index
    while last + 1 < len(lines) and _is_label(lines[last + 1]):
        last += 1
    labels = [i for i in range(first, last + 1) if not _is_separator(lines[i])]
    values: list[Decimal] = []
    for line in lines[last + 1 :]:
        if _is_separator(line):
            continue
        if not _AMOUNT_ONLY_RE.match(line):
            break
        amount = _amount_of(line)
        if amount is not None:
            values.append(amount)
    if not values or index not in labels:
        return None
    position = labels.index(index)
    if len(values) >= len(labels):
        # Extra amounts at the top of the block belong to lines above it (item prices, quantities).
        return values[position + len(values) - len(labels)]
    return values[position] if position < len(values) else None


def _is_label(line: str) -> bool:
    return _is_separator(line) or (_has_words(line) and _amount_of(line) is None and len(line) < 40)


def find_total(lines: list[str]) -> tuple[Decimal | None, int | None]:
    candidates: list[tuple[int, int, Decimal]] = []
    for i, line in enumerate(lines):
        if _NOT_TOTAL_RE.search(line):
            continue
        for regex, priority in _TOTAL_KEYS:
            if regex.search(line):
                amount = _amount_near(lines, i)
                if amount is not None and amount >= 0:
                    amounts = re.findall(r"\d[.,]\d\d(?!\d)", line)
                    candidates.append((priority - (2 if len(amounts) > 1 else 0), i, amount))
                break
    tendered = _cash_minus_change(lines)
    for _, i, amount in candidates:
        if amount == tendered:
            return amount, i
    if not candidates:
        for fallback in (tendered, _cash_paid(lines), _largest_repeated_amount(lines)):
            if fallback is not None:
                return fallback, None
        return None, None
    # Among equally strong labels the largest amount wins: the other "totals" on a receipt are a tax table's
    # net total or the bill before a hand-written tip, both smaller than what was charged.
    _, amount, index = max((p, a, -i) for p, i, a in candidates)
    return _rounded(lines, amount), -index


def _rounded(lines: list[str], total: Decimal) -> Decimal:
    """Cash rounding printed after a total that was taken before it ('TOTAL 60.31', 'ROUNDING -0.01', '60.30')."""
    for i, line in enumerate(lines):
        if re.match(r"^\W*round\w*\s*(?:adj|$|\W|-?\d)", line, re.IGNORECASE):
            adjustment = _amount_near(lines, i)
            if adjustment:
                adjusted = total + adjustment
                if any(_amount_of(other) == adjusted for other in lines[i:]):
                    return adjusted
    return total


def _cash_minus_change(lines: list[str]) -> Decimal | None:
    cash = change = None
    for i, line in enumerate(lines):
        if change is None and re.match(r"^\W*(?:cash\s*)?change\b", line, re.IGNORECASE):
            change = _amount_near(lines, i)
        elif cash is None and re.match(r"^\W*cash\b(?!\s*bill)", line, re.IGNORECASE):
            cash = _amount_near(lines, i)
    if cash is None or change is None or cash < change or change < 0:
        return None
    return cash - change


def _largest_repeated_amount(lines: list[str]) -> Decimal | None:
    """No total label could be read: the total is printed more than once (total, payment, tax summary)."""
    amounts = [a for line in lines if (a := _amount_of(line)) is not None and a > 0]
    repeated = [a for a in set(amounts) if amounts.count(a) > 1]
    return max(repeated, default=None)


def _cash_paid(lines: list[str]) -> Decimal | None:
    """With no total label at all, a cash payment without change is the total."""
    if any(re.search(r"\bchange\b", line, re.IGNORECASE) for line in lines):
        return None
    for i, line in enumerate(lines):
        if re.match(r"^\W*cash\b(?!\s*bill)", line, re.IGNORECASE):
            return _amount_near(lines, i)
    return None


def _find_subtotal(lines: list[str]) -> Decimal | None:
    for i, line in enumerate(lines):
        if _SUBTOTAL_RE.search(line) and not re.search(r"excl|before", line, re.IGNORECASE):
            amount = _amount_near(lines, i)
            if amount is not None:
                return amount
    return None


def _find_tax(lines: list[str], start: int | None, end: int | None) -> Decimal | None:
    if start is None:
        return None
    stop = end if end is not None and end > start else min(len(lines), start + 12)
    parts = [a for line in lines[start:stop] if _TAX_RE.match(line) and (a := _amount_of(line)) is not None]
    if parts:
        return sum(parts, ZERO)
    for line in lines[start:]:
        if re.search(r"(?:includes|incl\.?)\s*(?:gst|vat|mwst)|gst\s*incl", line, re.IGNORECASE):
            return _amount_of(line)
    return None


def _find_payments(lines: list[str], total_index: int | None) -> tuple[str, ...]:
    if total_index is None:
        return ()
    found = []
    for line in lines[total_index + 1 : total_index + 12]:
        if _PAYMENT_RE.search(line) and _amount_of(line) is not None and not re.search(r"change", line, re.I):
            found.append(re.sub(r"\s{2,}", " ", line.strip()))
    return tuple(found)


_CURRENCY_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("MYR", re.compile(r"\bRM\s*\d|\bRM\b|\bSDN\.?\s*BHD\b|\bMALAYSIA\b", re.I)),
    ("GBP", re.compile(r"£|\bGBP\b|VAT\s*(?:No|Number|Reg)\.?:?\s*GB", re.I)),
    ("EUR", re.compile(r"€|\bEUR\b")),
    ("AUD", re.compile(r"\bABN\b|\bAUD\b|\b(?:NSW|VIC|QLD|TAS)\b")),
    (
        "CAD",
        re.compile(
            r"\b(?:HST|PST|TPS|TVQ|CAD)\b|GST/HST|\bRT0001\b|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|\((?:QC|ON|BC)\)|"
            r"\b(?:ON|BC|QC|AB|MB|NS|NB|SK)\b\s*$",
            re.M,
        ),
    ),
    ("EUR", re.compile(r"\b(?:MWST|BTW|TVA|SUMME|TOTAAL|PINNEN|zu zahlen)\b", re.I)),
    ("USD", re.compile(r"\$|\bUSD\b|\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b")),
)


def detect_currency(text: str) -> str | None:
    for code, regex in _CURRENCY_HINTS:
        if regex.search(text):
            return code
    return None


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MONTHS.update({"mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12, "fév": 2, "avr": 4, "mei": 5, "déc": 12})
_MON = r"(?P<mon>[A-Za-zéäû]{3})[A-Za-zéäû]*\.?"
_DATE_RES = (
    re.compile(r"(?<![\w.,])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"),
    re.compile(
        r"(?<![\w.,/-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/]|[.,]\d)"
    ),
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[-\s./]*{_MON}[-\s.,/']*(?P<y>\d{{4}}|\d{{2}})(?!\d)"
    ),
    re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)"),
)
_TIME_RE = re.compile(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-3])\s?:\s?(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?\s*(?P<ap>[AaPp]\.?[Mm]\b)?"
)
_NOT_DATE_LINE_RE = re.compile(r"expir|valid|\bexp\b|best before|use by|since|member since", re.IGNORECASE)


def find_date(lines: list[str], *, month_first: bool) -> tuple[date | None, str | None]:
    """The first printed date (not an expiry); day-first unless the receipt is in US dollars."""
    # A date printed with a time or a 'date' label beats a date-like product code ('CK 11-22-31').
    labelled = [line for line in lines if _TIME_RE.search(line) or re.search(r"\bdate\b", line, re.I)]
    for line in (*labelled, *lines):
        if _NOT_DATE_LINE_RE.search(line):
            continue
        found = _date_in(line, month_first=month_first)
        if found is not None:
            return found, _time_in(line)
    return None, next((t for line in lines if (t := _time_in(line))), None)


def _date_in(line: str, *, month_first: bool) -> date | None:
    for regex in _DATE_RES:
        for m in regex.finditer(line):
            parts = m.groupdict()
            year = int(parts["y"])
            year += 2000 if year < 100 else 0
            if "mon" in parts and parts.get("mon"):
                month = _MONTHS.get(parts["mon"].lower()[:3])
                day = int(parts["d"])
            elif "a" in parts and parts.get("a"):
                a, b = int(parts["a"]), int(parts["b"])
                day, month = (b, a) if (month_first and b <= 31 and a <= 12) or a > 31 else (a, b)
                if month > 12 and day <= 12:
                    day, month = month, day
            else:
                month, day = int(parts["m"]), int(parts["d"])
            if month is None or not 1990 <= year <= 2100:
                continue
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return None


def _time_in(line: str) -> str | None:
    m = _TIME_RE.search(line)
    if not m:
        return None
    hour, minute = int(m.group("h")), int(m.group("m"))
    ap = (m.group("ap") or "").lower().replace(".", "")
    if ap == "pm" and hour < 12:
        hour += 12
    elif ap == "am" and hour == 12:
        hour = 0
    seconds = f":{m.group('s')}" if m.group("s") else ""
    return f"{hour:02d}:{minute:02d}{seconds}"


_COMPANY_RE = re.compile(
    r"\b(?:SDN\.?\s*B[HN]D|BHD|S/B|BERHAD|ENTERPRISE|TRADING|LTD|LIMITED|LLC|INC|GMBH|CO\.|PLC|CORP|PTE)\b\.?",
    re.IGNORECASE,
)
_LEGAL_FORM_RE = re.compile(r"\b(?:SDN\.?\s*B[HN]D|BHD|S/B|BERHAD)\b", re.IGNORECASE)
_CONTINUATION_RE = re.compile(r"^\W*(?:SDN|BHD|S/B|CO\.|ENTERPRISE|RESTAURANT|TRADING|\w+\))", re.IGNORECASE)
_REGISTRATION_RE = re.compile(
    r"\b(?:co\.?\s*-?\s*(?:reg|rfg|no)|company\s*(?:reg|no)|br\s*no|roc|gst|reg\.?\s*no)\b|"
    r"^\W*[A-Z]{0,3}\d{5,}-?[A-Z]?\W*$|\(\s*[A-Z]{0,3}\d{5,}-?[A-Z]\s*\)",
    re.IGNORECASE,
)
_HEADER_NOISE_RE = re.compile(
    r"^\W*(?:from|subject|date|to|tax invoice|invoice|receipt|welcome|cash bill|copy|www\.|http|tel|fax|"
    r"thank|tq)\b|@|^\W*$",
    re.IGNORECASE,
)
_ADDRESS_STOP_RE = re.compile(
    r"\b(?:tel|telephone|phone|fax|h/p|hp|gst|e-?mail|www|invoice|receipt|date|cashier|doc|table|server|"
    r"vat|abn|siret|manager|mgr|store\s*#|open|save money|every|bill|check|order|guest)\b|@|"
    r"^\W*(?:[A-Z]\s*:\s*)?\+?\d{2,4}[- ]\d{3,4}[- ]?\d{3,5}\W*|^\W*[-=*]{3,}|"
    r"\(\s*\d{3}\s*\)\s*\d{3}\s*[-.]\s*\d{4}",
    re.IGNORECASE,
)
# Malaysian receipts print the state (or the country) on its own line after the postcode.
_REGION_LINE_RE = re.compile(
    r"^\s*\(.*\)|^(?=.{0,30}$)\W*(?:\w+\s+)?(?:johor|kedah|kelantan|melaka|malacca|negeri sembilan|pahang|perak|perlis|penang|"
    r"pulau pinang|sabah|sarawak|selangor|terengganu|kuala lumpur|putrajaya|labuan|wilayah persekutuan|"
    r"malaysia|darul)\b",
    re.IGNORECASE,
)
_POSTCODE_RE = re.compile(r"(?<![\d-])\d{5}(?![\d-])")
_ORDER_FROM_RE = re.compile(r"\border from\s+(?P<m>[\w'&. -]+?)(?:\s+has\b|[.!,]|$)", re.IGNORECASE)


def find_merchant(lines: list[str]) -> tuple[str | None, str | None]:
    """The shop name (a registered company line when printed, else the first name-like line) and address."""
    for line in lines[:30]:
        m = _ORDER_FROM_RE.search(line)
        if m:
            return m.group("m").strip(), None
    top = [line.strip() for line in lines[:20]]
    while top and not top[0]:
        top.pop(0)
    for i, line in enumerate(top[:8]):
        if _COMPANY_RE.search(line) and not _REGISTRATION_RE.search(_tidy_company(line)) and _has_words(line):
            first, last = _company_span(top, i)
            return _tidy_company(" ".join(top[first : last + 1])), _address_after(top, last + 1)
    for i, line in enumerate(top[:6]):
        if _has_words(line) and not _HEADER_NOISE_RE.search(line):
            last = i + 1 if line.endswith("&") and i + 1 < len(top) else i
            return " ".join(top[i : last + 1]), _address_after(top, last + 1)
    return None, None


def _company_span(top: list[str], index: int) -> tuple[int, int]:
    """A company name wrapped over lines: 'PASARAYA BORONG PINTAR' / 'SDN BHD', 'ENTERPRISE (SETIA' / 'ALAM)'."""
    first = last = index
    while first > 0 and (
        _CONTINUATION_RE.match(top[first])
        or top[first - 1].endswith("&")
        or _words_before_suffix(top[first]) <= 1
    ):
        if _HEADER_NOISE_RE.search(top[first - 1]) or re.search(r"\d", top[first - 1]):
            break
        first -= 1
    joined = " ".join(top[first : last + 1])
    while last + 1 < len(top) and joined.count("(") > joined.count(")"):
        last += 1
        joined += " " + top[last]
    return first, last


def _words_before_suffix(line: str) -> int:
    m = _LEGAL_FORM_RE.search(line)
    before = re.sub(r"\(.*?\)", " ", line[: m.start()] if m else line)
    return len(before.split()) if m else 99


def _tidy_company(name: str) -> str:
    name = re.sub(r"^[^:]{0,20}:\s*", "", name) if ":" in name[:22] else name
    name = re.sub(r"\s*\(?\b(?:co\.?\s*(?:reg|no)\.?\s*:?\s*)?\d{5,}-?[A-Z]\)?\s*$", "", name, flags=re.I)
    return name.strip()


def _address_after(top: list[str], start: int) -> str | None:
    """Address lines follow the name: from the first line with a number to the postcode (and state) line."""
    parts: list[str] = []
    after_postcode = False
    for line in top[start : start + 10]:
        if not line or _TRAILING_AMOUNT_RE.search(line) or _HEADING_RE.match(line):
            if parts:
                break
            continue
        if after_postcode:
            if _REGION_LINE_RE.match(line) and not _ADDRESS_STOP_RE.search(line):
                parts.append(line)
                continue
            if re.match(r"^\d{3,4}[- ][A-Z]", line):
                parts.append(line)  # the branch ("1076-IJOK") printed under a chain's head-office address
            break
        if not parts and _before_address(line):
            continue
        if _ends_address(line):
            break
        parts.append(line)
        postcode = _POSTCODE_RE.search(line)
        # A postcode ending its line is followed by the town on the next one.
        after_postcode = bool(postcode) and bool(re.search(r"[^\W\d_]{3}", line[postcode.end() :]))
        if len(parts) >= 6:
            break
    return " ".join(parts) or None


def _before_address(line: str) -> bool:
    """Branch names, registration numbers, phones and dates printed between the name and the street."""
    if not re.search(r"\d", line) or _REGISTRATION_RE.search(line) or _COMPANY_RE.search(line):
        return True
    if _ADDRESS_STOP_RE.search(line) and not _POSTCODE_RE.search(line):
        return True
    return bool(
        re.match(r"^\W*[A-Z]+\s*:\s*\d+\W*$", line, re.IGNORECASE) or _date_in(line, month_first=False)
    )


def _ends_address(line: str) -> bool:
    if _ADDRESS_STOP_RE.search(line) or _REGISTRATION_RE.search(line):
        return True
    if _amount_of(line) is not None and not re.search(r"[A-Za-z]{3}", line):
        return True
    return bool(_date_in(line, month_first=False) or _TIME_RE.search(line))
