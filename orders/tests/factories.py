from decimal import Decimal

import factory

from inventory.tests.factories import ItemFactory
from orders.models import CatalogPrice


class CatalogPriceFactory(factory.django.DjangoModelFactory):
    """A bare catalogue price for one item, in the item's household."""

    class Meta:
        model = CatalogPrice

    item = factory.SubFactory(ItemFactory)
    household = factory.LazyAttribute(lambda price: price.item.household)
    price = Decimal("2.49")
    currency = "USD"
    vendor = "Freshway Market"
    source = CatalogPrice.Source.MANUAL
