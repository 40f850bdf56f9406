"""Quantities in Django templates: `{% load quantities %}` then `{{ item.quantity|quantity:item.unit }}`.

The same rules as every other page (inventory.units.format_quantity): the unit always shown, at the precision a
person reads.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from inventory.units import format_quantity

register = template.Library()


@register.filter
def quantity(amount: Decimal | None, unit: str) -> str:
    return "" if amount is None else format_quantity(Decimal(amount), unit)
