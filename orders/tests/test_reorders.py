"""The scheduled reorder job: what it orders, what it skips and why, and that it never orders anything twice."""

import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from audit.models import AuditEvent
from grapefruit.tests.factories import MembershipFactory
from inventory.models import Item
from orders import services, tasks
from orders.models import BrandRule, Order, OrderLine, Preferences
from orders.tests.helpers import low_item, paid

pytestmark = pytest.mark.django_db


def _auto(household, **fields):
    defaults = {"auto_reorder": True, "cover_days": 5, "approval_required": True}
    return Preferences.objects.update_or_create(household=household, defaults={**defaults, **fields})[0]


def _skips(household):
    events = AuditEvent.objects.filter(household=household, action="reorder.skip")
    return sorted((int(event.target_id), event.details["reason"]) for event in events)


def test_auto_reorder_off_orders_nothing(household):
    item = low_item(household=household, name="Milk", days_left=0)
    paid(item=item, total="2.00")
    Preferences.objects.create(household=household, auto_reorder=False)

    result = services.reorders_run()

    assert (result.households, result.orders) == (0, 0)
    assert (
        not Order.objects.exists() and not AuditEvent.objects.filter(action__startswith="reorder.").exists()
    )


def test_due_items_are_ordered_for_approval_with_one_email_per_order(
    household, user, django_capture_on_commit_callbacks
):
    _auto(household)
    MembershipFactory(household=household, role="member")
    milk = low_item(household=household, name="Milk", quantity="1", rate="0.5", days_left=2)
    paid(item=milk, total="2.00", quantity="2", packs="2", store="Corner Grocer")
    paid(item=milk, total="1.80", quantity="2", packs="2", store="Bio Shop", days_ago=20)
    later = low_item(household=household, name="Rice", quantity="10", rate="0.1", days_left=100)
    paid(item=later, total="3.00")

    with django_capture_on_commit_callbacks(execute=True):
        result = services.reorders_run()

    order = Order.objects.get()
    assert (order.status, order.origin, order.vendor, order.approved_by) == (
        "pending_approval",
        "reorder",
        "shopping_list",
        None,
    )
    line = order.lines.get()
    # The cheapest store of the last 90 days; quantity covers a week (the default trip interval) in 1 l packs.
    assert (line.item, line.store, line.expected_unit_price) == (milk, "Bio Shop", Decimal("0.9"))
    assert line.quantity == Decimal(3)
    assert (result.orders, result.lines, result.emails) == (1, 1, 1)
    assert len(mail.outbox) == 1 and len(mail.outbox[0].to) == 2
    decision = AuditEvent.objects.get(action="order.create", target_id=str(order.pk))
    assert decision.details["items"] == {str(milk.pk): ["3.000", "history"]}


def test_running_twice_creates_nothing_twice(household):
    _auto(household)
    paid(item=low_item(household=household, name="Milk", days_left=1), total="2.00")
    first = services.reorders_run()
    second = services.reorders_run()
    assert (first.lines, second.lines) == (1, 0)
    assert second.skipped == {"already_ordered": 1}
    assert OrderLine.objects.count() == 1


def test_an_uncertain_forecast_is_reordered_earlier_than_a_proven_one(household):
    _auto(household, cover_days=5)
    untested = low_item(household=household, name="New", days_left=9)
    proven = low_item(household=household, name="Proven", days_left=9)
    for item in (untested, proven):
        paid(item=item, total="1.00")
    # Three checked predictions, each off by one day (the counters the forecast ledger keeps on the item).
    Item.objects.filter(pk=proven.pk).update(settled_forecasts=3, settled_error_days=3)

    services.reorders_run()

    # Nine days left: brought forward by half (untested) it falls within five days of cover; by one day it does not.
    assert list(OrderLine.objects.values_list("item", flat=True)) == [untested.pk]


def test_the_budget_stops_the_job_and_tells_the_members(household, django_capture_on_commit_callbacks):
    _auto(household, monthly_budget=Decimal("5.00"))
    first = low_item(household=household, name="Soonest", days_left=0, rate="0.1")
    second = low_item(household=household, name="Later", days_left=1, rate="0.1")
    third = low_item(household=household, name="Last", days_left=2, rate="0.1")
    for item, total in ((first, "3.00"), (second, "3.00"), (third, "1.00")):
        paid(item=item, total=total)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.reorders_run()

    assert list(OrderLine.objects.values_list("item", flat=True)) == [first.pk]
    assert _skips(household) == [
        (second.pk, "budget"),
        (third.pk, "budget"),
    ]  # it stops: nothing after is ordered
    stop = AuditEvent.objects.get(action="reorder.budget_stop")
    assert stop.details == {"budget": "5.00", "skipped": 2}
    assert result.emails == 2
    assert any("budget" in message.subject for message in mail.outbox)


def test_the_brand_ladder_and_allowed_vendors_and_stores_are_respected(household):
    _auto(household, allowed_vendors=["demo"], allowed_stores=["Corner Grocer"])
    yogurt = low_item(household=household, name="Yogurt", category="dairy", days_left=0)
    paid(item=yogurt, total="1.00", store="Bio Shop")
    paid(item=yogurt, total="1.50", store="corner grocer")
    BrandRule.objects.create(household=household, category="dairy", brand="Cheapo", rank="avoid")
    BrandRule.objects.create(household=household, category="dairy", brand="Meadow", rank="acceptable")
    BrandRule.objects.create(household=household, category="dairy", brand="Alpine", rank="preferred")

    services.reorders_run()

    line = OrderLine.objects.get()
    assert (line.order.vendor, line.store, line.brand, line.avoid_brands) == (
        "demo",
        "corner grocer",
        "Alpine",
        ["Cheapo"],
    )


def test_items_without_a_known_price_or_vendor_are_skipped_with_the_reason(
    household, other_household, settings
):
    _auto(household)
    unpriced = low_item(household=household, name="Unpriced", days_left=0)
    _auto(other_household, allowed_vendors=["gone"])
    stranded = low_item(household=other_household, name="Stranded", days_left=0)
    paid(item=stranded, total="1.00")

    result = services.reorders_run()

    assert _skips(household) == [(unpriced.pk, "no_price")]
    assert _skips(other_household) == [(stranded.pk, "no_vendor")]
    assert result.skipped == {"no_price": 1, "no_vendor": 1} and result.orders == 0


def test_without_required_approval_the_order_goes_to_its_vendor_by_a_worker(
    household, django_capture_on_commit_callbacks
):
    _auto(household, approval_required=False, allowed_vendors=["shopping_list"])
    paid(item=low_item(household=household, name="Milk", days_left=0), total="2.00")

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        services.reorders_run()
    order = Order.objects.get()
    assert order.status == "draft" and len(after_commit) == 1  # the place task is sent once committed
    tasks.order_place(order.pk)  # what the worker runs

    order.refresh_from_db()
    assert (order.status, order.approved_by) == ("placed", None)


def test_run_reorders_prints_its_decisions_as_json(household, capsys):
    _auto(household)
    paid(item=low_item(household=household, name="Milk", days_left=0), total="2.00")
    low_item(household=household, name="Unpriced", days_left=0)

    call_command("run_reorders", "--json")
    report = json.loads(capsys.readouterr().out)

    assert {key: report[key] for key in ("households", "orders", "lines", "skipped")} == {
        "households": 1,
        "orders": 1,
        "lines": 1,
        "skipped": {"no_price": 1},
    }
    assert report["queries"] > 0 and report["seconds"] >= 0
    call_command("run_reorders")
    assert "Lines skipped: already_ordered 1, no_price 1" in capsys.readouterr().out
