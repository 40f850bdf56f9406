"""What the parser returns: the receipt and its lines, and their JSON shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from receipts.parsing.money import ONE, ZERO


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
    # False when the text does not look like a receipt at all (see receipts.parsing.plausibility).
    is_receipt: bool = True

    @property
    def lines_total(self) -> Decimal:
        """The items and the charges printed among them (deposits, bag fees): what the subtotal adds up."""
        items = sum((item.total_price or ZERO for item in self.items), ZERO)
        return items + sum((amount for _, amount in self.charges), ZERO)

    @property
    def adjustments_total(self) -> Decimal:
        return sum((amount for _, amount in self.adjustments), ZERO)

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
            "is_receipt": self.is_receipt,
        }


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
