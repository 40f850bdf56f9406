"""Totals: subtotal, tax, total, the adjustments between them, and the payments after."""

from __future__ import annotations

import re
from decimal import Decimal

from receipts.parsing.kinds import INFO_RE
from receipts.parsing.money import MONEY, ZERO, amount_of, has_words, to_decimal
from receipts.parsing.result import ParsedReceipt

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
_CASH_RE = re.compile(r"^\W*cash\b(?!\s*bill)", re.IGNORECASE)
_CASH_WORD_RE = re.compile(r"\bcash\b(?!\s*bill)", re.IGNORECASE)
_CHANGE_WORD_RE = re.compile(r"\bchange\b", re.IGNORECASE)
_AMOUNT_TOKEN_RE = re.compile(rf"(?<![\d.,]){MONEY}(?![\d.,])")
_CHANGE_RE = re.compile(r"^\W*(?:cash\s*)?change\b", re.IGNORECASE)
_ROUNDING_RE = re.compile(r"^\W*round\w*\s*(?:adj|$|\W|-?\d)", re.IGNORECASE)
_REFUND_RE = re.compile(r"\b(?:refund|return|rückgabe|retour|remboursement)", re.IGNORECASE)
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
_AMOUNT_ONLY_RE = re.compile(rf"^\W*(?:RM|[$£€]|EUR|MYR)?\s*(-?){MONEY.replace('(?:', '(?:', 1)}\s*$")


def find_adjustments(lines: list[str], total_index: int | None) -> tuple[tuple[str, Decimal], ...]:
    """Amounts between the subtotal and the total that are not tax: fees, tips, rounding, order-level savings."""
    start = next((i for i, line in enumerate(lines) if _SUBTOTAL_RE.search(line)), None)
    if start is None or total_index is None or total_index <= start:
        return ()
    found = []
    for line in lines[start + 1 : total_index]:
        if not _NOT_TOTAL_RE.search(line) and any(regex.search(line) for regex, _ in _TOTAL_KEYS):
            break
        amount = amount_of(line)
        if amount is None or _TAX_RE.match(line) or INFO_RE.search(line) or _SUBTOTAL_RE.search(line):
            continue
        if re.search(r"\b(?:before tax|voordeel|saving|savings)\b", line, re.IGNORECASE):
            continue
        found.append((re.sub(r"\s{2,}", " ", line.strip()), amount))
    return tuple(found)


def _amount_near(lines: list[str], index: int) -> Decimal | None:
    """The amount on a label's own line, or (layouts read column by column, as SROIE's) on a later line."""
    own = amount_of(lines[index])
    if own is not None:
        return own
    for line in lines[index + 1 : index + 4]:
        if _AMOUNT_ONLY_RE.match(line):
            return amount_of(line)
        if has_words(line) and not _is_separator(line):
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
        amount = amount_of(line)
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
    return _is_separator(line) or (has_words(line) and amount_of(line) is None and len(line) < 40)


def find_total(lines: list[str]) -> tuple[Decimal | None, int | None]:
    candidates: list[tuple[int, int, Decimal]] = []
    for i, line in enumerate(lines):
        if _NOT_TOTAL_RE.search(line):
            continue
        for regex, priority in _TOTAL_KEYS:
            if regex.search(line):
                amount = _amount_near(lines, i)
                # A refund's total is what is paid back: 'REFUND TOTAL 16.00-'.
                if amount is not None and (amount >= 0 or _REFUND_RE.search(line)):
                    amounts = re.findall(r"\d[.,]\d\d(?!\d)", line)
                    candidates.append((priority - (2 if len(amounts) > 1 else 0), i, amount))
                break
    tendered = cash_tendered(lines)
    for _, i, amount in candidates:
        if tendered is not None and amount == tendered[0]:
            return amount, i
    if not candidates:
        # The payment line is the total's label when no total line could be read.
        paid = tendered or _cash_paid(lines)
        if paid is not None:
            return paid
        return _largest_repeated_amount(lines), None
    # Among equally strong labels the largest amount wins: the other "totals" on a receipt are a tax table's
    # net total or the bill before a hand-written tip, both smaller than what was charged.
    _, amount, index = max((p, a, -i) for p, i, a in candidates)
    return _rounded(lines, amount), -index


def _rounded(lines: list[str], total: Decimal) -> Decimal:
    """Cash rounding printed after a total that was taken before it ('TOTAL 60.31', 'ROUNDING -0.01', '60.30')."""
    for i, line in enumerate(lines):
        if _ROUNDING_RE.match(line):
            adjustment = _amount_near(lines, i)
            if adjustment:
                adjusted = total + adjustment
                if any(amount_of(other) == adjusted for other in lines[i:]):
                    return adjusted
    return total


def cash_tendered(lines: list[str]) -> tuple[Decimal, int] | None:
    """Cash given minus the change, and the line of the cash; also from one line holding both, as OCR of a
    two-column block gives ('CASH CHANGE RM RM 15.00 0.00', 'Change : CASH : 40.00 7.30')."""
    cash = change = None
    for i, line in enumerate(lines):
        if _CASH_WORD_RE.search(line) and _CHANGE_WORD_RE.search(line):
            amounts = [
                amount for text in _AMOUNT_TOKEN_RE.findall(line) if (amount := to_decimal(text)) is not None
            ]
            if len(amounts) == 2:
                return max(amounts) - min(amounts), i
        if change is None and _CHANGE_RE.match(line):
            change = _amount_near(lines, i)
        elif cash is None and _CASH_RE.match(line):
            # A 'CASH' heading without an amount (a cash sale's receipt title) is not the payment.
            amount = _amount_near(lines, i)
            cash = (amount, i) if amount is not None else None
    if cash is None or change is None or cash[0] < change or change < 0:
        return None
    return cash[0] - change, cash[1]


def _largest_repeated_amount(lines: list[str]) -> Decimal | None:
    """No total label could be read: the total is printed more than once (total, payment, tax summary)."""
    amounts = [a for line in lines if (a := amount_of(line)) is not None and a > 0]
    repeated = [a for a in set(amounts) if amounts.count(a) > 1]
    return max(repeated, default=None)


def _cash_paid(lines: list[str]) -> tuple[Decimal, int] | None:
    """With no total label at all, a cash payment without change is the total."""
    if any(_CHANGE_WORD_RE.search(line) for line in lines):
        return None
    for i, line in enumerate(lines):
        if _CASH_RE.match(line):
            amount = _amount_near(lines, i)
            return (amount, i) if amount is not None else None
    return None


def corroborated_total(receipt: ParsedReceipt, tendered: Decimal | None) -> Decimal | None:
    """The cash tendered when it, not the total read, is what the receipt's own arithmetic gives: an OCR misread
    ('TOTAL 112.46' for 112.45) or a lost total label leaves the payment as the better witness."""
    if tendered is None or receipt.total == tendered:
        return receipt.total
    bases = [
        base + receipt.adjustments_total
        for base in (receipt.subtotal, receipt.lines_total)
        if base is not None
    ]
    # Tax added on top (North America) or included in the prices (most other countries); OCR may read a
    # bracket before the tax as an accounting minus ('TOTAL TAX( 8.68').
    sums = {base + abs(receipt.tax or ZERO) for base in bases} | set(bases)
    return tendered if tendered in sums else receipt.total


def find_subtotal(lines: list[str]) -> Decimal | None:
    for i, line in enumerate(lines):
        if _SUBTOTAL_RE.search(line) and not re.search(r"excl|before", line, re.IGNORECASE):
            amount = _amount_near(lines, i)
            if amount is not None:
                return amount
    return None


def find_tax(lines: list[str], start: int | None, end: int | None) -> Decimal | None:
    if start is None:
        return None
    stop = end if end is not None and end > start else min(len(lines), start + 12)
    parts = [a for line in lines[start:stop] if _TAX_RE.match(line) and (a := amount_of(line)) is not None]
    if parts:
        return sum(parts, ZERO)
    for line in lines[start:]:
        if re.search(r"(?:includes|incl\.?)\s*(?:gst|vat|mwst)|gst\s*incl", line, re.IGNORECASE):
            return amount_of(line)
    return None


def find_payments(lines: list[str], total_index: int | None) -> tuple[str, ...]:
    if total_index is None:
        return ()
    found = []
    for line in lines[total_index + 1 : total_index + 12]:
        if _PAYMENT_RE.search(line) and amount_of(line) is not None and not re.search(r"change", line, re.I):
            found.append(re.sub(r"\s{2,}", " ", line.strip()))
    return tuple(found)
