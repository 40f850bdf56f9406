"""Reads behind the item page: one query for the item, one for its journal page, undo target and chart."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from inventory import selectors
from inventory.models import ForecastRecord, Item
from inventory.services import item_create, stock_add, stock_consume, stock_undo_last
from inventory.tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def make(user, household, quantity="30"):
    return item_create(actor=user, household=household, name="Rice", unit="kg", quantity=Decimal(quantity))


def test_item_page_reads_the_item_in_one_query_and_its_history_in_another(
    user, household, django_assert_num_queries
):
    rice = make(user, household)
    stock_consume(actor=user, item=rice, amount=Decimal(1))
    with django_assert_num_queries(1):
        page = selectors.item_page_get(household=household, item_id=rice.pk)
    with django_assert_num_queries(1):
        history = selectors.item_history(item=page.item, page_number=None, since=timezone.now())
    assert history.undoable.pk == rice.events.latest("id").pk
    assert [entry.kind for entry in history.journal.object_list] == ["consume", "adjust"]


def history(rice, page_number=None, since=None):
    return selectors.item_history(
        item=rice, page_number=page_number, since=since or timezone.now() - timedelta(days=60)
    )


def test_the_journal_pages_by_twenty_without_counting_and_a_stale_page_shows_the_last(user, household):
    rice = make(user, household, quantity="100")
    for _ in range(24):
        stock_consume(actor=user, item=rice, amount=Decimal(1))  # 25 entries with the creation

    first = history(rice).journal
    second = history(rice, "2").journal
    stale = history(rice, "7").journal

    assert (len(first.object_list), first.newer_number, first.older_number) == (20, None, 2)
    assert (len(second.object_list), second.newer_number, second.older_number) == (5, 1, None)
    assert (stale.number, len(stale.object_list)) == (2, 5)
    assert first.object_list[0].actor_name == user.username


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
    assert history(rice, since=since).levels == [
        (since, Decimal(10)),
        (now - timedelta(days=10), Decimal(8)),
    ]


def test_the_undo_target_is_found_when_the_first_journal_page_is_all_undone(user, household):
    rice = make(user, household)
    for _ in range(24):
        stock_consume(actor=user, item=rice, amount=Decimal(1))
    for _ in range(21):
        stock_undo_last(actor=user, item=rice)
    found = history(rice)
    assert all(event.undone_at for event in found.journal.object_list)
    assert found.undoable.pk == rice.events.filter(undone_at__isnull=True).latest("id").pk


def test_the_undo_target_is_the_change_recorded_last_even_when_backdated(user, household):
    rice = make(user, household)
    stock_consume(actor=user, item=rice, amount=Decimal(1))
    old_purchase = stock_add(actor=user, item=rice, amount=Decimal(5), at=timezone.now() - timedelta(days=60))
    found = history(rice)
    assert found.journal.object_list[0].pk != old_purchase.pk  # the journal is in time order
    assert found.undoable.pk == old_purchase.pk


def test_sqlite_reads_the_same_history_through_the_orm(user, household, other_membership, monkeypatch):
    """Embedded mode runs on SQLite, where the history is read through the ORM: the same pages, undo target
    and levels."""
    rice = make(user, household, quantity="50")
    now = timezone.now()
    stock_add(actor=other_membership.user, item=rice, amount=Decimal(5), at=now - timedelta(days=90))
    for days_ago in range(40, 0, -2):
        stock_consume(actor=user, item=rice, amount=Decimal("0.5"), at=now - timedelta(days=days_ago))
    stock_undo_last(actor=user, item=rice)
    empty = ItemFactory(household=household)  # no journal at all
    cases = [(rice, None), (rice, "2"), (rice, "9"), (rice, "junk"), (empty, None)]
    since = now - timedelta(days=30)
    on_postgresql = [selectors.item_history(item=item, page_number=n, since=since) for item, n in cases]

    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert [
        selectors.item_history(item=item, page_number=n, since=since) for item, n in cases
    ] == on_postgresql
    first, second, stale, junk, nothing = on_postgresql
    created, undone, last_live = first.journal.object_list[:3]  # created now: newest in time, oldest by id
    assert undone.undone_at and first.undoable == last_live
    assert (second.journal.number, stale.journal.number, junk.journal.number) == (2, 2, 1)
    # The level the window starts with, the 14 live uses since (the 15th undone), the creation recorded now.
    assert first.levels[0] == (since, Decimal("52.5")) and len(first.levels) == 16
    assert first.levels[-1] == (created.at, created.quantity_after)
    assert nothing == selectors.ItemHistory(journal=nothing.journal, undoable=None, levels=[])
    assert nothing.journal.object_list == []


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


@pytest.mark.parametrize("sort", ["runout", "category", "name"])
@pytest.mark.parametrize("search", ["", "1"])
def test_sqlite_pages_the_same_dashboard_rows_through_the_orm(household, monkeypatch, sort, search):
    """On PostgreSQL the rows are read with the counts' SQL filters; SQLite (the embedded default) reads them
    through the ORM: the same rows, in the same order, on every page and filter, searched or not."""
    today = timezone.localdate()
    ItemFactory(quantity=Decimal(0))  # another household's: never listed here
    for number in range(23):
        ItemFactory(
            household=household,
            name=f"Thing {number}",
            quantity=Decimal(number % 4),
            minimum=Decimal(2) if number % 5 == 0 else None,
            predicted_runout=None if number % 3 == 0 else today + timedelta(days=number % 9 - 2),
            archived_at=timezone.now() if number % 7 == 0 else None,
            category=("dairy", "pantry", "produce")[number % 3],
        )
    cases = [
        {"page_number": n, "archived": archived, "category": category, "low_only": low}
        for n in (None, "2", "3", "99")
        for archived, category, low in (
            (False, "", False),
            (True, "", False),
            (False, "dairy", True),
            (False, "", True),
        )
    ]

    def pages():
        return [
            (result.items, result.page.number, result.page.paginator.num_pages)
            for result in (
                selectors.dashboard_page(
                    household=household, today=today, sort=sort, search=search, page_size=5, **case
                )
                for case in cases
            )
        ]

    on_postgresql = pages()
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert pages() == on_postgresql
    first, second = on_postgresql[0][0], on_postgresql[4][0]
    assert len(first) == 5 and not {row.pk for row in first} & {row.pk for row in second}
    assert on_postgresql[12][1] == on_postgresql[12][2]  # page 99: the last page
