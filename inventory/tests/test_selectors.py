"""Reads behind the item page: one query for the item and its history counts, one for the chart."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import selectors
from inventory.models import ForecastRecord
from inventory.services import item_create, stock_add, stock_consume, stock_undo_last

pytestmark = pytest.mark.django_db


def make(user, household, quantity="30"):
    return item_create(actor=user, household=household, name="Rice", unit="kg", quantity=Decimal(quantity))


def test_item_page_counts_the_journal_and_settled_predictions_in_one_query(
    user, household, django_assert_num_queries
):
    rice = make(user, household)
    stock_consume(actor=user, item=rice, amount=Decimal(1))
    rice.forecasts.all().delete()
    ForecastRecord.objects.create(
        item=rice, predicted_runout=timezone.localdate(), method="consumption", error_days=-3
    )
    ForecastRecord.objects.create(
        item=rice, predicted_runout=timezone.localdate(), method="consumption", error_days=2
    )
    with django_assert_num_queries(1):
        page = selectors.item_page_get(household=household, item_id=rice.pk)
    assert page.journal_length == 2
    assert (page.accuracy.resolved, page.accuracy.mean_abs_error_days) == (2, Decimal("2.5"))


def test_the_chart_starts_at_the_level_the_window_begins_with(user, household):
    rice = make(user, household, quantity="0")
    now = timezone.now()
    stock_add(actor=user, item=rice, amount=Decimal(10), at=now - timedelta(days=90))
    rice.refresh_from_db()
    stock_consume(actor=user, item=rice, amount=Decimal(2), at=now - timedelta(days=10))
    since = now - timedelta(days=60)
    assert selectors.stock_levels(item=rice, since=since) == [
        (since, Decimal(10)),
        (now - timedelta(days=10), Decimal(8)),
    ]


def test_the_undo_target_is_found_when_the_first_journal_page_is_all_undone(user, household):
    rice = make(user, household)
    for _ in range(24):
        stock_consume(actor=user, item=rice, amount=Decimal(1))
    for _ in range(21):
        stock_undo_last(actor=user, item=rice)
    page = selectors.item_page_get(household=household, item_id=rice.pk)
    journal = selectors.item_journal(item_page=page, page_number=1)
    assert all(event.undone_at for event in journal.object_list)
    target = selectors.item_last_undoable(item_page=page, journal=journal)
    assert target == rice.events.filter(undone_at__isnull=True).latest("id")


def test_the_undo_target_is_the_change_recorded_last_even_when_backdated(user, household):
    rice = make(user, household)
    stock_consume(actor=user, item=rice, amount=Decimal(1))
    old_purchase = stock_add(actor=user, item=rice, amount=Decimal(5), at=timezone.now() - timedelta(days=60))
    page = selectors.item_page_get(household=household, item_id=rice.pk)
    journal = selectors.item_journal(item_page=page, page_number=1)
    assert journal.object_list[0] != old_purchase  # the journal is in time order
    assert selectors.item_last_undoable(item_page=page, journal=journal) == old_purchase
