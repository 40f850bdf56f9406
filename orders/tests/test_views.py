from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import openai_response
from inventory.tests.factories import ItemFactory
from orders.models import CatalogPrice
from orders.tests.factories import CatalogPriceFactory

pytestmark = pytest.mark.django_db

CART = reverse("orders:cart")
ESTIMATE = reverse("orders:estimate_prices")


def test_cart_lists_low_items_with_known_prices_and_labelled_estimates(member_client, household):
    CatalogPriceFactory(item=ItemFactory(household=household, name="Whole milk"), price=Decimal("3.48"))
    CatalogPriceFactory(
        item=ItemFactory(household=household, name="Butter"), price=Decimal("2.20"), source="estimate"
    )
    ItemFactory(household=household, name="Jam")
    ItemFactory(household=household, name="Plenty of rice", quantity=Decimal(5))

    page = member_client.get(CART).content.decode()

    assert "Whole milk" in page and "3.48 USD" in page
    assert "Butter" in page and "2.20 USD" in page
    assert page.count("≈ estimate</span>") == 2  # the explanation above the table, and the Butter row
    assert "Jam" in page and "no price yet" in page
    assert "Plenty of rice" not in page
    assert "Estimate prices" in page


def test_cart_never_shows_another_households_items_or_prices(member_client, household, other_household):
    ItemFactory(household=household, name="Our butter")
    theirs = ItemFactory(household=other_household, name="Secret stash")
    CatalogPriceFactory(item=theirs, price=Decimal("77.77"))

    page = member_client.get(CART).content.decode()

    assert "Our butter" in page
    assert "Secret stash" not in page and "77.77" not in page


def test_cart_page_runs_a_fixed_number_of_queries(member_client, household, django_assert_max_num_queries):
    for number in range(30):
        item = ItemFactory(household=household, name=f"Low item {number}")
        CatalogPriceFactory(item=item, source="estimate" if number % 2 else "receipt")
        CatalogPriceFactory(item=item, source="manual")
    with django_assert_max_num_queries(5):
        page = member_client.get(CART).content.decode()
    assert page.count('data-testid="cart-row"') == 30
    assert page.count("≈ estimate</span>") == 1  # every row has a known price, which wins over estimates


def test_loading_the_cart_never_asks_the_llm(llm_server, member_client, household):
    ItemFactory(household=household, name="Butter")
    member_client.get(CART)
    assert llm_server.requests == []


def test_estimate_prices_button_records_and_shows_labelled_estimates(llm_server, member_client, household):
    ItemFactory(household=household, name="Butter")
    llm_server.respond(openai_response({"amount": 2.2, "currency": "USD"}))

    page = member_client.post(ESTIMATE, follow=True).content.decode()

    assert "Estimated 1 price." in page
    assert "2.20 USD" in page and 'title="Estimated by an LLM: not a price you paid">≈ estimate' in page
    assert CatalogPrice.objects.get().source == "estimate"


def test_estimate_prices_tells_an_opted_out_household_why_nothing_changed(
    llm_server, member_client, household
):
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])
    ItemFactory(household=household, name="Butter")

    page = member_client.post(ESTIMATE, follow=True).content.decode()

    assert "does not send data to an LLM" in page
    assert llm_server.requests == []


def test_estimate_prices_only_accepts_post(member_client):
    assert member_client.get(ESTIMATE).status_code == 405


def test_estimate_prices_never_touches_another_households_items(
    llm_server, member_client, household, other_household
):
    ItemFactory(household=other_household, name="Secret stash")
    member_client.post(ESTIMATE)
    assert llm_server.requests == []
    assert not CatalogPrice.objects.exists()
