"""Orders from the cart to the shelf: every transition, every refused one, and the database's own guard."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from grapefruit.tests.factories import MembershipFactory
from inventory.models import StockEvent
from inventory.tests.factories import ItemFactory
from orders import services
from orders.errors import OrderError
from orders.models import CartLine, Order, OrderLine, Preferences
from orders.tests.helpers import approved_order, order_from_cart, paid

pytestmark = pytest.mark.django_db

S = Order.Status


def _statuses(order):
    return list(
        AuditEvent.objects.filter(target_type="orders.Order", target_id=str(order.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_an_order_goes_from_cart_to_delivered_and_adds_stock_once(
    user, household, django_capture_on_commit_callbacks
):
    milk = ItemFactory(household=household, name="Whole milk", unit="l", quantity=Decimal(1))
    paid(item=milk, total="2.40", quantity="2", store="Corner Grocer")

    order = order_from_cart(user=user, household=household, items=[milk])
    assert (order.status, order.expected_total, order.currency) == (S.DRAFT, Decimal("2.40"), "USD")
    assert not CartLine.objects.exists()
    line = order.lines.get()
    assert (line.quantity, line.unit, line.store, line.price_source) == (
        Decimal(2),
        "l",
        "Corner Grocer",
        "history",
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.order_submit(actor=user, order=order)
    assert len(mail.outbox) == 1 and f"order #{order.pk}" in mail.outbox[0].subject
    assert "milk" not in mail.outbox[0].body.lower()  # mail servers keep copies: counts and links only

    services.order_approve(actor=user, order=order)
    with django_capture_on_commit_callbacks(execute=False) as scheduled:
        services.order_place(actor=user, order=order)
    assert len(scheduled) == 1  # the demo vendor's simulated delivery
    order.refresh_from_db()
    assert order.status == S.PLACED and order.vendor_order_id.startswith("SIM-") and order.tracking_number

    assert services.order_deliver(actor=None, order=order) is True
    assert services.order_deliver(actor=None, order=order) is False  # reported twice: stock added once
    milk.refresh_from_db()
    assert milk.quantity == Decimal(3)
    delivery = StockEvent.objects.get(item=milk, kind="delivery")
    assert (delivery.delta, delivery.source_type) == (Decimal(2), "orders.orderline")
    assert not OrderLine.objects.filter(is_open=True).exists()
    assert _statuses(order) == [
        "order.create",
        "order.submit",
        "order.approve",
        "order.place",
        "order.deliver",
        "order.deliver_repeated",
    ]


@pytest.mark.parametrize(
    ("stage", "action", "message"),
    [
        ("draft", services.order_approve, "draft; it cannot be approved"),
        ("draft", services.order_deliver, "draft; it cannot be marked delivered"),
        ("draft", services.order_place, "approves orders before they are placed"),
        ("pending", services.order_place, "waiting for approval; it cannot be placed"),
        ("pending", services.order_submit, "waiting for approval; it cannot be submitted"),
        ("approved", services.order_approve, "approved; it cannot be approved"),
        ("approved", services.order_deliver, "approved; it cannot be marked delivered"),
        ("cancelled", services.order_approve, "cancelled; it cannot be approved"),
        ("cancelled", services.order_cancel, "cancelled; it cannot be cancelled"),
        ("delivered", services.order_cancel, "delivered; it cannot be cancelled"),
    ],
)
def test_a_refused_transition_says_why_and_changes_nothing(user, household, stage, action, message):
    order = _order_at(stage, user, household)
    before = (order.status, AuditEvent.objects.filter(outcome="ok").count())
    with pytest.raises(OrderError, match=message):
        action(actor=user, order=order)
    order.refresh_from_db()
    assert (order.status, AuditEvent.objects.filter(outcome="ok").count()) == before
    refusal = AuditEvent.objects.get(outcome="refused")
    assert (refusal.target_id, refusal.details) == (str(order.pk), {"reason": "refused"})


def _order_at(stage, user, household):
    order = order_from_cart(user=user, household=household, items=[ItemFactory(household=household)])
    if stage == "draft":
        return order
    if stage == "cancelled":
        return services.order_cancel(actor=user, order=order)
    order = services.order_submit(actor=user, order=order)
    if stage == "pending":
        return order
    order = services.order_approve(actor=user, order=order)
    if stage == "approved":
        return order
    services.order_place(actor=user, order=order)
    services.order_deliver(actor=user, order=order)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize("stage", ["draft", "pending", "approved"])
def test_cancelling_an_open_order_frees_its_items_for_a_new_order(user, household, stage):
    item = ItemFactory(household=household)
    order = _order_at(stage, user, household) if stage != "draft" else None
    order = order or order_from_cart(user=user, household=household, items=[item])
    services.order_cancel(actor=user, order=order)
    order.refresh_from_db()
    assert order.status == S.CANCELLED and order.cancelled_at
    assert not order.lines.filter(is_open=True).exists()
    again = order_from_cart(user=user, household=household, items=[order.lines.first().item])
    assert again.lines.count() == 1


def test_only_a_member_of_the_household_approves(user, household, other_membership):
    order = order_from_cart(user=user, household=household, items=[ItemFactory(household=household)])
    services.order_submit(actor=user, order=order)
    for outsider in (None, other_membership.user):
        with pytest.raises(OrderError, match="Only a member"):
            services.order_approve(actor=outsider, order=order)
    fellow = MembershipFactory(household=household, role="member").user
    services.order_approve(actor=fellow, order=order)
    order.refresh_from_db()
    assert (order.status, order.approved_by) == (S.APPROVED, fellow)


def test_without_required_approval_a_draft_is_placed_directly(user, household):
    Preferences.objects.create(household=household, approval_required=False)
    order = order_from_cart(user=user, household=household, items=[ItemFactory(household=household)])
    services.order_place(actor=user, order=order)
    order.refresh_from_db()
    assert order.status == S.PLACED and order.approved_by is None


def test_an_item_already_on_an_open_order_is_refused_with_its_name(user, household):
    butter = ItemFactory(household=household, name="Butter")
    order_from_cart(user=user, household=household, items=[butter])
    with pytest.raises(OrderError, match="Already on an open order: Butter"):
        order_from_cart(user=user, household=household, items=[butter])
    assert CartLine.objects.filter(item=butter).exists()  # nothing lost: still in the cart


def test_the_database_refuses_a_second_open_line_for_an_item(user, household):
    item = ItemFactory(household=household)
    order = order_from_cart(user=user, household=household, items=[item])
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.create(order=order, item=item, quantity=Decimal(1), unit="pcs")


def test_the_database_allows_exactly_the_transitions_of_the_model(user, household):
    from importlib import import_module

    frozen = set(import_module("orders.migrations.0003_order_transitions_trigger").ALLOWED)
    declared = {f"{old}>{new}" for old, targets in Order.TRANSITIONS.items() for new in targets}
    assert frozen == declared
    now = timezone.now()
    stamps = {
        "approved_by": user,
        "approved_at": now,
        "placed_at": now,
        "delivered_at": now,
        "cancelled_at": now,
    }
    for old in S.values:
        for new in S.values:
            if old == new:
                continue
            # The trigger guards updates: a row inserted at `old` is then asked to move.
            order = Order.objects.create(
                household=household, vendor="demo", currency="USD", status=old, **stamps
            )
            allowed = f"{old}>{new}" in declared
            try:
                with transaction.atomic():
                    Order.objects.filter(pk=order.pk).update(status=new)
            except IntegrityError:
                assert not allowed, f"{old} -> {new} should be allowed"
            else:
                assert allowed, f"{old} -> {new} should be refused"


def test_shopping_list_orders_bought_in_person_wait_for_their_receipt(user, household):
    item = ItemFactory(household=household, quantity=Decimal(0))
    order = approved_order(user=user, household=household, items=[item], vendor="shopping_list")
    services.order_place(actor=user, order=order)
    services.order_deliver(actor=user, order=order)
    event = StockEvent.objects.get(item=item)
    assert (event.kind, event.awaiting_receipt, event.delta) == ("purchase", True, Decimal(2))
