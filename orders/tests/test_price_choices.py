"""The cart's stored price choices (orders.PriceChoice): read back while they hold, never once they are stale,
whichever way they went stale, and always the price the cart would choose afresh."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from inventory.models import Item
from orders import selectors, services
from orders.models import CatalogPrice, PriceChoice
from orders.tests.factories import CatalogPriceFactory
from orders.tests.helpers import low_item, paid

pytestmark = pytest.mark.django_db


def _cart(household, today=None):
    return selectors.cart_get(household=household, today=today or timezone.localdate())


def _remembered(household, today=None):
    """The cart after its choices are stored, as the cart page does."""
    cart = _cart(household, today)
    services.price_choices_remember(choices=cart.choices_to_store)
    return cart


def _chosen_afresh(household, today):
    """The cart as SQLite reads it, choosing every price: what the stored choices must always agree with."""
    vendor = connection.vendor
    connection.vendor = "sqlite"
    try:
        return _cart(household, today)
    finally:
        connection.vendor = vendor


def _prices(cart):
    return {row.item.name: row.pricing for row in [*cart.rows, *cart.suggestions]}


@pytest.fixture
def pantry(user, household):
    """Running-low items priced every way: paid at two stores, from the catalogue, estimated, never priced."""
    milk = low_item(household=household, name="Milk", quantity="0")
    paid(item=milk, total="1.00", store="Aldo", days_ago=80)
    paid(item=milk, total="2.00", store="FreshWay", days_ago=10)
    paid(item=milk, total="2.40", store="FreshWay", days_ago=2)  # 1.6 times the median before it (1.50)
    rice = low_item(household=household, name="Rice", quantity="0", unit="kg")
    paid(
        item=rice, total="6.00", quantity="2", packs="2", store="Bulk Barn", days_ago=200
    )  # outside the window
    tea = low_item(household=household, name="Tea")
    CatalogPriceFactory(item=tea, price=Decimal("3.10"))
    beans = low_item(household=household, name="Beans")
    CatalogPriceFactory(item=beans, price=Decimal("0.90"), source=CatalogPrice.Source.ESTIMATE)
    low_item(household=household, name="Salt")
    services.cart_add(actor=user, household=household, item=tea, quantity=Decimal(2))
    return {item.name: item for item in Item.objects.filter(household=household)}


def test_the_cart_stores_the_prices_it_chose_and_reads_them_back_unchanged(household, pantry):
    first = _remembered(household)

    assert {choice.item_id for choice in first.choices_to_store} == {item.pk for item in pantry.values()}
    again = _cart(household)
    assert again.choices_to_store == ()  # every price read back, none chosen again
    assert again == first == _chosen_afresh(household, timezone.localdate())
    prices = _prices(again)
    assert (prices["Milk"].quote.store, prices["Milk"].quote.unit_price) == ("Aldo", Decimal(1))
    assert prices["Milk"].rise == Decimal("1.6") and prices["Rice"].pack_size == Decimal(1)
    assert prices["Tea"].quote.source == "catalog" and prices["Beans"].quote.is_estimate
    assert prices["Salt"].quote.unit_price is None and prices["Salt"].quote.currency == "USD"


def test_a_new_price_paid_is_chosen_at_once(household, pantry):
    _remembered(household)

    paid(item=pantry["Milk"], total="0.80", store="Corner Grocer", days_ago=0)

    cart = _cart(household)
    assert [choice.item_id for choice in cart.choices_to_store] == [pantry["Milk"].pk]
    assert _prices(cart)["Milk"].quote.store == "Corner Grocer"
    assert cart == _chosen_afresh(household, timezone.localdate())


def test_a_new_catalogue_price_is_chosen_at_once(household, pantry):
    _remembered(household)

    CatalogPriceFactory(item=pantry["Beans"], price=Decimal("1.05"))  # by hand: beats the estimate

    cart = _cart(household)
    assert [choice.item_id for choice in cart.choices_to_store] == [pantry["Beans"].pk]
    assert _prices(cart)["Beans"].quote.unit_price == Decimal("1.05")
    assert cart == _chosen_afresh(household, timezone.localdate())


def test_changed_preferences_make_every_choice_stale(user, household, pantry):
    _remembered(household)

    services.preferences_update(actor=user, household=household, allowed_stores=["FreshWay"], currency="EUR")

    cart = _cart(household)
    assert len(cart.choices_to_store) == len(pantry)
    prices = _prices(cart)
    assert (prices["Milk"].quote.store, prices["Milk"].quote.unit_price) == ("FreshWay", Decimal("2.4"))
    assert prices["Salt"].quote.currency == "EUR"
    assert cart == _chosen_afresh(household, timezone.localdate())


def test_a_choice_holds_until_a_price_leaves_the_ninety_days(household, pantry):
    today = timezone.localdate()
    _remembered(household, today)
    # Aldo's price was paid 80 days ago: it counts for ten more days, then FreshWay's is the cheapest recent one.
    last_day = today + timedelta(days=10)

    on_last_day = _cart(household, last_day)
    assert on_last_day.choices_to_store == ()
    assert _prices(on_last_day)["Milk"].quote.store == "Aldo"
    assert on_last_day == _chosen_afresh(household, last_day)

    day_after = _remembered(household, last_day + timedelta(days=1))
    assert pantry["Milk"].pk in {choice.item_id for choice in day_after.choices_to_store}
    assert _prices(day_after)["Milk"].quote.store == "FreshWay"
    assert day_after == _chosen_afresh(household, last_day + timedelta(days=1))


def test_a_choice_made_for_a_later_day_is_not_used_earlier(household, pantry):
    """A household that moves west can see its date go back by one: prices may come back into the window."""
    today = timezone.localdate()
    _remembered(household, today + timedelta(days=11))

    cart = _cart(household, today)

    assert _prices(cart)["Milk"].quote.store == "Aldo"
    assert cart == _chosen_afresh(household, today)


def test_a_choice_stored_late_from_older_prices_is_ignored(household, pantry):
    """Two pages at once: one reads the prices, a receipt adds one, then the first page stores what it chose."""
    slow_page = _cart(household)
    paid(item=pantry["Milk"], total="0.80", store="Corner Grocer", days_ago=0)
    _remembered(household)  # a page after the receipt stores the new choice ...

    services.price_choices_remember(choices=slow_page.choices_to_store)  # ... and the slow page overwrites it

    cart = _cart(household)
    assert _prices(cart)["Milk"].quote.store == "Corner Grocer"
    assert [choice.item_id for choice in cart.choices_to_store] == [pantry["Milk"].pk]


def test_storing_choices_of_an_item_deleted_meanwhile_stores_nothing_and_fails_nothing(household, pantry):
    cart = _cart(household)
    pantry["Salt"].delete()

    services.price_choices_remember(choices=cart.choices_to_store)

    assert not PriceChoice.objects.filter(item_id=pantry["Salt"].pk).exists()
    assert _remembered(household) == _chosen_afresh(household, timezone.localdate())


def test_deleting_an_item_deletes_its_stored_choice(user, household, pantry):
    _remembered(household)

    pantry["Milk"].delete()

    assert PriceChoice.objects.count() == len(pantry) - 1


def test_a_catalogue_entry_deleted_by_staff_is_no_longer_chosen(household, pantry):
    mistake = CatalogPriceFactory(item=pantry["Tea"], price=Decimal("31.00"))  # typed 31.00 for 3.10
    assert _prices(_remembered(household))["Tea"].quote.unit_price == Decimal("31.00")

    mistake.delete()

    cart = _cart(household)
    assert _prices(cart)["Tea"].quote.unit_price == Decimal("3.10")
    assert cart == _chosen_afresh(household, timezone.localdate())


def test_staff_cannot_edit_a_saved_catalogue_entry_only_add_or_delete(admin_client, household, pantry):
    entry = CatalogPrice.objects.get(item=pantry["Tea"])
    change = reverse("admin:orders_catalogprice_change", args=[entry.pk])

    page = admin_client.get(change).content.decode()
    admin_client.post(change, {"price": "99.00", "currency": "EUR", "source": "manual"})

    assert 'name="price"' not in page and "3.10" in page
    entry.refresh_from_db()
    assert (entry.price, entry.currency) == (Decimal("3.10"), "USD")
    assert 'name="price"' in admin_client.get(reverse("admin:orders_catalogprice_add")).content.decode()
