"""llm_complete's guards: redaction before sending, opt-out, monthly budget, rate limit, and the call log."""

import re
from decimal import Decimal

import pytest
from django.db import connection

from audit.models import AuditEvent
from grapefruit.tests.factories import MembershipFactory
from llm.models import LLMCallLog
from llm.services import llm_complete
from llm.tests.fakes import reply
from llm.types import LLMRequest

pytestmark = pytest.mark.django_db

RECEIPT = """\
              FRESHWAY MARKET
         2450 Fairview Ave N
         Roseville, MN 55113
           (651) 555-0139
   Cashier: Brenda K.
BANANAS 2.31 LB @ 0.59/LB      1.36
GV WHL MILK                    3.48
CLUB CARD SAVINGS              0.50-
SUBTOTAL                       4.34
TOTAL                          4.34
VISA  4111 1111 1111 1111
US DEBIT  **** **** **** 4417
Member 111847206339
Rewards #: 6018840126306675
Call us: 651.555.0199
02/14/25  18:42
"""
SECRETS = [
    "4111",
    "4417",
    "111847206339",
    "6018840126306675",
    "555-0139",
    "555.0199",
    "Brenda",
    "2450 Fairview",
]


def _request(user: str = RECEIPT) -> LLMRequest:
    return LLMRequest(system="Read this receipt.", user=user, purpose="receipt")


def test_no_card_digits_loyalty_ids_phones_names_or_street_reach_the_server(remote_llm, household, user):
    remote_llm.respond(reply(remote_llm.protocol, {"ok": True}))

    llm_complete(request=_request(), household=household, actor=user)

    sent = remote_llm.requests[0].body.decode()
    for secret in SECRETS:
        assert secret not in sent
    for kept in ["BANANAS 2.31 LB @ 0.59/LB", "1.36", "GV WHL MILK", "3.48", "0.50-", "02/14/25", "FRESHWAY"]:
        assert kept in sent


def test_call_log_keeps_the_redacted_prompt_encrypted(openai_llm, household, user):
    openai_llm.respond(reply("openai", {"ok": True}))

    llm_complete(request=_request(), household=household, actor=user)

    log = LLMCallLog.objects.get()
    assert (log.household, log.actor, log.purpose) == (household, user, "receipt")
    assert "[CARD]" in log.prompt_sent and "4417" not in log.prompt_sent
    assert log.redactions["card"] >= 2 and log.redactions["phone"] >= 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT prompt_sent FROM llm_llmcalllog")
        assert "BANANAS" not in cursor.fetchone()[0]


def test_each_remote_call_is_audited_without_its_content(openai_llm, household, user):
    openai_llm.respond(reply("openai", {"ok": True}))

    llm_complete(request=_request(), household=household, actor=user)

    event = AuditEvent.objects.get(action="llm.call")
    assert (event.household, event.actor) == (household, user)
    assert event.details == {"provider": "openai", "outcome": "ok", "purpose": "receipt"}


def test_household_that_opted_out_sends_nothing(openai_llm, household, user):
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])

    outcome = llm_complete(request=_request(), household=household, actor=user)

    assert (outcome.ok, outcome.reason) == (False, "opt_out")
    assert openai_llm.requests == [] and not LLMCallLog.objects.exists()


def test_monthly_call_budget_falls_back_to_offline_with_a_message(openai_llm, household, user, settings):
    settings.LLM_MONTHLY_CALL_BUDGET = 2
    openai_llm.respond(reply("openai", {"ok": True}))

    outcomes = [
        llm_complete(request=_request(f"ITEM {n} 1.00"), household=household, actor=user) for n in range(3)
    ]

    assert [o.reason for o in outcomes] == ["ok", "ok", "budget"]
    assert "monthly LLM budget is used up" in outcomes[2].notice
    assert len(openai_llm.requests) == 2


def test_cache_hits_are_free_once_the_budget_is_spent(openai_llm, household, user, settings):
    settings.LLM_MONTHLY_CALL_BUDGET = 1
    openai_llm.respond(reply("openai", {"ok": True}))
    llm_complete(request=_request(), household=household, actor=user)

    assert llm_complete(request=_request(), household=household, actor=user).reason == "cache"


def test_monthly_cost_budget_counts_estimated_cost(openai_llm, household, user, settings):
    settings.LLM_MONTHLY_COST_BUDGET = Decimal("0.001")
    openai_llm.respond(reply("openai", {"ok": True}, prompt_tokens=1000, completion_tokens=1000))

    first = llm_complete(request=_request("A 1.00"), household=household, actor=user)
    second = llm_complete(request=_request("B 1.00"), household=household, actor=user)

    assert (first.reason, second.reason) == ("ok", "budget")


def test_budget_is_per_household(openai_llm, household, user, settings):
    settings.LLM_MONTHLY_CALL_BUDGET = 1
    openai_llm.respond(reply("openai", {"ok": True}))
    neighbour = MembershipFactory()

    llm_complete(request=_request("A 1.00"), household=household, actor=user)
    outcome = llm_complete(request=_request("B 1.00"), household=neighbour.household, actor=neighbour.user)

    assert outcome.reason == "ok"


def test_rate_limit_per_member_falls_back_with_a_message(openai_llm, household, user, settings):
    settings.LLM_RATE_LIMIT = "2/15m"
    openai_llm.respond(reply("openai", {"ok": True}))
    other = MembershipFactory(household=household)

    outcomes = [
        llm_complete(request=_request(f"ITEM {n} 1.00"), household=household, actor=user) for n in range(3)
    ]
    others = llm_complete(request=_request("ITEM 9 1.00"), household=household, actor=other.user)

    assert [o.reason for o in outcomes] == ["ok", "ok", "rate_limit"]
    assert re.search(r"Too many LLM requests.*2/15m", outcomes[2].notice)
    assert others.reason == "ok"
    assert len(openai_llm.requests) == 3
