from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import Item, StockEvent
from inventory.services import item_create, stock_consume
from inventory.tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def make(user, household, name="Milk", quantity="4", unit="l"):
    return item_create(actor=user, household=household, name=name, unit=unit, quantity=Decimal(quantity))


def test_empty_dashboard_says_what_to_do_next(member_client):
    response = member_client.get(reverse("inventory:dashboard"))
    assert response.status_code == 200
    assert "Your pantry is empty" in response.content.decode()


def test_dashboard_lists_only_this_households_items(member_client, user, household, other_household):
    make(user, household, name="Oat milk")
    make(None, other_household, name="Secret stash")
    page = member_client.get("/").content.decode()
    assert "Oat milk" in page
    assert "Secret stash" not in page


def test_dashboard_search_filters_and_low_only(member_client, user, household):
    make(user, household, name="Oat milk", quantity="2")
    low = make(user, household, name="Rice", quantity="1", unit="kg")
    Item.objects.filter(pk=low.pk).update(minimum=Decimal(2))
    assert "Rice" not in member_client.get("/", {"q": "oat"}).content.decode()
    page = member_client.get("/", {"low": "1"}).content.decode()
    assert "Rice" in page and "Oat milk" not in page
    assert "Oat milk" not in member_client.get("/", {"category": "pantry"}).content.decode()


@pytest.mark.parametrize(
    "name",
    ["item_detail", "item_edit"],
)
def test_another_households_item_pages_are_404(member_client, other_household, name):
    theirs = make(None, other_household)
    assert member_client.get(reverse(f"inventory:{name}", args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("name", ["item_consume", "item_add_stock", "item_correct", "item_undo"])
def test_another_households_item_cannot_be_changed(member_client, other_household, name):
    theirs = make(None, other_household)
    response = member_client.post(
        reverse(f"inventory:{name}", args=[theirs.pk]), {"amount": "1", "quantity": "0"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.quantity == Decimal(4)
    assert theirs.events.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "x" * 201, "unit": "pcs"}, "name"),
        ({"name": "Eggs", "unit": "bushel"}, "unit"),
        ({"name": "Eggs", "unit": "pcs", "quantity": "-2"}, "quantity"),
        ({"name": "Eggs", "unit": "pcs", "quantity": "99999999"}, "quantity"),
    ],
)
def test_add_item_bad_input_is_a_form_error_and_writes_nothing(member_client, data, field):
    response = member_client.post(reverse("inventory:item_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Item.objects.exists()


def test_add_item_then_consume_twice_shows_a_prediction(member_client, household):
    response = member_client.post(
        reverse("inventory:item_create"), {"name": "Eggs", "unit": "pcs", "quantity": "12"}
    )
    item = Item.objects.get(household=household)
    assert response.url == reverse("inventory:item_detail", args=[item.pk])
    for _ in range(2):
        member_client.post(reverse("inventory:item_consume", args=[item.pk]), {"amount": "2"})
    page = member_client.get(response.url).content.decode()
    assert "Expected to run out" in page
    assert "pcs/day" in page


def test_consuming_more_than_in_stock_is_a_form_error(member_client, user, household):
    item = make(user, household, quantity="1")
    response = member_client.post(reverse("inventory:item_consume", args=[item.pk]), {"amount": "3"})
    assert response.status_code == 400
    assert "Only 1 l in stock" in response.content.decode()
    item.refresh_from_db()
    assert item.quantity == Decimal(1)


def test_consume_in_an_incompatible_unit_is_a_form_error(member_client, user, household):
    item = make(user, household, quantity="1")
    response = member_client.post(
        reverse("inventory:item_consume", args=[item.pk]), {"amount": "1", "unit": "kg"}
    )
    assert response.status_code == 400
    assert response.context["consume_form"].errors["unit"]


def test_quick_consume_returns_to_the_dashboard(member_client, user, household):
    item = make(user, household, quantity="3")
    response = member_client.post(
        reverse("inventory:item_consume", args=[item.pk]), {"amount": "1", "next": "/?q=milk"}
    )
    assert response.url == "/?q=milk"
    evil = member_client.post(
        reverse("inventory:item_consume", args=[item.pk]), {"amount": "1", "next": "https://evil.test/"}
    )
    assert evil.url == reverse("inventory:item_detail", args=[item.pk])


def test_undo_and_correct_through_the_pages(member_client, user, household):
    item = make(user, household, quantity="3")
    stock_consume(actor=user, item=item, amount=Decimal(1))
    member_client.post(reverse("inventory:item_undo", args=[item.pk]))
    item.refresh_from_db()
    assert item.quantity == Decimal(3)
    member_client.post(reverse("inventory:item_correct", args=[item.pk]), {"quantity": "0.5"})
    item.refresh_from_db()
    assert item.quantity == Decimal("0.5")


def test_bulk_add_reports_the_bad_line_and_adds_nothing(member_client):
    response = member_client.post(
        reverse("inventory:item_bulk_create"), {"lines": "Milk, 2, l\nRice, 1, bushel"}
    )
    assert "Line 2" in response.content.decode()
    assert not Item.objects.exists()
    response = member_client.post(
        reverse("inventory:item_bulk_create"), {"lines": "Milk, 2, l\nRice, 1, kg\nEggs"}
    )
    assert response.status_code == 302
    assert Item.objects.count() == 3


def test_edit_item(member_client, user, household):
    item = make(user, household)
    data = {"name": "Oat milk", "category": "dairy", "location": "Fridge", "minimum": "1"}
    assert member_client.post(reverse("inventory:item_edit", args=[item.pk]), data).status_code == 302
    item.refresh_from_db()
    assert (item.name, item.location, item.minimum) == ("Oat milk", "Fridge", Decimal(1))


def test_dashboard_at_2000_items_runs_a_fixed_number_of_queries(
    member_client, household, django_assert_max_num_queries
):
    soon = timezone.localdate() + timedelta(days=2)
    items = ItemFactory.build_batch(2000, household=household, quantity=Decimal(3), predicted_runout=soon)
    Item.objects.bulk_create(items)
    # The first sort by name also decrypts every name (one query); later requests reuse them.
    with django_assert_max_num_queries(9):
        response = member_client.get("/", {"sort": "name", "low": "1"})
    assert response.status_code == 200
    assert response.context["low_count"] == 2000
    with django_assert_max_num_queries(8):
        member_client.get("/", {"q": "item 19", "page": "2"})


def test_item_page_runs_a_fixed_number_of_queries(
    member_client, user, household, django_assert_max_num_queries
):
    item = make(user, household, quantity="100")
    StockEvent.objects.bulk_create(
        StockEvent(item=item, kind="consume", delta=Decimal(-1), quantity_after=Decimal(99), actor=user)
        for _ in range(60)
    )
    # Sign-in (session, user, household), the item with its counts, a journal page, the chart.
    with django_assert_max_num_queries(6):
        assert member_client.get(reverse("inventory:item_detail", args=[item.pk])).status_code == 200


def test_item_page_offers_only_convertible_units_with_the_items_own_unit_selected(
    member_client, user, household
):
    milk = item_create(actor=user, household=household, name="Milk", unit="l", quantity=Decimal("2"))

    form = member_client.get(reverse("inventory:item_detail", args=[milk.pk])).context["consume_form"]
    codes = [code for code, _label in form.fields["unit"].choices]

    assert form["unit"].value() == "l"
    assert codes[0] == "l"
    assert "ml" in codes
    assert "pcs" not in codes
    assert "g" not in codes


def test_consuming_with_the_unit_the_page_preselects_works(member_client, user, household):
    milk = item_create(actor=user, household=household, name="Milk", unit="l", quantity=Decimal("2"))
    form = member_client.get(reverse("inventory:item_detail", args=[milk.pk])).context["consume_form"]

    member_client.post(
        reverse("inventory:item_consume", args=[milk.pk]), {"amount": "0.5", "unit": form["unit"].value()}
    )

    milk.refresh_from_db()
    assert milk.quantity == Decimal("1.5")
