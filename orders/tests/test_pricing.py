"""Prices for the cart: catalog first, else an LLM estimate from a local OpenAI-compatible server."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import openai_response
from inventory.tests.factories import ItemFactory
from llm.models import LLMCallLog
from orders.models import CatalogPrice
from orders.pricing import estimate_missing_prices, price_for_item
from orders.tests.factories import CatalogPriceFactory

pytestmark = pytest.mark.django_db


def _sent_user_prompt(server, index=0):
    return server.requests[index].json()["messages"][1]["content"]


def test_catalog_price_wins_and_nothing_is_sent(llm_server, user, household):
    item = ItemFactory(household=household, name="Whole milk")
    CatalogPriceFactory(item=item, price=Decimal("3.48"), source="receipt")

    quote = price_for_item(household=household, actor=user, item=item)

    assert (quote.amount, quote.currency, quote.is_estimate, quote.source) == (
        Decimal("3.48"),
        "USD",
        False,
        "receipt",
    )
    assert llm_server.requests == []


def test_latest_known_price_wins_over_a_newer_estimate(llm_server, user, household):
    item = ItemFactory(household=household)
    now = timezone.now()
    CatalogPriceFactory(
        item=item, price=Decimal("2.00"), source="manual", observed_at=now - timedelta(days=9)
    )
    CatalogPriceFactory(
        item=item, price=Decimal("2.50"), source="receipt", observed_at=now - timedelta(days=3)
    )
    CatalogPriceFactory(item=item, price=Decimal("9.99"), source="estimate", observed_at=now)

    quote = price_for_item(household=household, actor=user, item=item)

    assert (quote.amount, quote.is_estimate) == (Decimal("2.50"), False)


def test_without_a_catalog_price_the_llm_estimate_is_labelled(llm_server, user, household):
    item = ItemFactory(household=household, name="Basmati rice", unit="kg")
    llm_server.respond(openai_response({"amount": 3.456, "currency": "usd"}))

    quote = price_for_item(household=household, actor=user, item=item)

    assert (quote.amount, quote.currency, quote.is_estimate, quote.source) == (
        Decimal("3.46"),
        "USD",
        True,
        "llm",
    )
    assert _sent_user_prompt(llm_server) == "Item: Basmati rice\nUnit: kg\nCurrency: USD"
    assert LLMCallLog.objects.get().purpose == "orders.price_estimate"


def test_the_estimate_is_asked_in_the_currency_of_the_households_known_prices(llm_server, user, household):
    CatalogPriceFactory(item=ItemFactory(household=household), currency="EUR")
    item = ItemFactory(household=household, name="Butter")
    llm_server.respond(openai_response({"amount": 2.2, "currency": "EUR"}))

    price_for_item(household=household, actor=user, item=item)

    assert _sent_user_prompt(llm_server).endswith("Currency: EUR")


def test_the_same_estimate_again_is_answered_from_the_cache(llm_server, user, household):
    item = ItemFactory(household=household, name="Butter")
    llm_server.respond(openai_response({"amount": 2.2, "currency": "USD"}))
    first = price_for_item(household=household, actor=user, item=item)
    second = price_for_item(household=household, actor=user, item=item)
    assert first == second
    assert len(llm_server.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [
        "about three dollars",
        {"amount": -1, "currency": "USD"},
        {"amount": "3.00", "currency": "USD"},
        {"amount": 3, "currency": "dollars"},
        {"amount": 3, "currency": "U$D"},
        {"amount": 0, "currency": "USD"},
        {"amount": 3, "currency": "USD", "note": "rough"},
    ],
)
def test_a_malformed_estimate_gives_no_price_with_a_message(llm_server, user, household, reply):
    item = ItemFactory(household=household, name="Butter")
    llm_server.respond(openai_response(reply))

    quote = price_for_item(household=household, actor=user, item=item)

    assert (quote.amount, quote.is_estimate) == (None, False)
    assert "Butter" in quote.message and "no price yet" in quote.message


def test_an_opted_out_household_sends_nothing_and_is_told(llm_server, user, household):
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])
    item = ItemFactory(household=household, name="Butter")
    llm_server.respond(openai_response({"amount": 2.2, "currency": "USD"}))

    quote = price_for_item(household=household, actor=user, item=item)

    assert quote.amount is None
    assert "does not send data to an LLM" in quote.message
    assert llm_server.requests == []


def test_offline_gives_no_price_and_says_where_prices_come_from(settings, user, household):
    settings.LLM_PROVIDER = "offline"
    quote = price_for_item(household=household, actor=user, item=ItemFactory(household=household))
    assert quote.amount is None
    assert "No LLM is configured" in quote.message


# --- estimating the cart's missing prices --------------------------------------------------------------------


def test_estimating_records_labelled_prices_for_low_items_without_one(llm_server, user, household):
    without = ItemFactory(household=household, name="Butter")
    priced = ItemFactory(household=household, name="Milk")
    CatalogPriceFactory(item=priced, price=Decimal("3.48"))
    ItemFactory(household=household, name="Plenty of rice", quantity=Decimal(5))  # not low
    llm_server.respond(openai_response({"amount": 2.2, "currency": "USD"}))

    run = estimate_missing_prices(household=household, actor=user, today=timezone.localdate())

    assert (run.recorded, run.messages) == (1, ())
    estimate = CatalogPrice.objects.get(source="estimate")
    assert (estimate.item, estimate.price, estimate.household) == (without, Decimal("2.20"), household)
    assert len(llm_server.requests) == 1
    again = estimate_missing_prices(household=household, actor=user, today=timezone.localdate())
    assert again.recorded == 0 and len(llm_server.requests) == 1


def test_estimating_stops_at_the_rate_limit_and_says_so(llm_server, settings, user, household):
    settings.LLM_RATE_LIMIT = "2/m"
    for name in ("Butter", "Bread", "Eggs", "Jam"):
        ItemFactory(household=household, name=name)
    llm_server.respond(openai_response({"amount": 2.2, "currency": "USD"}))

    run = estimate_missing_prices(household=household, actor=user, today=timezone.localdate())

    assert run.recorded == 2
    assert len(run.messages) == 1 and "Too many LLM requests" in run.messages[0]
    assert len(llm_server.requests) == 2
    assert CatalogPrice.objects.filter(source="estimate").count() == 2


def test_estimating_for_an_opted_out_household_records_and_sends_nothing(llm_server, user, household):
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])
    ItemFactory(household=household, name="Butter")
    ItemFactory(household=household, name="Bread")

    run = estimate_missing_prices(household=household, actor=user, today=timezone.localdate())

    assert run.recorded == 0
    assert run.messages == ("Your household does not send data to an LLM, so prices were not estimated.",)
    assert llm_server.requests == []
    assert not CatalogPrice.objects.exists()
