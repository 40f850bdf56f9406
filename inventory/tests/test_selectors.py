"""Reads behind the item page: one query for the item and its history counts, one for the chart."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import selectors
from inventory.models import ForecastRecord, Item
from inventory.services import item_create, stock_add, stock_consume, stock_undo_last
from inventory.tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def make(user, household, quantity="30"):
    return item_create(actor=user, household=household, name="Rice", unit="kg", quantity=Decimal(quantity))


def test_item_page_reads_the_item_with_its_undo_target_in_one_query(
    user, household, django_assert_num_queries
):
    rice = make(user, household)
    stock_consume(actor=user, item=rice, amount=Decimal(1))
    with django_assert_num_queries(1):
        page = selectors.item_page_get(household=household, item_id=rice.pk)
    assert page.undo_target_id == rice.events.latest("id").pk


def test_the_journal_pages_by_twenty_without_counting_and_a_stale_page_shows_the_last(user, household):
    rice = make(user, household, quantity="100")
    for _ in range(24):
        stock_consume(actor=user, item=rice, amount=Decimal(1))  # 25 entries with the creation
    page = selectors.item_page_get(household=household, item_id=rice.pk)

    first = selectors.item_journal(item_page=page, page_number=None)
    second = selectors.item_journal(item_page=page, page_number="2")
    stale = selectors.item_journal(item_page=page, page_number="7")

    assert (len(first.object_list), first.newer_number, first.older_number) == (20, None, 2)
    assert (len(second.object_list), second.newer_number, second.older_number) == (5, 1, None)
    assert (stale.number, len(stale.object_list)) == (2, 5)


def test_settled_predictions_are_counted_on_the_item_and_averaged_for_the_pages(user, household):
    rice = make(user, household, quantity="4")
    for _ in range(2):
        stock_consume(actor=user, item=rice, amount=Decimal(1))
    open_predictions = list(rice.forecasts.filter(actual_runout__isnull=True))
    assert open_predictions
    stock_consume(actor=user, item=rice, amount=Decimal(2))  # runs out: settles them

    rice.refresh_from_db()
    errors = [
        abs(record.error_days)
        for record in ForecastRecord.objects.filter(pk__in=[r.pk for r in open_predictions])
    ]
    assert (rice.settled_forecasts, rice.settled_error_days) == (len(errors), sum(errors))
    page = selectors.item_page_get(household=household, item_id=rice.pk)
    assert page.accuracy == selectors.Accuracy.of(len(errors), sum(errors))
    assert selectors.forecast_errors(item_ids=[rice.pk])[rice.pk] == page.accuracy
    dashboard = selectors.dashboard_page(household=household, today=timezone.localdate())
    assert dashboard.accuracy.resolved == len(errors)


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
    assert target.pk == rice.events.filter(undone_at__isnull=True).latest("id").pk


def test_the_undo_target_is_the_change_recorded_last_even_when_backdated(user, household):
    rice = make(user, household)
    stock_consume(actor=user, item=rice, amount=Decimal(1))
    old_purchase = stock_add(actor=user, item=rice, amount=Decimal(5), at=timezone.now() - timedelta(days=60))
    page = selectors.item_page_get(household=household, item_id=rice.pk)
    journal = selectors.item_journal(item_page=page, page_number=1)
    assert journal.object_list[0].pk != old_purchase.pk  # the journal is in time order
    assert selectors.item_last_undoable(item_page=page, journal=journal).pk == old_purchase.pk


@pytest.mark.parametrize(
    ("archived", "category", "low_only"),
    [
        (False, "", False),
        (True, "", False),
        (False, "dairy", False),
        (False, "", True),
        (False, "dairy", True),
    ],
)
def test_dashboard_counts_agree_with_the_low_stock_rule_and_the_filters(
    household, archived, category, low_only
):
    """The dashboard counts in SQL of its own (for speed); they must count what low_stock_q and the filters do."""
    today = timezone.localdate()
    other = ItemFactory(quantity=Decimal(0))  # another household's empty item: never counted here
    cases = [
        # (quantity, minimum, runout in days, archived, category)
        (Decimal(0), None, None, False, "dairy"),  # empty
        (Decimal(1), Decimal(2), None, False, "dairy"),  # below its minimum
        (Decimal(2), Decimal(2), None, False, "dairy"),  # at its minimum: not low
        (Decimal(5), None, household.low_stock_days, False, "dairy"),  # runs out on the last warned day
        (Decimal(5), None, household.low_stock_days + 1, False, "pantry"),  # a day later: not low
        (Decimal(5), None, -3, False, "dairy"),  # predicted in the past
        (Decimal(5), None, None, False, "pantry"),  # no prediction
        (Decimal(0), None, 1, True, "dairy"),  # archived: never low
        (Decimal(4), Decimal(1), None, True, "pantry"),
    ]
    for quantity, minimum, runout_days, is_archived, item_category in cases:
        ItemFactory(
            household=household,
            quantity=quantity,
            minimum=minimum,
            predicted_runout=None if runout_days is None else today + timedelta(days=runout_days),
            archived_at=timezone.now() if is_archived else None,
            category=item_category,
            settled_forecasts=2,
            settled_error_days=3,
        )

    page = selectors.dashboard_page(
        household=household, today=today, archived=archived, category=category, low_only=low_only
    )

    items = Item.objects.filter(household=household)
    low = selectors.low_stock_q(household=household, today=today)
    shown = items.filter(archived_at__isnull=not archived)
    shown = shown.filter(category=category) if category else shown
    shown = shown.filter(low) if low_only else shown
    assert page.low_count == items.filter(low).count() == 4
    assert page.archived_count == 2
    assert page.page.paginator.count == shown.count() == len(page.items)
    assert page.accuracy == selectors.Accuracy.of(2 * len(cases), 3 * len(cases))
    assert other.pk not in {row.pk for row in page.items}
