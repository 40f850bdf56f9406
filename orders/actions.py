"""Every audit action code the orders app writes, in one place (the audit page turns them into sentences), and
the reasons the reorder job gives for each item it skips. Details hold ids, counts, states and amounts, never
names of items, stores or brands."""

from __future__ import annotations

from django.db import models

CATALOG_PRICE_RECORD = "orders.catalog_price_record"
CART_ADD = "cart.add"
CART_ADD_LOW = "cart.add_low"
CART_UPDATE = "cart.update"
CART_REMOVE = "cart.remove"
CART_TICK = "cart.tick"
CART_BOUGHT = "cart.bought"
ORDER_CREATE = "order.create"  # from the job, details list each item it decided to order
ORDER_SUBMIT = "order.submit"
ORDER_APPROVE = "order.approve"
ORDER_PLACE = "order.place"
ORDER_DELIVER = "order.deliver"
ORDER_DELIVER_REPEATED = "order.deliver_repeated"
ORDER_CANCEL = "order.cancel"
PREFERENCES_UPDATE = "order_preferences.update"
BRAND_RULE_ADD = "brand_rule.add"
BRAND_RULE_DELETE = "brand_rule.delete"
REORDER_SKIP = "reorder.skip"  # the job looked at an item and did not order it; details say why
REORDER_BUDGET_STOP = "reorder.budget_stop"  # the job stopped at the household's monthly budget


class SkipReason(models.TextChoices):
    ALREADY_ORDERED = "already_ordered", "Already on an open order or in the cart"
    NO_PRICE = "no_price", "No known price, so the budget cannot be checked"
    BUDGET = "budget", "The monthly budget is reached"
    NO_VENDOR = "no_vendor", "No allowed vendor is configured"
