"""Categorising new items with an LLM over the keyword guesser, against a local OpenAI-compatible server."""

import pytest
from django.urls import reverse

from conftest import openai_response
from inventory.categorising import suggest_category
from inventory.models import Item
from llm.models import LLMCallLog

pytestmark = pytest.mark.django_db


def test_offline_provider_uses_the_keyword_guesser_without_a_message(settings, household, user):
    settings.LLM_PROVIDER = "offline"
    suggestion = suggest_category(household=household, actor=user, name="Whole milk")
    assert (suggestion.category, suggestion.source, suggestion.message) == ("dairy", "rules", "")


def test_llm_answer_is_used_for_a_name_the_rules_do_not_know(llm_server, household, user):
    llm_server.respond(openai_response({"category": "dairy"}))

    suggestion = suggest_category(household=household, actor=user, name="GV WHL MLK")

    assert (suggestion.category, suggestion.source, suggestion.message) == ("dairy", "llm", "")
    sent = llm_server.requests[0].json()
    assert sent["messages"][1]["content"] == "GV WHL MLK"
    assert "personal_care" in sent["messages"][0]["content"]
    assert LLMCallLog.objects.get().purpose == "inventory.category"


def test_same_name_again_is_answered_from_the_cache(llm_server, household, user):
    llm_server.respond(openai_response({"category": "snacks"}))
    first = suggest_category(household=household, actor=user, name="Hula hoops")
    second = suggest_category(household=household, actor=user, name="Hula  hoops")
    assert first == second
    assert len(llm_server.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [
        {"category": "vegetables"},  # not a taxonomy code
        {"category": "Dairy & eggs"},  # a label, not a code
        {"shelf": "dairy"},
        "dairy, I think",
    ],
)
def test_unknown_or_malformed_category_falls_back_to_the_rules(llm_server, household, user, reply):
    llm_server.respond(openai_response(reply))

    suggestion = suggest_category(household=household, actor=user, name="Cheddar cheese")

    assert (suggestion.category, suggestion.source) == ("dairy", "rules")
    assert "could not help" in suggestion.message
    assert LLMCallLog.objects.get().outcome == LLMCallLog.Outcome.BAD_RESPONSE


def test_llm_giving_up_does_not_override_a_keyword_match(llm_server, household, user):
    llm_server.respond(openai_response({"category": "other"}))
    suggestion = suggest_category(household=household, actor=user, name="Basmati rice")
    assert (suggestion.category, suggestion.source) == ("pantry", "rules")


def test_opted_out_household_sends_nothing_and_is_told(llm_server, household, user):
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])
    llm_server.respond(openai_response({"category": "frozen"}))

    suggestion = suggest_category(household=household, actor=user, name="Whole milk")

    assert (suggestion.category, suggestion.source) == ("dairy", "rules")
    assert "does not send data to an LLM" in suggestion.message
    assert llm_server.requests == []
    assert not LLMCallLog.objects.exists()


def test_rate_limit_falls_back_with_a_message(llm_server, settings, household, user):
    settings.LLM_RATE_LIMIT = "1/m"
    llm_server.respond(openai_response({"category": "beverages"}))
    assert suggest_category(household=household, actor=user, name="Yerba mate").source == "llm"

    suggestion = suggest_category(household=household, actor=user, name="Kombucha")

    assert (suggestion.category, suggestion.source) == ("other", "rules")
    assert "Too many LLM requests" in suggestion.message
    assert len(llm_server.requests) == 1


def test_monthly_budget_falls_back_with_a_message(llm_server, settings, household, user):
    settings.LLM_MONTHLY_CALL_BUDGET = 1
    llm_server.respond(openai_response({"category": "beverages"}))
    suggest_category(household=household, actor=user, name="Yerba mate")

    suggestion = suggest_category(household=household, actor=user, name="Kombucha")

    assert suggestion.source == "rules"
    assert "budget is used up" in suggestion.message
    assert len(llm_server.requests) == 1


# --- wired into the add-item page ------------------------------------------------------------------------


def _add(client, name, category=""):
    return client.post(
        reverse("inventory:item_create"), {"name": name, "unit": "pcs", "category": category}, follow=True
    )


def test_new_item_without_a_category_gets_the_llm_suggestion(llm_server, member_client, household):
    llm_server.respond(openai_response({"category": "beverages"}))

    page = _add(member_client, "Yerba mate").content.decode()

    assert Item.objects.get(household=household).category == "beverages"
    assert "Added Yerba mate to Drinks." in page


def test_a_category_the_member_chose_is_kept_and_nothing_is_sent(llm_server, member_client, household):
    _add(member_client, "Yerba mate", category="pantry")
    assert Item.objects.get(household=household).category == "pantry"
    assert llm_server.requests == []


def test_member_sees_why_the_category_was_guessed_on_the_server(llm_server, member_client, household):
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])

    page = _add(member_client, "Whole milk").content.decode()

    assert Item.objects.get(household=household).category == "dairy"
    assert "does not send data to an LLM" in page
    assert llm_server.requests == []
