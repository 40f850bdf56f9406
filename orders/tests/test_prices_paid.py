"""Applying a receipt records what was paid, per unit of the item, for the cart and the reorder job."""

from decimal import Decimal

import pytest
from django.db import connection

from inventory.models import PricePaid
from receipts import services as receipt_services
from receipts.tests.helpers import make_item, processed_fixture

pytestmark = pytest.mark.django_db


def test_applying_a_receipt_records_its_prices_per_item_unit_with_the_store_encrypted(user, household):
    milk = make_item(user=user, household=household, name="Whole milk", unit="l")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    receipt_services.receipt_apply(
        actor=user, receipt=receipt, bought_on=receipt_services.BoughtOn.RECEIPT_DATE
    )

    price = PricePaid.objects.get(item=milk)
    # "WHOLE MILK 1GAL 3.29" into an item kept in litres: 3.785 l for 3.29.
    assert (price.quantity, price.pack_size, price.unit, price.total_price) == (
        Decimal("3.785"),
        Decimal("3.785"),
        "l",
        Decimal("3.29"),
    )
    assert price.unit_price == (Decimal("3.29") / Decimal("3.785")).quantize(Decimal("0.000001"))
    assert (price.store, price.paid_on.isoformat(), price.source_type) == (
        "CORNER GROCER",
        "2025-03-02",
        "receipts.receipt",
    )
    assert PricePaid.objects.filter(household=household).count() == 4  # every line with a price
    with connection.cursor() as cursor:
        cursor.execute("SELECT store FROM inventory_pricepaid WHERE id = %s", [price.pk])
        assert "CORNER" not in cursor.fetchone()[0]
