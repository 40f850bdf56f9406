"""Orders of a household, and what a vendor is told about one."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404

from grapefruit.models import Household
from orders.models import Order, OrderLine
from orders.vendors import VendorLine, VendorOrder

ORDERS_PAGE_SIZE = 50


def order_page(*, household: Household, page_number: str | int | None) -> Page:
    orders: QuerySet[Order] = Order.objects.filter(household=household).annotate(line_count=Count("lines"))
    return Paginator(orders.order_by("-created_at", "-id"), ORDERS_PAGE_SIZE).get_page(page_number)


def order_get(*, household: Household, order_id: int) -> Order:
    """The household's order, or 404: another household's id looks exactly like a missing one."""
    return get_object_or_404(
        Order.objects.select_related("approved_by", "created_by"), pk=order_id, household=household
    )


def order_lines(*, order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("item").order_by("id"))


def vendor_order(*, order: Order, lines: Iterable[OrderLine]) -> VendorOrder:
    """What a vendor is told about an order (names decrypted here, for the vendor only)."""
    return VendorOrder(
        reference=f"grapefruit-order-{order.pk}",
        currency=order.currency,
        lines=tuple(
            VendorLine(
                name=line.item.name,
                quantity=line.quantity,
                unit=line.unit,
                brand=line.brand,
                avoid_brands=tuple(line.avoid_brands),
                expected_unit_price=line.expected_unit_price,
                expected_price=line.expected_price,
                store=line.store,
            )
            for line in lines
        ),
    )


def month_spent(*, household_ids: Collection[int] | QuerySet, today: date) -> dict[int, Decimal]:
    """Per household, the expected total of this month's orders that were not cancelled."""
    start = today.replace(day=1)
    rows = (
        Order.objects.filter(household_id__in=household_ids, created_at__date__gte=start)
        .exclude(status=Order.Status.CANCELLED)
        .values("household_id")
        .annotate(total=Sum("expected_total"))
    )
    return {row["household_id"]: row["total"] or Decimal(0) for row in rows}
