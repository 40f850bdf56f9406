import pytest
from django.core.management import call_command

from grapefruit.models import Household, User
from inventory.models import Item, StockEvent

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_household_with_history_and_is_idempotent(capsys):
    call_command("seed_demo")
    items = Item.objects.count()
    events = StockEvent.objects.count()
    call_command("seed_demo")

    assert User.objects.get(username="demo").check_password("grapefruit-demo")
    assert Household.objects.count() == 1
    assert items >= 5
    assert events > items * 5
    assert (Item.objects.count(), StockEvent.objects.count()) == (items, events)
    assert "demo / grapefruit-demo" in capsys.readouterr().out
