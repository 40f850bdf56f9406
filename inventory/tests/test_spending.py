"""The spending page: what the household paid by month and by store, as server-drawn bar charts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from grapefruit.charts import bar_chart, nice_ceiling
from grapefruit.dates import months_before
from inventory import services
from inventory.display import STORES_SHOWN, spending_display
from inventory.selectors import household_spending

pytestmark = pytest.mark.django_db


def pay(item, total, *, store="Corner Grocer", days_ago=1, currency="USD"):
    return services.price_paid_record(
        actor=None,
        item=item,
        total_price=Decimal(total),
        quantity=Decimal(1),
        unit=item.unit,
        packs=Decimal(1),
        currency=currency,
        paid_on=timezone.localdate() - timedelta(days=days_ago),
        store=store,
    )


@pytest.fixture
def milk(user, household):
    return services.item_create(actor=user, household=household, name="Milk", unit="l", quantity=Decimal(1))


def test_months_before_counts_calendar_months():
    assert months_before(date(2026, 11, 29), 11) == date(2025, 12, 1)
    assert months_before(date(2026, 3, 1), 11) == date(2025, 4, 1)
    assert months_before(date(2026, 1, 31), 1) == date(2025, 12, 1)


def test_spending_is_totalled_per_month_and_store_in_the_main_currency(household, milk, other_household):
    today = timezone.localdate()
    pay(milk, "3.00", days_ago=0)
    pay(milk, "2.50", store="Bio Shop", days_ago=0)
    pay(milk, "10.00", store="Bio Shop", days_ago=70)
    pay(milk, "7.00", currency="EUR", days_ago=0)
    other_milk = services.item_create(actor=None, household=other_household, name="Milk", unit="l")
    pay(other_milk, "99.00", days_ago=0)

    spending = household_spending(household=household, since=months_before(today, 11), today=today)

    assert spending.currency == "USD"
    assert spending.other_currencies == ["EUR"]
    assert len(spending.by_month) == 12
    assert spending.by_month[-1] == (today.replace(day=1), Decimal("5.50"))
    assert sum(total for _, total in spending.by_month) == Decimal("15.50")
    assert spending.by_store == [("Bio Shop", Decimal("12.50")), ("Corner Grocer", Decimal("3.00"))]


def test_sqlite_totals_the_same_spending_through_the_orm(household, milk, monkeypatch):
    """Embedded mode runs on SQLite, where spending is read through the ORM: the same totals."""
    today = timezone.localdate()
    for days_ago, total, store, currency in (
        (0, "3.00", "Corner Grocer", "USD"), (0, "2.50", "", "USD"), (40, "10.00", "Bio Shop", "USD"),
        (300, "4.25", "Bio Shop", "USD"), (5, "7.00", "Corner Grocer", "EUR"),
    ):  # fmt: skip
        pay(milk, total, store=store, days_ago=days_ago, currency=currency)
    since = months_before(today, 11)
    on_postgresql = household_spending(household=household, since=since, today=today)

    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert household_spending(household=household, since=since, today=today) == on_postgresql
    assert ("", Decimal("2.50")) in on_postgresql.by_store


def test_no_prices_no_spending(household):
    today = timezone.localdate()
    assert household_spending(household=household, since=months_before(today, 11), today=today) is None


def test_stores_beyond_the_chart_are_added_up_as_one_bar(household, milk):
    today = timezone.localdate()
    for number in range(STORES_SHOWN + 2):
        pay(milk, f"{number + 1}.00", store=f"Store {number}")
    display = spending_display(
        household_spending(household=household, since=months_before(today, 11), today=today)
    )
    labels = [bar.full_label for bar in display.by_store.bars]
    assert len(labels) == STORES_SHOWN + 1
    assert labels[-1] == "Other stores"
    assert display.by_store.bars[-1].value_text == "3 USD"  # the two smallest: 1 + 2


def test_bars_are_as_long_as_their_share_of_the_largest_and_described_in_words():
    chart = bar_chart(
        [("Nov 2026", Decimal(100), "100 USD"), ("An unusually long store name", Decimal(25), "25 USD")],
        title="Spending",
    )
    long_bar, short_bar = chart.bars
    assert short_bar.length * 4 == pytest.approx(long_bar.length, abs=0.2)
    assert short_bar.label == "An unusually …" and short_bar.full_label == "An unusually long store name"
    assert chart.description == "Spending: Nov 2026 100 USD; An unusually long store name 25 USD."
    assert nice_ceiling(Decimal("37")) == Decimal(50)


def test_spending_page_draws_both_charts_with_alternative_text(member_client, milk):
    pay(milk, "3.48", store="Corner Grocer")
    page = member_client.get(reverse("inventory:spending")).content.decode()
    assert page.count('role="img"') == 2
    assert '<desc id="spending-by-store-desc">Spending by store: Corner Grocer 3.48 USD.</desc>' in page
    assert "3.48 USD" in page


def test_spending_page_says_what_fills_it_when_empty(member_client):
    page = member_client.get(reverse("inventory:spending")).content.decode()
    assert 'data-testid="spending-empty"' in page
