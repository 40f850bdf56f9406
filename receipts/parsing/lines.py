"""One item line taken apart: name text, quantity or weight, trailing amount and unit price.

Also the line classes the item rules share (fees, info lines, voids, returns, headings) and the splitting of
two printed lines that OCR ran into one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from receipts.parsing.kinds import INFO_RE
from receipts.parsing.money import (
    CENT,
    CURRENCY,
    LETTER_RE,
    MONEY,
    NUM,
    PRICE,
    has_words,
    take_amount,
    to_decimal,
)

_WEIGHT_UNITS = {"lb": "lb", "lbs": "lb", "kg": "kg", "g": "g", "oz": "oz"}
# '1.52 lb @ $2.99/lb', '0,755 kg x 1,99 EUR/kg', '0.650 kg NET @ $4.90/kg', '2.31 lb @ 1 lb /0.59'.
_WEIGHT_RE = re.compile(
    rf"(?P<w>{NUM})\s*(?P<u>lbs?|kg|g|oz)\b\.?\s*(?:NET\s*)?(?:[@xX×]|at)\s*(?:1\s*(?:lb|kg)\s*/\s*)?"
    rf"{CURRENCY}?\s*(?P<r>{NUM})\s*(?:EUR|[$£€])?\s*(?:/\s*(?:lb|kg)\b)?(?:\s*\)?\s*)",
    re.IGNORECASE,
)
# A weight followed by its rate without '@': '1.08kg  $4.50/kg', 'Quantity: 2.15 lb  $2.99/lb', '1.34 kg · $1.52/kg'.
_WEIGHT_RATE_RE = re.compile(
    rf"(?P<w>{NUM})\s*(?P<u>lbs?|kg)\b\.?[\s·|]+{CURRENCY}?\s*(?P<r>{NUM})\s*(?:[$£€])?\s*/\s*(?:lbs?|kg)\b",
    re.IGNORECASE,
)
# A weight printed in a column without "@" (Albert Heijn): "0,486 KG   3,49   1,70".
_WEIGHT_COLUMN_RE = re.compile(rf"(?P<w>\d+[.,]\d{{3}})\s*(?P<u>kg|lb)\s+(?P<r>{PRICE})(?=\s+\S)", re.I)
# A count at a price: '3 @ 1.99', '2 x 0,99', '3 Stk x 0,99', '2 x RM 7.50', or at a multi-price: '2 @ 2/5.00'.
_COUNT_RE = re.compile(
    rf"(?<![\w.,])(?:qty\s*)?(?P<n>\d{{1,3}})\s*(?:stk\.?|pcs?|ea)?\s*(?:[@xX×]|AT)\s*"
    rf"(?:(?P<m>\d{{1,2}})\s*(?:/|FOR)\s*)?{CURRENCY}?\s*(?P<p>{PRICE})(?![\d])(?:\s*(?:ea|each|EUR)\b)?",
    re.IGNORECASE,
)
# A multi-price with no count before it: '3 /$3.00' (three for $3.00; the line's amount says how many).
_MULTI_COUNT_RE = re.compile(
    rf"(?<![\w.,/])(?P<m>\d{{1,2}})\s*/\s*{CURRENCY}?\s*(?P<p>{PRICE})(?![\d/])", re.I
)
# A labelled count: 'Qty: 2', 'Quantity: 1', 'Menge: 3' (the price, if any, is elsewhere on the line or below).
_LABELLED_COUNT_RE = re.compile(
    r"\b(?:qty|quantity|menge|anzahl|aantal|quantité)\s*:?\s*(?P<n>\d{1,3})(?![\d.,])", re.I
)
_AT_PRICE_RE = re.compile(rf"@\s*{CURRENCY}?\s*(?P<p>{PRICE}|\d+)(?:\s*/\s*(?P<u>lb|kg))?(?![\d.,])", re.I)
_MULTI_PRICE_RE = re.compile(r"(?P<n>\d{1,2})\s*for\s*[$£€]?\s*(?P<p>\d+(?:[.,]\d{2})?)(?![\d.,])", re.I)
SOLD_BY_RE = re.compile(r"\b(bunch(?:es)?|doz(?:en)?|dz)\b\.?", re.IGNORECASE)
_EACH_PRICE_RE = re.compile(rf"{CURRENCY}?\s*(?P<p>{PRICE})\s*(?:each|ea)\b", re.I)
_LEADING_QTY_RE = re.compile(r"^\s*(?P<n>\d{1,2})(?:\s*[xX]\s+|\s{2,}|\s+(?=[A-Za-z]))(?=\S)")
_CODE_PREFIX_RE = re.compile(r"^\s*(?:[A-Z]\s+)?\d{4,}[A-Z]?\s+(?=\S)")
# UPC/EAN runs after a name, with a check letter or a tax flag: '000000004011K', '078742351860 F', '(2)05786400008'.
_UPC_RE = re.compile(r"\s+(?:\(\d\))?[0-9]{8,}[A-Z]?(?:\s+[A-Z]{1,2})?\s*$")
_TRAILING_FLAGS_RE = re.compile(r"(?:\s{2,}[A-Z]{1,4}|\s+[*#^])+\s*$")
_LEADING_MARKS_RE = re.compile(r"^[\s^#*~|.,:;'\"-]+")
# Promotion tags and e-mail substitution labels printed before a name.
_NAME_PREFIX_RE = re.compile(
    r"^\s*(?:\((?:sale|promo|offer|new|bonus|aktion|actie|special)\)|"
    r"(?:replaced with|substituted with|substitute|replacement)\s*:)\s*",
    re.IGNORECASE,
)
# Columns of numbers after a name, separated from it by a gap: ordered/supplied counts, weights, prices.
_NUMBER_COLUMNS_RE = re.compile(r"(?:\s{2,}[\d.,]+\s*(?:kg|lb|g)?)+\s*$", re.IGNORECASE)
# A unit-price column before the line total (Albert Heijn, Amazon): 'MILK  2  1.99  3.98'.
_PRICE_COLUMN_RE = re.compile(rf"\s(?P<p>{PRICE})\s*$")
_DOT_LEADERS_RE = re.compile(r"\.{3,}")
_DEPARTMENT_PREFIX_RE = re.compile(r"^\s*\d{1,3}-[A-Z]+\s+(?=\S)")
_WEIGHED_MARK_RE = re.compile(r"^WT\s+")
_TRAILING_CURRENCY_RE = re.compile(r"\s+(?:[$£€]|RM)\s*$")
_SPACES_RE = re.compile(r"\s{2,}")
_NON_WORD_RE = re.compile(r"[^\w]")


@dataclass(frozen=True)
class Qty:
    """A quantity spec: a count or weight with its unit price, either of which the receipt may leave out
    ('Qty: 2' has no price, '3 /$3.00' no count); the line's amount supplies the missing one."""

    quantity: Decimal | None
    unit: str
    unit_price: Decimal | None

    def matches(self, amount: Decimal) -> bool:
        return self.resolve(amount) is not None

    def resolve(self, amount: Decimal) -> Qty | None:
        """This spec with both numbers filled in from `amount`, or None when they disagree with it."""
        amount = abs(amount)
        if self.quantity is not None and self.unit_price is not None:
            expected = (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)
            # A cent either way covers shops that truncate instead of rounding weighed prices.
            return self if abs(expected - amount) <= CENT else None
        if self.quantity is not None:
            return Qty(self.quantity, self.unit, (amount / self.quantity).quantize(CENT, ROUND_HALF_UP))
        if self.unit_price:
            count = (amount / self.unit_price).quantize(Decimal(1), ROUND_HALF_UP)
            if count >= 1 and abs(count * self.unit_price - amount) <= CENT:
                return Qty(count, self.unit, self.unit_price)
        return None


@dataclass
class Line:
    name: str
    qty: Qty | None = None
    amount: Decimal | None = None
    negative: bool = False
    unit_price: Decimal | None = None
    leading_qty: int | None = None
    raw: str = ""


def split_line(line: str) -> Line:
    """Split one cleaned line into name text, a quantity/weight spec, the trailing amount and a unit price."""
    qty, text = _take_quantity(line)
    text = _LABELLED_COUNT_RE.sub("  ", text)  # 'Qty: 1 · 1.34 kg · $1.52/kg': the weight is the quantity
    amount, negative, text = take_amount(text)
    unit_price, text = _take_unit_price(text, amount)
    leading = _LEADING_QTY_RE.match(text)
    leading_qty = None
    if leading and has_words(text[leading.end() :]):
        leading_qty, text = int(leading.group("n")), text[leading.end() :]
    return Line(
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


def _take_quantity(text: str) -> tuple[Qty | None, str]:
    """A weight ('1.52 lb @ $2.99/lb') or a count ('3 @ 1.99', '2 x 0,99', 'Qty: 2') anywhere on the line."""
    for regex in (_WEIGHT_RE, _WEIGHT_RATE_RE, _WEIGHT_COLUMN_RE):
        m = regex.search(text)
        if m:
            weight, rate = to_decimal(m.group("w")), to_decimal(m.group("r"))
            if weight is not None and rate is not None and weight > 0:
                return Qty(weight, _WEIGHT_UNITS[m.group("u").lower()], rate), _cut(text, m)
    m = _COUNT_RE.search(text)
    price = to_decimal(m.group("p")) if m else None
    if m and price is not None and int(m.group("n")) > 0:
        per = int(m.group("m") or 1)
        unit_price = (price / per).quantize(CENT, ROUND_HALF_UP) if per > 0 else price
        return Qty(Decimal(m.group("n")), "each", unit_price), _cut(text, m)
    m = _MULTI_COUNT_RE.search(text)
    price = to_decimal(m.group("p")) if m else None
    if m and price is not None and int(m.group("m")) > 0:
        return Qty(None, "each", (price / int(m.group("m"))).quantize(CENT, ROUND_HALF_UP)), _cut(text, m)
    m = _LABELLED_COUNT_RE.search(text)
    if m and int(m.group("n")) > 0:
        return Qty(Decimal(m.group("n")), "each", None), _cut(text, m)
    return None, text


def _take_unit_price(text: str, amount: Decimal | None) -> tuple[Decimal | None, str]:
    """'@ 1.99', '$5.49 each', a price column before the line total, or a multi-price ('4 for $5')."""
    m = _AT_PRICE_RE.search(text) or _EACH_PRICE_RE.search(text)
    if m:
        return to_decimal(m.group("p")), _cut(text, m)
    if amount is not None:
        m = _PRICE_COLUMN_RE.search(text)
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


def clean_name(name: str) -> str:
    """The product name as printed, without codes, flags, promotion tags, dot leaders or number columns."""
    name = _DOT_LEADERS_RE.sub(" ", name)  # 'Sourdough Boule ........ $6.50'
    name = _DEPARTMENT_PREFIX_RE.sub("", name)  # a department header run into the line
    name = _NAME_PREFIX_RE.sub("", name)
    name = _CODE_PREFIX_RE.sub("", name)
    name = _UPC_RE.sub("", name)
    name = _NUMBER_COLUMNS_RE.sub("", name)
    name = _TRAILING_FLAGS_RE.sub("", name)
    name = _LEADING_MARKS_RE.sub("", name)
    name = _NAME_PREFIX_RE.sub("", name)
    name = _WEIGHED_MARK_RE.sub("", name)
    name = _TRAILING_CURRENCY_RE.sub("", name)
    return _SPACES_RE.sub(" ", name).strip(" .:-*#^·")


def is_name_residue(name: str) -> bool:
    """Tax flags or markers left over once the amount and quantity are taken out ('MRJ', 'WT', 'T')."""
    cleaned = _NON_WORD_RE.sub(" ", name).split()
    if not cleaned:
        return True
    if len(cleaned) == 1:
        return len(cleaned[0]) <= 4 and cleaned[0].isupper()
    return len(cleaned) <= 3 and all(len(w) <= 2 and w.isupper() for w in cleaned)


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.upper(), b.upper()).ratio()


def name_overlap(item_name: str, text: str) -> float:
    """How much of an item's name a later line repeats (the line may add a prefix such as 'BONUS')."""
    a, b = item_name.upper(), clean_name(text).upper()
    match = difflib.SequenceMatcher(None, a, b).find_longest_match(0, len(a), 0, len(b))
    return match.size / max(len(a), 1)


_MERGED_SPLIT_RE = re.compile(
    rf"(?<![@xX/]\s)(?<![@xX/])(?P<amt>-?[$£€]?{MONEY}-?(?:\s+[A-Z0-9*]{{1,2}}(?![\w.,]))?)\s+"
    r"(?=(?P<next>[\^#*]?[^\W\d_][^\d@]{2,}.*\d[.,]\d\d\S*\s*\S*\s*$|[^\W\d_]{2,}\s+[^\W\d_]{2,}[^\d]*$|"
    r"[^\W\d_]{4,}\s*$))"
)


def split_merged_items(line: str) -> list[str]:
    """OCR sometimes runs two printed lines into one: 'MILK 3.12 F EGGS 18CT 5.48 F' -> two lines."""
    m = _MERGED_SPLIT_RE.search(line)
    if not m or len(LETTER_RE.findall(line[: m.start()])) < 5 or INFO_RE.search(line):
        return [line]
    following = line[m.end() :]
    first_word = following.split()[0].lower() if following.split() else ""
    if first_word in {"eur", "each", "ea", "kg", "lb", "stk", "x", "for"} or _WEIGHT_RE.match(following):
        return [line]
    return [line[: m.end()], *split_merged_items(following)]
