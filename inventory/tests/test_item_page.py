"""The item page and the dashboard's quick buttons: units everywhere, undo wording, refusal, chart, journal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import StockEvent
from inventory.services import item_create, stock_add, stock_consume

pytestmark = pytest.mark.django_db


def make(user, household, name="Ground beef", unit="lb", quantity="1.88"):
    return item_create(actor=user, household=household, name=name, unit=unit, quantity=Decimal(quantity))


def test_quick_use_button_names_the_amount_with_its_unit(member_client, user, household):
    flour = make(user, household, name="Flour", unit="g", quantity="1000")
    stock_consume(actor=user, item=flour, amount=Decimal(250))
    page = member_client.get("/").content.decode()
    assert ">Use 250 g</button>" in page


def test_quick_use_of_more_than_is_left_refuses_and_offers_the_rest(member_client, user, household):
    beef = make(user, household)
    stock_consume(actor=user, item=beef, amount=Decimal(1))  # 0.88 lb left, usual use 1 lb

    response = member_client.post(
        reverse("inventory:item_consume", args=[beef.pk]), {"amount": "1", "next": "/"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Only 0.88 lb in stock" in page
    assert "Use the last 0.88 lb" in page
    beef.refresh_from_db()
    assert beef.quantity == Decimal("0.88")
    assert beef.events.filter(kind=StockEvent.Kind.CONSUME).count() == 1


def test_the_offered_rest_uses_it_up(member_client, user, household):
    beef = make(user, household)
    stock_consume(actor=user, item=beef, amount=Decimal(1))
    member_client.post(reverse("inventory:item_consume", args=[beef.pk]), {"amount": "0.880", "unit": "lb"})
    beef.refresh_from_db()
    assert beef.quantity == 0


def test_undo_label_and_message_quote_the_same_words(member_client, user, household):
    milk = make(user, household, name="Milk", unit="l", quantity="2")
    stock_consume(actor=user, item=milk, amount=Decimal("0.2"))
    url = reverse("inventory:item_detail", args=[milk.pk])

    assert "Undo “Used 0.2 l”" in member_client.get(url).content.decode()
    page = member_client.post(reverse("inventory:item_undo", args=[milk.pk]), follow=True).content.decode()
    assert "Undid “Used 0.2 l”." in page


def test_journal_shows_units_in_every_column_and_pages_by_twenty(member_client, user, household):
    milk = make(user, household, name="Milk", unit="l", quantity="100")
    for _ in range(25):
        stock_consume(actor=user, item=milk, amount=Decimal("0.5"))
    url = reverse("inventory:item_detail", args=[milk.pk])

    first = member_client.get(url)
    rows = first.context["journal_rows"]
    assert len(rows) == 20
    assert (rows[0].what, rows[0].after) == ("Used 0.5 l", "87.5 l")
    assert rows[0].when.startswith("today ")
    older = member_client.get(url, {"page": "2"}).context["journal_rows"]
    assert len(older) == 6
    assert older[-1].what == "Corrected to 100 l"


def test_item_at_zero_reads_out_of_stock(member_client, user, household):
    beef = make(user, household, quantity="1")
    stock_consume(actor=user, item=beef, amount=Decimal(1))
    page = member_client.get(reverse("inventory:item_detail", args=[beef.pk])).content.decode()
    assert "Out of stock." in page
    assert "Expected to run out" not in page


def test_stock_chart_has_axes_with_units_dates_the_forecast_and_a_description(member_client, user, household):
    milk = make(user, household, name="Milk", unit="l", quantity="0")
    start = timezone.now() - timedelta(days=6)
    stock_add(actor=user, item=milk, amount=Decimal(4), at=start)
    for day in range(1, 6):
        milk.refresh_from_db()
        stock_consume(actor=user, item=milk, amount=Decimal("0.5"), at=start + timedelta(days=day))
    page = member_client.get(reverse("inventory:item_detail", args=[milk.pk]))
    chart = page.context["chart"]

    assert [tick.label for tick in chart.y_ticks] == ["0 l", "2.5 l", "5 l"]
    assert chart.x_ticks[-1].label == "today"
    assert chart.forecast is not None
    assert chart.forecast.label.startswith("runs out ")
    assert "1.5 l now" in chart.description
    html = page.content.decode()
    assert 'role="img"' in html
    assert '<desc id="chart-desc">Stock of Milk since' in html
