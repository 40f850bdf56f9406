"""Amounts on a receipt line: the money constants, number parsing and the amount a line ends in."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
ONE = Decimal(1)
ZERO = Decimal(0)
# One letter in any alphabet (not a digit or an underscore).
LETTER_RE = re.compile(r"[^\W\d_]")


NUM = r"(?:\d+(?:[.,]\d+)?|[.,]\d+)"
PRICE = r"(?:\d*[.,]\d{2})"
MONEY = r"(?:\d{1,3}(?:,\d{3})+\.\d{2}|\d{1,3}(?:\.\d{3})+,\d{2}|\d+[.,]\d{2})"
# A currency printed before an amount: a symbol, Malaysia's "RM" or an ISO code.
CURRENCY = r"(?:[$£€]|RM|EUR|GBP|USD|CAD|AUD|MYR)"
# Pack sizes glued to a number are part of a name ("7.25OZ", "1.5L"), unlike a tax flag glued to a price ("3.49T").
_GLUED_UNIT = r"(?!(?i:OZ|LBS?|KG|G|L|ML|CL|CT|PK|GAL|QT|Z|LTR|LITRE|LITER)\b)"
TRAILING_AMOUNT_RE = re.compile(
    rf"(?P<neg1>-\s*)?(?P<open>\(\s*)?(?:{CURRENCY}\s?)?(?P<amt>{MONEY}){_GLUED_UNIT}(?P<neg2>\s*-)?(?P<close>\s*\))?"
    r"(?P<flags>(?:\s*(?:[A-Z]{1,4}|[*#^]|\d)(?![\w.,])){0,2})\s*(?:EUR|€)?\s*$"
)


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


def take_amount(text: str) -> tuple[Decimal | None, bool, str]:
    """The line's amount at its end: '3.49', '0.50-', '-£2.50', '(1.00)' (negative in accounting style)."""
    m = TRAILING_AMOUNT_RE.search(text)
    if not m or (m.group("close") and not m.group("open")):
        return None, False, text  # the end of a remark in brackets: '(estimated $5.99)'
    negative = bool(m.group("neg1") or m.group("neg2") or m.group("open"))
    return to_decimal(m.group("amt")), negative, text[: m.start()]


def amount_of(line: str) -> Decimal | None:
    value, negative, _ = take_amount(line)
    return -value if value is not None and negative else value


def has_words(text: str) -> bool:
    return len(LETTER_RE.findall(text)) >= 3
