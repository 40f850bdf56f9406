import pytest
from django.urls import reverse

from grapefruit.models import Membership
from grapefruit.tests.factories import MembershipFactory, UserFactory
from llm.models import LLMCacheEntry, LLMCallLog
from llm.services import llm_complete
from llm.tests.fakes import reply
from llm.types import LLMRequest

pytestmark = pytest.mark.django_db

URL = reverse("llm:call_log")


def _call(household, user, text="MILK 2.49\nVISA **** **** **** 4417"):
    return llm_complete(
        request=LLMRequest(system="Read.", user=text, purpose="receipt.parse"),
        household=household,
        actor=user,
    )


def test_owner_sees_exactly_what_left_the_server(openai_llm, member_client, household, user):
    openai_llm.respond(reply("openai", {"ok": True}))
    _call(household, user)

    page = member_client.get(URL)

    assert page.status_code == 200
    body = page.content.decode()
    assert "What left the server" in body
    assert "MILK 2.49" in body and "[CARD]" in body and "4417" not in body
    assert "1 card removed" in body
    assert "1 of 200 requests" in body


def test_page_shows_only_the_households_own_calls(openai_llm, member_client, household, user):
    openai_llm.respond(reply("openai", {"ok": True}))
    neighbour = MembershipFactory()
    _call(neighbour.household, neighbour.user, text="NEIGHBOUR CAVIAR 99.00")

    body = member_client.get(URL).content.decode()

    assert "CAVIAR" not in body and "Nothing has been sent" in body


def test_members_who_are_not_owners_cannot_read_the_log(client, household):
    member = MembershipFactory(household=household, role=Membership.Role.MEMBER)
    client.force_login(member.user)

    assert client.get(URL).status_code == 403


def test_page_says_when_the_household_opted_out(openai_llm, member_client, household):
    household.llm_opt_out = True
    household.save(update_fields=["llm_opt_out"])

    assert "never sends data to an LLM" in member_client.get(URL).content.decode()


def test_page_costs_a_fixed_number_of_queries(
    openai_llm, member_client, household, user, django_assert_max_num_queries
):
    openai_llm.respond(reply("openai", {"ok": True}))
    for n in range(12):
        _call(household, user, text=f"ITEM {n} 1.00")

    with django_assert_max_num_queries(12):
        member_client.get(URL)


def test_admin_shows_cache_statistics_by_model(openai_llm, client):
    openai_llm.respond(reply("openai", {"ok": True}))
    request = LLMRequest(system="Read.", user="MILK 2.49")
    for _ in range(4):  # one miss, three hits
        llm_complete(request=request)
    LLMCacheEntry.objects.update(response_time_ms=250)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    page = client.get(reverse("admin:llm_llmcacheentry_changelist"))

    assert page.status_code == 200
    rows = [(row.model, row.entries, row.hits, row.time_saved_ms) for row in page.context["cache_stats"]]
    assert rows == [("asi1-mini", 1, 3, 750), ("All models", 1, 3, 750)]
    assert "75%" in page.content.decode()
    assert client.get(reverse("admin:llm_llmcalllog_changelist")).status_code == 200
    assert LLMCallLog.objects.count() == 1
