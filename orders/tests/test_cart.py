"""The cart: suggested quantities, running-low in one click, ticking off, and the receipt that follows a trip."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import PricePaid, StockEvent
from inventory.tests.factories import ItemFactory
from orders import services
from orders.errors import OrderError
from orders.models import CartLine, Preferences
from orders.tests.helpers import low_item, order_from_cart, paid
from receipts import services as receipt_services
from receipts.tests.helpers import process, upload_text

pytestmark = pytest.mark.django_db


def test_the_suggested_quantity_covers_use_until_the_next_trip_in_whole_packs(user, household):
    Preferences.objects.create(household=household, shopping_interval_days=7)
    milk = low_item(household=household, name="Milk", unit="l", quantity="0.5", rate="0.5")
    paid(item=milk, total="2.00", quantity="2", packs="2")  # two 1 l packs: pack size 1 l

    line = services.cart_add(actor=user, household=household, item=milk)

    # 7 days x 0.5 l = 3.5 l, minus 0.5 l in stock = 3 l: three packs.
    assert line.quantity == Decimal(3)


def test_the_shopping_interval_is_learned_from_the_days_the_household_shopped(user, household):
    rice = low_item(household=household, name="Rice", quantity="0", rate="0.1", unit="kg")
    for days_ago in (1, 11, 21, 31):  # every ten days
        paid(item=rice, total="2.00", quantity="1", days_ago=days_ago)
    line = services.cart_add(actor=user, household=household, item=rice)
    assert line.quantity == Decimal(1)  # 10 days x 0.1 kg = 1 kg: one 1 kg pack


def test_add_everything_running_low_skips_what_is_in_the_cart_or_on_order(user, household):
    ordered = low_item(household=household, name="Ordered")
    in_cart = low_item(household=household, name="In cart")
    fresh = low_item(household=household, name="Fresh")
    plenty = low_item(household=household, name="Plenty", quantity="50", days_left=50)
    order_from_cart(user=user, household=household, items=[ordered])
    services.cart_add(actor=user, household=household, item=in_cart, quantity=Decimal(4))

    added = services.cart_add_low(actor=user, household=household, today=timezone.localdate())

    assert added == 1
    assert set(CartLine.objects.values_list("item__name_index", flat=True)) == {
        in_cart.name_index,
        fresh.name_index,
    }
    assert not CartLine.objects.filter(item=plenty).exists()
    assert CartLine.objects.get(item=in_cart).quantity == Decimal(4)


def test_ticked_lines_bought_add_stock_once(user, household):
    eggs = ItemFactory(household=household, name="Eggs", quantity=Decimal(2))
    jam = ItemFactory(household=household, name="Jam", quantity=Decimal(0))
    egg_line = services.cart_add(actor=user, household=household, item=eggs, quantity=Decimal(12))
    services.cart_add(actor=user, household=household, item=jam, quantity=Decimal(1))
    services.cart_tick(actor=user, line=egg_line, ticked=True)

    assert services.cart_bought(actor=user, household=household) == 1
    with pytest.raises(OrderError, match="Tick the lines"):
        services.cart_bought(actor=user, household=household)  # the same button pressed again

    eggs.refresh_from_db()
    assert eggs.quantity == Decimal(14)
    event = StockEvent.objects.get(item=eggs)
    assert (event.kind, event.awaiting_receipt, event.source_type) == ("purchase", True, "orders.cart")
    assert list(CartLine.objects.values_list("item", flat=True)) == [jam.pk]  # unticked lines stay


def _receipt_for_today(user, household):
    text = (
        "CORNER GROCER\n12 HIGH STREET\n\n"
        f"{timezone.localdate():%m/%d/%Y} 10:15\n\n"
        "WHOLE MILK 1GAL          3.29\nLG EGGS 12CT             4.10\n\n"
        "TOTAL                    7.39\n"
    )
    return process(upload_text(user=user, household=household, text=text))


def test_a_receipt_for_the_same_trip_is_recognised_not_counted_twice(user, household):
    milk = ItemFactory(household=household, name="Whole milk", unit="gal", quantity=Decimal(0))
    eggs = ItemFactory(household=household, name="Large eggs", quantity=Decimal(0))
    line = services.cart_add(actor=user, household=household, item=milk, quantity=Decimal(1))
    services.cart_tick(actor=user, line=line, ticked=True)
    services.cart_bought(actor=user, household=household)

    receipt = _receipt_for_today(user, household)
    for receipt_line in receipt.lines.all():
        target = milk if "MILK" in receipt_line.printed_name else eggs
        receipt_line.action, receipt_line.item = "add_existing", target
        receipt_line.save(update_fields=["action", "item"])
    receipt_services.receipt_apply(actor=user, receipt=receipt)

    milk.refresh_from_db()
    eggs.refresh_from_db()
    assert milk.quantity == Decimal(1)  # bought from the cart, then recognised on the receipt
    assert eggs.quantity == Decimal(1)  # only on the receipt: added as usual
    assert not StockEvent.objects.filter(item=milk, awaiting_receipt=True).exists()
    assert StockEvent.objects.filter(item=milk).count() == 1
    # The receipt still tells what the milk cost.
    assert PricePaid.objects.get(item=milk).unit_price == Decimal("3.29")


def test_a_receipt_from_another_day_is_not_taken_for_the_trip(user, household):
    milk = ItemFactory(household=household, name="Whole milk", unit="gal", quantity=Decimal(0))
    line = services.cart_add(actor=user, household=household, item=milk, quantity=Decimal(1))
    services.cart_tick(actor=user, line=line, ticked=True)
    services.cart_bought(actor=user, household=household)
    StockEvent.objects.filter(item=milk).update(at=timezone.now() - timedelta(days=5))

    receipt = _receipt_for_today(user, household)
    receipt.lines.exclude(pk=receipt.lines.order_by("position").first().pk).update(action="ignore")
    first = receipt.lines.order_by("position").first()
    first.action, first.item = "add_existing", milk
    first.save(update_fields=["action", "item"])
    receipt_services.receipt_apply(actor=user, receipt=receipt)

    milk.refresh_from_db()
    assert milk.quantity == Decimal(2)
