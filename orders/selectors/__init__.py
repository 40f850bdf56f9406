"""Every orders read, scoped to one household, at a fixed number of queries whatever the cart's size.

`prices`: preferences, prices and brands; `cart`: the cart page; `orders`: orders and what vendors are told."""

from orders.selectors.cart import (
    CART_MAX_ROWS,
    Cart,
    CartItem,
    CartRow,
    StoreTotal,
    cart_get,
    cart_line_get,
    low_stock_items,
    suggested_for,
)
from orders.selectors.orders import (
    ORDERS_PAGE_SIZE,
    month_spent,
    order_get,
    order_lines,
    order_page,
    vendor_order,
)
from orders.selectors.prices import (
    ItemPricing,
    brand_choices,
    brand_rule_get,
    brand_rule_list,
    brand_rules,
    catalog_latest,
    item_pricing,
    preferences_get,
    shopping_interval,
)

__all__ = [
    "CART_MAX_ROWS",
    "ORDERS_PAGE_SIZE",
    "Cart",
    "CartItem",
    "CartRow",
    "ItemPricing",
    "StoreTotal",
    "brand_choices",
    "brand_rule_get",
    "brand_rule_list",
    "brand_rules",
    "cart_get",
    "cart_line_get",
    "catalog_latest",
    "item_pricing",
    "low_stock_items",
    "month_spent",
    "order_get",
    "order_lines",
    "order_page",
    "preferences_get",
    "shopping_interval",
    "suggested_for",
    "vendor_order",
]
