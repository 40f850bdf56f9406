"""The cart's own SQL reads (orders.selectors.cart_get) agree with the ORM reads the order services use."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from inventory import selectors as inventory_selectors
from inventory.models import Item
from inventory.tests.factories import ItemFactory
from orders import selectors, services
from orders.models import CatalogPrice
from orders.tests.factories import CatalogPriceFactory
from orders.tests.helpers import low_item, order_from_cart, paid

pytestmark = pytest.mark.django_db


def _pantry(user, household):
    """Items low in every way and not low at all, in the cart, on an open order, archived; prices from three
    stores, a rise, the catalogue (by hand and estimated); brand rules per item and per category."""
    today = timezone.localdate()
    items = [
        low_item(household=household, name="Empty", quantity="0", category="dairy"),
        low_item(household=household, name="Below minimum", quantity="2", days_left=40, minimum=Decimal(5)),
        low_item(household=household, name="Runs out soon", days_left=2, unit="kg", category="dairy"),
        low_item(household=household, name="Runs out later", days_left=3),
        low_item(household=household, name="Plenty", quantity="50", days_left=50),
        low_item(household=household, name="Archived", quantity="0", archived_at=timezone.now()),
        ItemFactory(household=household, name="No forecast", quantity=Decimal(3), minimum=Decimal(5)),
    ]
    ordered = low_item(household=household, name="Ordered", quantity="0")
    order_from_cart(user=user, household=household, items=[ordered])
    items.append(low_item(household=household, name="On order again", quantity="0"))
    services.cart_add(actor=user, household=household, item=items[1], quantity=Decimal(3))
    services.cart_add(actor=user, household=household, item=items[4], quantity=Decimal("1.5"))
    for days_ago, total, store in (
        (80, "2.00", "Corner Grocer"),
        (40, "2.10", "FreshWay"),
        (3, "2.60", "Bulk Barn"),
    ):
        paid(item=items[0], total=total, store=store, days_ago=days_ago)
    paid(item=items[2], total="4.00", quantity="2", packs="2", store="Bulk Barn", days_ago=200)
    CatalogPriceFactory(item=items[3], price=Decimal("1.10"), source=CatalogPrice.Source.ESTIMATE)
    CatalogPriceFactory(item=items[3], price=Decimal("1.30"), observed_at=timezone.now() - timedelta(days=9))
    CatalogPriceFactory(item=items[6], price=Decimal("0.80"), source=CatalogPrice.Source.ESTIMATE)
    services.brand_rule_add(actor=user, household=household, brand="Leafy", rank="preferred", item=items[0])
    services.brand_rule_add(actor=user, household=household, brand="Moo", rank="avoid", category="dairy")
    services.brand_rule_add(
        actor=user, household=household, brand="Dale", rank="acceptable", category="dairy"
    )
    services.preferences_update(
        actor=user,
        household=household,
        allowed_stores=["freshway", "Bulk Barn"],
        shopping_interval_days=None,
    )
    return today


def test_the_cart_reads_what_the_order_services_read(user, household):
    today = _pantry(user, household)

    cart = selectors.cart_get(household=household, today=today)

    low = (
        Item.objects.filter(household=household)
        .filter(inventory_selectors.low_stock_q(household=household, today=today))
        .exclude(pk__in=[row.item.pk for row in cart.rows])
        .order_by(F("predicted_runout").asc(nulls_last=True), "id")
    )
    assert [row.item.pk for row in cart.suggestions] == [item.pk for item in low]
    on_order = {row.item.name for row in cart.suggestions if row.on_order}
    assert on_order == {"Ordered"}
    preferences = selectors.preferences_get(household=household)
    assert cart.interval_days == selectors.shopping_interval(
        household=household, preferences=preferences, today=today
    )
    items = list(Item.objects.filter(pk__in=[row.item.pk for row in [*cart.rows, *cart.suggestions]]))
    prices = selectors.item_pricing(household=household, items=items, preferences=preferences, today=today)
    brands = selectors.brand_choices(household=household, items=items)
    by_pk = {item.pk: item for item in items}
    for row in [*cart.rows, *cart.suggestions]:
        item = by_pk[row.item.pk]
        assert (row.item.name, row.item.unit, row.item.quantity) == (item.name, item.unit, item.quantity)
        assert row.pricing == prices[item.pk].chosen
        assert row.brand == brands[item.pk]
        if row.line_id is None:
            assert row.quantity == selectors.suggested_for(item, prices[item.pk], cart.interval_days)


def test_cart_prices_follow_the_order_of_trust(user, household):
    today = _pantry(user, household)

    rows = {row.item.name: row for row in selectors.cart_get(household=household, today=today).suggestions}

    empty = rows["Empty"].pricing
    # The cheapest price of the last 90 days at an allowed store (Corner Grocer is not one).
    assert (empty.quote.store, empty.quote.unit_price) == ("FreshWay", Decimal("2.1"))
    assert empty.rise == Decimal("1.2683")  # 2.60 over the median 2.05, to a hundredth of a percent
    assert rows["Runs out soon"].pricing.quote.unit_price == Decimal(
        2
    )  # older than 90 days, still the latest
    assert rows["Runs out soon"].pricing.pack_size == Decimal(1)
    assert rows["Runs out later"].pricing.quote.unit_price == Decimal("1.30")  # by hand beats an estimate
    assert rows["No forecast"].pricing.quote.is_estimate
    assert rows["Empty"].brand.brand == "Leafy" and rows["Runs out soon"].brand.avoid == ("Moo",)


def test_sqlite_reads_the_same_cart_through_the_orm(user, household, monkeypatch):
    """Embedded mode runs on SQLite, where the cart is read through the ORM: the same cart, price for price."""
    today = _pantry(user, household)
    items = list(Item.objects.filter(household=household))
    preferences = selectors.preferences_get(household=household)
    on_postgresql = selectors.cart_get(household=household, today=today, suggestion_limit=3)
    prices = selectors.item_pricing(household=household, items=items, preferences=preferences, today=today)

    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert selectors.cart_get(household=household, today=today, suggestion_limit=3) == on_postgresql
    assert (
        selectors.item_pricing(household=household, items=items, preferences=preferences, today=today)
        == prices
    )
    assert on_postgresql.more_suggestions and len(on_postgresql.suggestions) == 3


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_store_prices_are_cheapest_first_then_the_latest_paid(household, monkeypatch, vendor):
    """Recorded in another order than they are listed: PostgreSQL returns the arrays unsorted."""
    flour = low_item(household=household, name="Flour", quantity="0")
    for days_ago, total, store in (
        (3, "2.60", "Bulk Barn"),
        (30, "1.90", "Aldo"),
        (40, "2.10", "FreshWay"),
        (10, "1.90", "Corner Grocer"),  # as cheap as Aldo, and paid later: listed before it
    ):
        paid(item=flour, total=total, store=store, days_ago=days_ago)
    monkeypatch.setattr(connection, "vendor", vendor)
    today = timezone.localdate()

    (row,) = selectors.cart_get(household=household, today=today).suggestions
    priced = selectors.item_pricing(
        household=household,
        items=[flour],
        preferences=selectors.preferences_get(household=household),
        today=today,
    )

    expected = ["Corner Grocer", "Aldo", "FreshWay", "Bulk Barn"]
    assert [price.store for price in priced[flour.pk].store_prices] == expected
    assert row.pricing.quote.store == priced[flour.pk].quote.store == "Corner Grocer"
