from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from inventory.categories import Category
from inventory.models import ForecastRecord, Item, StockEvent
from inventory.services import (
    ItemDraft,
    StockSource,
    item_create,
    item_update,
    items_bulk_create,
    stock_add,
    stock_consume,
    stock_correct,
    stock_undo_last,
)

pytestmark = pytest.mark.django_db


def make(user, household, name="Milk", unit="l", quantity="4"):
    return item_create(actor=user, household=household, name=name, unit=unit, quantity=Decimal(quantity))


def test_item_create_guesses_category_journals_opening_count_and_audits(user, household):
    item = make(user, household, name="  Whole   milk ")
    assert item.name == "Whole milk"
    assert item.category == Category.DAIRY
    assert item.quantity == Decimal(4)
    (event,) = item.events.all()
    assert (event.kind, event.delta, event.quantity_after) == (StockEvent.Kind.ADJUST, Decimal(4), Decimal(4))
    assert AuditEvent.objects.filter(household=household, action="inventory.item_create").count() == 1


def test_item_name_is_encrypted_at_rest_and_unique_per_household(user, household, other_household):
    make(user, household)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM inventory_item")
        (stored,) = cursor.fetchone()
    assert "Milk" not in stored
    with pytest.raises(ValidationError, match="already exists"):
        make(user, household, name="MILK")
    make(user, other_household)  # another household may own the same name


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"name": "x" * 201}, "name"), ({"quantity": "-1"}, "quantity"), ({"unit": "bushel"}, "unit")],
)
def test_item_create_rejects_bad_input_and_writes_nothing(user, household, changes, field):
    with pytest.raises(ValidationError) as error:
        make(user, household, **changes)
    assert field in error.value.message_dict
    assert not Item.objects.exists()
    assert not StockEvent.objects.exists()


def test_items_bulk_create_is_all_or_nothing(user, household):
    make(user, household, name="Eggs", unit="pcs")
    drafts = [ItemDraft("Rice", "kg", Decimal(1)), ItemDraft("eggs", "pcs", Decimal(6))]
    with pytest.raises(ValidationError):
        items_bulk_create(actor=user, household=household, drafts=drafts)
    assert Item.objects.count() == 1
    created = items_bulk_create(actor=user, household=household, drafts=drafts[:1])
    assert created[0].category == Category.PANTRY


def test_stock_add_converts_units_within_a_dimension(user, household):
    item = make(user, household, name="Flour", unit="kg", quantity="1")
    stock_add(
        actor=user, item=item, amount=Decimal(2), unit="lb", source=StockSource("receipts.receipt", "7")
    )
    item.refresh_from_db()
    assert item.quantity == Decimal("1.907")
    event = item.events.first()
    assert (event.source_type, event.source_id) == ("receipts.receipt", "7")


def test_stock_add_refuses_incompatible_units(user, household):
    item = make(user, household, name="Flour", unit="kg", quantity="1")
    with pytest.raises(ValidationError) as error:
        stock_add(actor=user, item=item, amount=Decimal(1), unit="l")
    assert "unit" in error.value.message_dict
    item.refresh_from_db()
    assert item.quantity == Decimal(1)


def test_stock_consume_rejects_more_than_in_stock(user, household):
    item = make(user, household, quantity="1")
    with pytest.raises(ValidationError, match="Only 1 l in stock"):
        stock_consume(actor=user, item=item, amount=Decimal(2))
    assert item.events.count() == 1


def test_stock_consume_rejects_zero_and_absurd_amounts(user, household):
    item = make(user, household, quantity="1")
    for amount in ("0", "-1"):
        with pytest.raises(ValidationError):
            stock_consume(actor=user, item=item, amount=Decimal(amount))
    with pytest.raises(ValidationError):
        stock_add(actor=user, item=item, amount=Decimal("5000000"))


def test_consuming_updates_the_prediction_and_the_ledger(user, household):
    item = make(user, household, quantity="4")
    start = timezone.now() - timedelta(days=4)
    Item.objects.filter(pk=item.pk).update(created_at=start)
    item.events.update(at=start)
    stock_consume(actor=user, item=item, amount=Decimal(1), at=start + timedelta(days=2))
    stock_consume(actor=user, item=item, amount=Decimal(1), at=start + timedelta(days=4))
    item.refresh_from_db()
    assert item.rate_per_day == Decimal("0.5")
    assert item.predicted_runout == (start + timedelta(days=8)).date()
    assert "0.5 l/day" in item.forecast_reason
    assert item.usual_use == Decimal(1)
    assert ForecastRecord.objects.filter(item=item, actual_runout__isnull=True).count() == 2


def test_running_out_scores_open_predictions(user, household):
    item = make(user, household, quantity="2")
    start = timezone.now() - timedelta(days=3)
    item.events.update(at=start)
    stock_consume(actor=user, item=item, amount=Decimal(1), at=start + timedelta(days=1))
    predicted = ForecastRecord.objects.get(item=item).predicted_runout
    stock_consume(actor=user, item=item, amount=Decimal(1), at=start + timedelta(days=3))
    record = ForecastRecord.objects.get(item=item)
    assert record.actual_runout == (start + timedelta(days=3)).date()
    assert record.error_days == (predicted - record.actual_runout).days


def test_restocking_after_an_unlogged_run_out_scores_predictions(user, household):
    item = make(user, household, quantity="3")
    start = timezone.now() - timedelta(days=5)
    item.events.update(at=start)
    stock_consume(actor=user, item=item, amount=Decimal(1), at=start + timedelta(days=1))
    stock_add(actor=user, item=item, amount=Decimal(3), ran_out=True)
    record = ForecastRecord.objects.filter(item=item, error_days__isnull=False).get()
    assert record.actual_runout == timezone.now().date()


def test_stock_correct_is_journalled_as_an_adjustment(user, household):
    item = make(user, household, quantity="4")
    event = stock_correct(actor=user, item=item, quantity=Decimal("2.5"))
    assert (event.kind, event.delta, event.quantity_after) == (
        StockEvent.Kind.ADJUST,
        Decimal("-1.5"),
        Decimal("2.5"),
    )
    assert stock_correct(actor=user, item=item, quantity=Decimal("2.5")) is None
    assert AuditEvent.objects.filter(action="inventory.stock_correct").count() == 1


def test_undo_reverses_the_last_change_and_keeps_it_in_the_journal(user, household):
    item = make(user, household, quantity="4")
    stock_consume(actor=user, item=item, amount=Decimal(1))
    stock_add(actor=user, item=item, amount=Decimal(2))
    undone = stock_undo_last(actor=user, item=item)
    item.refresh_from_db()
    assert undone.kind == StockEvent.Kind.PURCHASE
    assert item.quantity == Decimal(3)
    assert item.events.filter(undone_at__isnull=False).count() == 1
    stock_undo_last(actor=user, item=item)
    stock_undo_last(actor=user, item=item)
    item.refresh_from_db()
    assert item.quantity == Decimal(0)
    with pytest.raises(ValidationError, match="nothing to undo"):
        stock_undo_last(actor=user, item=item)
    undos = AuditEvent.objects.filter(action="inventory.stock_undo")
    assert list(undos.order_by("id").values_list("outcome", flat=True)) == ["ok", "ok", "ok", "refused"]


def test_undone_uses_do_not_count_towards_the_rate(user, household):
    item = make(user, household, quantity="10")
    start = timezone.now() - timedelta(days=4)
    item.events.update(at=start)
    stock_consume(actor=user, item=item, amount=Decimal(2), at=start + timedelta(days=2))
    stock_consume(actor=user, item=item, amount=Decimal(6), at=start + timedelta(days=3))
    stock_undo_last(actor=user, item=item)
    item.refresh_from_db()
    assert item.quantity == Decimal(8)
    # 2 l over the 2 days before that use; the undone 6 l would have made it 8 l in 3 days.
    assert item.rate_per_day == Decimal(1)


def test_a_purchase_dated_before_later_entries_keeps_the_journal_consistent_and_undoes_first(user, household):
    item = make(user, household, quantity="2")
    start = timezone.now() - timedelta(days=10)
    item.events.update(at=start)
    stock_consume(actor=user, item=item, amount=Decimal(1), at=start + timedelta(days=5))
    # A receipt from day 2 applied after the use of day 5 was logged.
    stock_add(
        actor=user, item=item, amount=Decimal(6), kind=StockEvent.Kind.RECEIPT, at=start + timedelta(days=2)
    )
    item.refresh_from_db()
    assert item.quantity == Decimal(7)
    journal = item.events.order_by("at").values_list("delta", "quantity_after")
    assert [tuple(map(int, row)) for row in journal] == [(2, 2), (6, 8), (-1, 7)]
    undone = stock_undo_last(actor=user, item=item)  # the change recorded last, not the latest by date
    assert undone.kind == StockEvent.Kind.RECEIPT
    live = item.events.filter(undone_at__isnull=True).order_by("at").values_list("delta", "quantity_after")
    assert [tuple(map(int, row)) for row in live] == [(2, 2), (-1, 1)]


def test_item_update_changes_name_and_its_index(user, household):
    item = make(user, household)
    item_update(actor=user, item=item, name="Oat milk", minimum=Decimal(1))
    item.refresh_from_db()
    assert item.name == "Oat milk"
    assert item.minimum == Decimal(1)
    from grapefruit.encryption import blind_index
    from inventory.models import ITEM_NAME_PURPOSE

    assert item.name_index == blind_index("oat milk", purpose=ITEM_NAME_PURPOSE)


def test_item_by_name_finds_this_households_item_ignoring_case(user, household, other_household):
    from inventory.selectors import item_by_name

    item = make(user, household, name="Oat Milk")
    assert item_by_name(household=household, name="  oat   MILK") == item
    assert item_by_name(household=other_household, name="Oat Milk") is None
