"""LLM price estimates, from a local OpenAI-compatible server: labelled, cached, refused when they must be."""

from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import openai_response
from inventory.tests.factories import ItemFactory
from llm.models import LLMCallLog
from orders.estimates import estimate_missing_prices, estimate_price, estimates_available
from orders.models import CatalogPrice
from orders.tests.factories import CatalogPriceFactory
from orders.tests.helpers import paid

pytestmark = pytest.mark.django_db


def _sent_user_prompt(server, index=0):
    return server.requests[index].json()["messages"][1]["content"]


def test_the_llm_estimate_is_asked_in_the_households_currency(llm_server, user, household):
    item = ItemFactory(household=household, name="Basmati rice", unit="kg")
    llm_server.respond(openai_response({"amount": 3.456, "currency": "usd"}))

    estimate, reason = estimate_price(household=household, actor=user, item=item, currency="EUR")

    assert (estimate.amount, estimate.currency, reason) == (Decimal("3.46"), "USD", "ok")
    assert _sent_user_prompt(llm_server) == "Item: Basmati rice\nUnit: kg\nCurrency: EUR"
    assert LLMCallLog.objects.get().purpose == "orders.price_estimate"


def test_the_same_estimate_again_is_answered_from_the_cache(llm_server, user, household):
    item = ItemFactory(household=household, name="Butter")
    llm_server.respond(openai_response({"amount": 2.2, "currency": "USD"}))
    first = estimate_price(household=household, actor=user, item=item, currency="USD")[0]
    second = estimate_price(household=household, actor=user, item=item, currency="USD")[0]
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

    estimate, _ = estimate_price(household=household, actor=user, item=item, currency="USD")

    assert estimate.amount is None
    assert "Butter" in estimate.message and "no price yet" in estimate.message


def test_an_opted_out_household_sends_nothing_and_is_told(llm_server, user, household):
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])
    item = ItemFactory(household=household, name="Butter")
    llm_server.respond(openai_response({"amount": 2.2, "currency": "USD"}))

    estimate, _ = estimate_price(household=household, actor=user, item=item, currency="USD")

    assert estimate.amount is None
    assert "does not send data to an LLM" in estimate.message
    assert llm_server.requests == []
    assert not estimates_available(household=household)


def test_offline_gives_no_price_and_says_where_prices_come_from(settings, user, household):
    settings.LLM_PROVIDER = "offline"
    estimate, _ = estimate_price(
        household=household, actor=user, item=ItemFactory(household=household), currency="USD"
    )
    assert estimate.amount is None
    assert "No LLM is configured" in estimate.message
    assert not estimates_available(household=household)


# --- estimating the cart's missing prices --------------------------------------------------------------------


def test_estimating_records_labelled_prices_for_low_items_without_one(llm_server, user, household):
    without = ItemFactory(household=household, name="Butter")
    priced = ItemFactory(household=household, name="Milk")
    CatalogPriceFactory(item=priced, price=Decimal("3.48"))
    paid_for = ItemFactory(household=household, name="Bread")
    paid(item=paid_for, total="2.10")
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
