"""Every write of the orders app, split by subject: the catalogue, the cart, the order lifecycle, preferences and
the scheduled reorder job. Import them from here."""

from orders.errors import OrderError
from orders.services.cart import cart_add, cart_add_low, cart_bought, cart_remove, cart_tick, cart_update
from orders.services.catalog import catalog_price_record
from orders.services.lifecycle import (
    order_approve,
    order_cancel,
    order_create_from_cart,
    order_deliver,
    order_place,
    order_submit,
)
from orders.services.preferences import brand_rule_add, brand_rule_delete, preferences_update
from orders.services.price_choices import price_choices_remember
from orders.services.reorders import ReorderResult, reorders_run

__all__ = [
    "OrderError",
    "ReorderResult",
    "brand_rule_add",
    "brand_rule_delete",
    "cart_add",
    "cart_add_low",
    "cart_bought",
    "cart_remove",
    "cart_tick",
    "cart_update",
    "catalog_price_record",
    "order_approve",
    "order_cancel",
    "order_create_from_cart",
    "order_deliver",
    "order_place",
    "order_submit",
    "preferences_update",
    "price_choices_remember",
    "reorders_run",
]
