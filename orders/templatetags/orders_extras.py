"""The orders pages' own tag: `{% load orders_extras %}` then `{% orders_nav "cart" %}`."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from orders import display

register = template.Library()


@register.simple_tag
def orders_nav(current: str) -> SafeString:
    """Cart, Orders, Shopping preferences, the current one marked (the same links the cart page shows)."""
    return display.orders_nav(current)
