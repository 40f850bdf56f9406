"""Display helpers for the orders pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from inventory.units import format_amount

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    """A stored quantity without trailing zeros or exponents (2.500 -> 2.5)."""
    return "" if value is None else format_amount(value)


@register.filter
def percent_up(ratio: Decimal | None) -> str:
    """A price ratio as a rise: 1.2 -> "+20%"; empty when there is no rise."""
    return "" if ratio is None else f"+{round((ratio - 1) * 100)}%"
