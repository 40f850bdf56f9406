from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from inventory.tests.factories import ItemFactory
from orders.models import CatalogPrice
from orders.services import catalog_price_record

pytestmark = pytest.mark.django_db


def test_catalog_price_record_appends_a_price_with_its_audit_record(user, household):
    item = ItemFactory(household=household)

    row = catalog_price_record(
        actor=user,
        household=household,
        item=item,
        price=Decimal("3.48"),
        currency="usd",
        source="manual",
        vendor="  Freshway   Market ",
    )

    row.refresh_from_db()
    assert (row.price, row.currency, row.vendor, row.is_estimate) == (
        Decimal("3.48"),
        "USD",
        "Freshway Market",
        False,
    )
    event = AuditEvent.objects.get(action="orders.catalog_price_record")
    assert (event.actor, event.household, event.target_id) == (user, household, str(row.pk))
    assert event.details == {"item": item.pk, "source": "manual", "price": "3.48", "currency": "USD"}


def test_catalog_price_record_stores_the_vendor_encrypted(user, household):
    from django.db import connection

    row = catalog_price_record(
        actor=user,
        household=household,
        item=ItemFactory(household=household),
        price=Decimal(1),
        currency="USD",
        source="manual",
        vendor="Corner Shop on Elm Street",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT vendor FROM orders_catalogprice WHERE id = %s", [row.pk])
        stored = cursor.fetchone()[0]
    assert "Corner Shop" not in stored


def test_catalog_price_record_refuses_another_households_item(user, household, other_household):
    theirs = ItemFactory(household=other_household)
    with pytest.raises(ValidationError):
        catalog_price_record(
            actor=user, household=household, item=theirs, price=Decimal(1), currency="USD", source="manual"
        )
    assert not CatalogPrice.objects.exists()
    assert not AuditEvent.objects.filter(action="orders.catalog_price_record").exists()


@pytest.mark.parametrize(
    ("price", "currency", "source"),
    [(Decimal("-1"), "USD", "manual"), (Decimal(1), "US", "manual"), (Decimal(1), "USD", "guess")],
)
def test_catalog_price_record_rejects_invalid_values(user, household, price, currency, source):
    with pytest.raises(ValidationError):
        catalog_price_record(
            actor=user,
            household=household,
            item=ItemFactory(household=household),
            price=price,
            currency=currency,
            source=source,
        )
    assert not CatalogPrice.objects.exists()
