"""Money as the pages show it: two decimals, none when they are zero, and the currency's code."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def format_amount_of_money(amount: Decimal) -> str:
    """3.48, 312.40, 12 (a price of 12.00 reads as 12)."""
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{rounded:.0f}" if rounded == rounded.to_integral_value() else f"{rounded:f}"


def format_money(amount: Decimal, currency: str) -> str:
    """An amount with its currency: "312.40 USD"."""
    return f"{format_amount_of_money(amount)} {currency}"
