import pytest
from django.core.management import CommandError, call_command

from grapefruit.models import Household, User
from inventory.models import Item, PricePaid, StockEvent
from orders.models import Preferences

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_household_with_history_and_prices_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (Item.objects.count(), StockEvent.objects.count(), PricePaid.objects.count())
    call_command("seed_demo")

    assert User.objects.get(username="demo").check_password("grapefruit-demo")
    assert Household.objects.count() == 1
    items, events, prices = counts
    assert items >= 5 and events > items * 5 and prices >= items
    assert (Item.objects.count(), StockEvent.objects.count(), PricePaid.objects.count()) == counts
    assert Item.objects.filter(predicted_runout__isnull=False).count() == items
    assert "demo / grapefruit-demo" in capsys.readouterr().out


def test_seed_demo_in_bulk_creates_realistic_households(capsys):
    call_command("seed_demo", "--households", "6", "--items", "14")

    assert Household.objects.count() == 6
    assert Item.objects.count() == 84
    assert Preferences.objects.filter(auto_reorder=True).count() == 3
    item = Item.objects.filter(name_index__isnull=False).first()
    assert item.name and item.predicted_runout and item.rate_per_day > 0
    assert StockEvent.objects.filter(item=item).count() >= 2
    price = PricePaid.objects.filter(item=item).first()
    assert price.store and price.unit_price > 0 and price.household_id == item.household_id
    assert "Created 6 households, 84 items" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("seed_demo", "--households", "0")
