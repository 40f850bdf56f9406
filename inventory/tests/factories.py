from decimal import Decimal

import factory

from grapefruit.tests.factories import HouseholdFactory
from inventory.models import Item


class ItemFactory(factory.django.DjangoModelFactory):
    """A bare item row; tests that need a journal go through the services, as the product does."""

    class Meta:
        model = Item

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"Item {n}")
    unit = "pcs"
    quantity = Decimal(0)
