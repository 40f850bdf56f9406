import hashlib
import json
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from llm.cache import cache_key
from llm.models import LLMCacheEntry
from llm.services import llm_complete
from llm.tasks import llm_cache_cleanup
from llm.tests.fakes import reply
from llm.types import LLMRequest

pytestmark = pytest.mark.django_db

REQUEST = LLMRequest(
    system="Categorise as JSON.", user="GV WHL MILK 3.48", temperature=0.0, prompt_version="1"
)
ANSWER = {"category": "dairy"}


def test_same_request_twice_makes_one_remote_call_and_counts_a_hit(openai_llm):
    openai_llm.respond(reply("openai", ANSWER))

    first = llm_complete(request=REQUEST)
    second = llm_complete(request=REQUEST)

    assert len(openai_llm.requests) == 1
    assert (first.reason, second.reason) == ("ok", "cache")
    assert second.response.data == ANSWER and second.response.cached
    entry = LLMCacheEntry.objects.get()
    assert entry.hit_count == 1 and entry.last_used_at >= entry.created_at


@pytest.mark.parametrize(
    "changed",
    [
        {"temperature": 0.7},
        {"prompt_version": "2"},
        {"user": "GV WHL MILK 3.49"},
        {"system": "Categorise as JSON, in English."},
    ],
)
def test_changing_anything_that_shapes_the_answer_misses(openai_llm, changed):
    openai_llm.respond(reply("openai", ANSWER))

    llm_complete(request=REQUEST)
    outcome = llm_complete(request=replace(REQUEST, **changed))

    assert outcome.reason == "ok"
    assert len(openai_llm.requests) == 2
    assert LLMCacheEntry.objects.count() == 2


def test_changing_the_model_misses(openai_llm, settings):
    openai_llm.respond(reply("openai", ANSWER))
    llm_complete(request=REQUEST)

    settings.ASI_MODEL = "another-model"
    llm_complete(request=REQUEST)

    assert len(openai_llm.requests) == 2


def test_expired_entries_are_not_served_and_are_cleaned_up(openai_llm, settings):
    settings.LLM_CACHE_TTL_DAYS = 30
    openai_llm.respond(reply("openai", ANSWER))
    llm_complete(request=REQUEST)
    LLMCacheEntry.objects.update(created_at=timezone.now() - timedelta(days=31))

    outcome = llm_complete(request=REQUEST)

    assert outcome.reason == "ok" and len(openai_llm.requests) == 2  # asked again, and stored afresh
    entry = LLMCacheEntry.objects.get()
    assert entry.created_at > timezone.now() - timedelta(minutes=1) and entry.hit_count == 0


def test_cleanup_task_and_command_delete_only_expired_entries(openai_llm, capsys):
    openai_llm.respond(reply("openai", ANSWER))
    llm_complete(request=REQUEST)
    llm_complete(request=LLMRequest(system="Categorise as JSON.", user="BANANAS 1.36"))
    old = LLMCacheEntry.objects.order_by("id").first()
    LLMCacheEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))

    assert llm_cache_cleanup() == 1
    assert llm_cache_cleanup() == 0  # safe to run twice
    LLMCacheEntry.objects.update(created_at=timezone.now() - timedelta(days=40))
    call_command("llm_cache_cleanup")

    assert not LLMCacheEntry.objects.exists()
    assert "Deleted 1 expired LLM cache entry." in capsys.readouterr().out


def test_cache_can_be_turned_off(openai_llm, settings):
    settings.LLM_CACHE_ENABLED = False
    openai_llm.respond(reply("openai", ANSWER))

    llm_complete(request=REQUEST)
    llm_complete(request=REQUEST)

    assert len(openai_llm.requests) == 2 and not LLMCacheEntry.objects.exists()


def test_stored_prompt_and_response_are_ciphertext_in_the_database(openai_llm):
    openai_llm.respond(reply("openai", ANSWER))
    llm_complete(request=REQUEST)

    with connection.cursor() as cursor:
        cursor.execute("SELECT prompt, response FROM llm_llmcacheentry")
        prompt, response = cursor.fetchone()

    assert "MILK" not in prompt and "Categorise" not in prompt
    assert "dairy" not in response
    assert "GV WHL MILK 3.48" in LLMCacheEntry.objects.get().prompt  # and it decrypts


def test_cached_answer_failing_a_newer_schema_is_asked_again(openai_llm):
    openai_llm.respond(reply("openai", ANSWER), reply("openai", {"category": "dairy", "confidence": 0.9}))
    llm_complete(request=REQUEST)
    stricter = replace(REQUEST, json_schema={"type": "object", "required": ["category", "confidence"]})

    outcome = llm_complete(request=stricter)

    assert outcome.reason == "ok" and outcome.response.data["confidence"] == 0.9
    assert llm_complete(request=stricter).reason == "cache"


def test_the_cache_key_is_keyed_by_the_server_not_a_plain_hash(settings):
    request = LLMRequest(system="s", user="GV WHL MILK 3.48")
    material = json.dumps(["s", "GV WHL MILK 3.48", "m", "0.0", "1"]).encode()

    key = cache_key(request, model="m")

    assert key == cache_key(LLMRequest(system="s", user="GV WHL MILK 3.48"), model="m")
    assert key != hashlib.sha256(material).hexdigest()
    settings.BLIND_INDEX_KEY = "44" * 32
    assert cache_key(request, model="m") != key
