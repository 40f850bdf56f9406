"""Orders from creation to delivery. Status changes happen here only, each under a row lock, each audited; the
database refuses any change outside Order.TRANSITIONS as well."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from celery import current_app
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record, records_refusals
from grapefruit.models import Household, Membership
from inventory import services as inventory_services
from orders import actions, notifications, selectors
from orders.errors import OrderError
from orders.models import CartLine, Order, OrderLine, Preferences
from orders.vendors import Vendor, VendorError, configured_vendors, get_vendor

_VERBS = {
    Order.Status.PENDING_APPROVAL: "submitted for approval",
    Order.Status.APPROVED: "approved",
    Order.Status.PLACED: "placed",
    Order.Status.DELIVERED: "marked delivered",
    Order.Status.CANCELLED: "cancelled",
}
ORDER_LINE_SOURCE_TYPE = "orders.orderline"
DELIVER_SIMULATED_TASK = "orders.tasks.order_deliver_simulated"
PLACE_TASK = "orders.tasks.order_place"


def preferences_claim(household: Household) -> Preferences:
    """Lock the household's preferences row (creating it with the defaults if needed). Whoever creates orders
    for a household holds this lock first, so a member's order and the reorder job never both order one item."""
    Preferences.objects.get_or_create(household=household)
    return Preferences.objects.select_for_update().get(household=household)


def allowed_vendors(
    preferences: Preferences, configured: dict[str, Vendor] | None = None
) -> dict[str, Vendor]:
    """The configured vendors the household allows (`configured` saves loading them again in a loop)."""
    vendors = configured if configured is not None else configured_vendors()
    if preferences.allowed_vendors:
        vendors = {key: vendor for key, vendor in vendors.items() if key in preferences.allowed_vendors}
    return vendors


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("household").get(pk=order.pk)


def _move(order: Order, to: str, **fields: Any) -> Order:
    """Change the locked order's status, or refuse with a sentence saying why."""
    if to not in Order.TRANSITIONS[order.status]:
        raise OrderError(f"This order is {order.get_status_display().lower()}; it cannot be {_VERBS[to]}.")
    order.status = to
    for name, value in fields.items():
        setattr(order, name, value)
    order.save(update_fields=["status", *fields])
    if to not in Order.OPEN:
        order.lines.update(is_open=False)
    return order


# --- creating --------------------------------------------------------------------------------------------------


@records_refusals(actions.ORDER_CREATE, errors=(OrderError,))
@transaction.atomic
def order_create_from_cart(*, actor: Any, household: Household, vendor_key: str, today: date) -> Order:
    """Turn every line of the cart into a draft order for one vendor, priced and branded; the cart empties."""
    preferences = preferences_claim(household)
    vendors = allowed_vendors(preferences)
    if vendor_key not in vendors:
        raise OrderError("Choose one of the vendors your household allows.")
    cart_lines = list(CartLine.objects.filter(household=household).select_related("item").order_by("id"))
    if not cart_lines:
        raise OrderError("The cart is empty.")
    on_order = OrderLine.objects.filter(item__in=[line.item for line in cart_lines], is_open=True)
    taken = sorted(line.item.name for line in on_order.select_related("item"))
    if taken:
        raise OrderError(f"Already on an open order: {', '.join(taken)}. Remove them from the cart first.")
    items = [line.item for line in cart_lines]
    prices = selectors.item_pricing(household=household, items=items, preferences=preferences, today=today)
    brands = selectors.brand_choices(household=household, items=items)
    order = Order.objects.create(
        household=household, vendor=vendor_key, currency=preferences.currency, created_by=actor
    )
    lines = [
        _order_line(order, line.item, line.quantity, prices[line.item_id], brands[line.item_id])
        for line in cart_lines
    ]
    try:
        with transaction.atomic():
            OrderLine.objects.bulk_create(lines)
    except IntegrityError as error:
        raise OrderError(
            "An item in the cart was ordered meanwhile. Reload the cart and try again."
        ) from error
    order.expected_total = sum((line.expected_price or Decimal(0) for line in lines), Decimal(0))
    order.save(update_fields=["expected_total"])
    CartLine.objects.filter(pk__in=[line.pk for line in cart_lines]).delete()
    audit_record(
        actor=actor,
        household=household,
        action=actions.ORDER_CREATE,
        target=order,
        details={
            "origin": order.origin,
            "vendor": vendor_key,
            "lines": len(lines),
            "total": str(order.expected_total),
        },
    )
    return order


def _order_line(
    order: Order, item: Any, quantity: Decimal, pricing: selectors.ItemPricing, brand: Any
) -> OrderLine:
    quote = pricing.quote
    return OrderLine(
        order=order,
        item=item,
        quantity=quantity,
        unit=item.unit,
        brand=brand.brand,
        avoid_brands=list(brand.avoid),
        store=quote.store,
        expected_unit_price=quote.unit_price,
        expected_price=quote.total(quantity),
        price_source=quote.source.value,
    )


# --- moving along ----------------------------------------------------------------------------------------------


@records_refusals(actions.ORDER_SUBMIT, target="order", errors=(OrderError,))
def order_submit(*, actor: Any, order: Order) -> Order:
    """Ask the household's members to approve the order (one e-mail per order)."""
    with transaction.atomic():
        order = _move(_lock(order), Order.Status.PENDING_APPROVAL, submitted_at=timezone.now())
        audit_record(actor=actor, household=order.household, action=actions.ORDER_SUBMIT, target=order)
        request = notifications.ApprovalRequest(
            order.household_id, order.pk, order.lines.count(), order.expected_total, order.currency
        )
        transaction.on_commit(lambda: notifications.send_all(approvals=[request]))
    return order


@records_refusals(actions.ORDER_APPROVE, target="order", errors=(OrderError,))
@transaction.atomic
def order_approve(*, actor: Any, order: Order) -> Order:
    """Only a signed-in member of the order's household approves; never the job."""
    is_member = Membership.objects.filter(user_id=getattr(actor, "pk", None), household_id=order.household_id)
    if not getattr(actor, "is_authenticated", False) or not is_member.exists():
        raise OrderError("Only a member of the household can approve its orders.")
    order = _move(_lock(order), Order.Status.APPROVED, approved_by=actor, approved_at=timezone.now())
    audit_record(actor=actor, household=order.household, action=actions.ORDER_APPROVE, target=order)
    return order


@records_refusals(actions.ORDER_PLACE, target="order", errors=(OrderError,))
def order_place(*, actor: Any, order: Order) -> Order:
    """Send an approved order to its vendor (a draft goes straight through when the household does not require
    approval). The vendor is asked outside the transaction: a slow vendor must not hold row locks, and vendors
    are idempotent on our reference, so a retry after a failure cannot order twice."""
    order = Order.objects.select_related("household").get(pk=order.pk)
    _check_placeable(order)
    vendor = get_vendor(order.vendor)
    try:
        placement = vendor.place(
            selectors.vendor_order(order=order, lines=selectors.order_lines(order=order))
        )
    except VendorError as error:
        raise OrderError(f"The vendor refused the order: {error}") from error
    with transaction.atomic():
        order = _lock(order)
        _check_placeable(order)
        order = _move(
            order,
            Order.Status.PLACED,
            placed_at=timezone.now(),
            vendor_order_id=placement.vendor_order_id,
            tracking_number=placement.tracking_number,
        )
        audit_record(
            actor=actor,
            household=order.household,
            action=actions.ORDER_PLACE,
            target=order,
            details={"vendor": order.vendor, "simulation": vendor.simulation},
        )
        if placement.delivers_itself_after is not None:
            _schedule_simulated_delivery(order.pk, placement.delivers_itself_after.total_seconds())
    return order


def _check_placeable(order: Order) -> None:
    if order.status == Order.Status.DRAFT:
        if Preferences.objects.filter(household_id=order.household_id, approval_required=False).exists():
            return
        raise OrderError(
            "Your household approves orders before they are placed: submit it for approval first."
        )
    if order.status != Order.Status.APPROVED:
        raise OrderError(f"This order is {order.get_status_display().lower()}; it cannot be placed.")


def _schedule_simulated_delivery(order_id: int, countdown: float) -> None:
    # Sent by name: orders.tasks imports these services.
    transaction.on_commit(
        lambda: current_app.send_task(DELIVER_SIMULATED_TASK, args=(order_id,), countdown=countdown)
    )


@records_refusals(actions.ORDER_DELIVER, target="order", errors=(OrderError,))
@transaction.atomic
def order_deliver(*, actor: Any, order: Order) -> bool:
    """Add the order's goods to stock, once: a second report of the same delivery changes nothing and returns
    False. Goods the household fetched itself (shopping list) wait for their receipt, like a ticked-off cart."""
    order = _lock(order)
    if order.status == Order.Status.DELIVERED:
        audit_record(
            actor=actor, household=order.household, action=actions.ORDER_DELIVER_REPEATED, target=order
        )
        return False
    in_person = getattr(configured_vendors().get(order.vendor), "shopped_in_person", False)
    order = _move(order, Order.Status.DELIVERED, delivered_at=timezone.now())
    for line in order.lines.select_related("item").order_by("id"):
        inventory_services.stock_add(
            actor=actor,
            item=line.item,
            amount=line.quantity,
            unit=line.unit,
            kind="purchase" if in_person else "delivery",
            awaiting_receipt=in_person,
            source=inventory_services.StockSource(type=ORDER_LINE_SOURCE_TYPE, id=str(line.pk)),
        )
    audit_record(
        actor=actor,
        household=order.household,
        action=actions.ORDER_DELIVER,
        target=order,
        details={"lines": order.lines.count(), "awaiting_receipt": in_person},
    )
    return True


@records_refusals(actions.ORDER_CANCEL, target="order", errors=(OrderError,))
@transaction.atomic
def order_cancel(*, actor: Any, order: Order) -> Order:
    order = _move(_lock(order), Order.Status.CANCELLED, cancelled_at=timezone.now())
    audit_record(actor=actor, household=order.household, action=actions.ORDER_CANCEL, target=order)
    return order
