"""Both remote providers against a local server speaking their protocol: the real SDK code paths."""

import pytest

from conftest import FakeResponse
from llm.models import LLMCallLog
from llm.services import llm_complete
from llm.tests.fakes import RECEIPT_SCHEMA, error, reply
from llm.types import LLMRequest

pytestmark = pytest.mark.django_db

REQUEST = LLMRequest(
    system="Extract the items as JSON.", user="MILK 2L 2.49", json_schema=RECEIPT_SCHEMA, purpose="test"
)
ANSWER = {"items": [{"name": "Milk 2 L", "total": 2.49}]}


def test_provider_success_returns_validated_json_and_logs_the_call(remote_llm):
    remote_llm.respond(reply(remote_llm.protocol, ANSWER, prompt_tokens=50, completion_tokens=10))

    outcome = llm_complete(request=REQUEST)

    assert outcome.ok and outcome.reason == "ok"
    assert outcome.response.data == ANSWER
    assert (outcome.response.input_tokens, outcome.response.output_tokens) == (50, 10)
    sent = remote_llm.requests[0].json()
    assert "MILK 2L 2.49" in str(sent) and "Extract the items as JSON." in str(sent)
    log = LLMCallLog.objects.get()
    assert (log.provider, log.outcome, log.input_tokens, log.attempts) == (remote_llm.protocol, "ok", 50, 1)
    assert log.cost_estimate > 0


def test_provider_asks_for_json_mode(remote_llm):
    remote_llm.respond(reply(remote_llm.protocol, ANSWER))

    llm_complete(request=REQUEST)

    body = remote_llm.requests[0].json()
    if remote_llm.protocol == "openai":
        assert body["response_format"] == {"type": "json_object"}
        assert remote_llm.requests[0].path == "/v1/chat/completions"
    else:
        assert body["generationConfig"]["responseMimeType"] == "application/json"
        assert remote_llm.requests[0].path.endswith("/models/gemini-2.5-flash:generateContent")


def test_malformed_json_reply_falls_back_without_retrying_or_caching(remote_llm):
    remote_llm.respond(reply(remote_llm.protocol, '{"items": [{"name": "Milk"'))

    outcome = llm_complete(request=REQUEST)
    again = llm_complete(request=REQUEST)

    assert not outcome.ok and outcome.reason == "error:bad_response"
    assert "read on this server only" in outcome.notice
    assert not again.ok
    assert len(remote_llm.requests) == 2  # one per call: a bad answer is neither retried nor cached


def test_reply_not_matching_the_schema_is_rejected(remote_llm):
    remote_llm.respond(reply(remote_llm.protocol, {"items": [{"price": 2.49}]}))

    outcome = llm_complete(request=REQUEST)

    assert outcome.reason == "error:bad_response"
    assert "missing 'name'" in LLMCallLog.objects.get().error


def test_body_that_is_not_json_at_all_is_a_bad_response(remote_llm):
    remote_llm.respond(FakeResponse(body="<html>proxy error</html>"))

    assert llm_complete(request=REQUEST).reason == "error:bad_response"


def test_timeout_falls_back_after_retries(remote_llm, settings):
    settings.LLM_TIMEOUT_SECONDS = 0.3
    settings.LLM_MAX_RETRIES = 1
    slow = reply(remote_llm.protocol, ANSWER)
    slow.delay = 1.0
    remote_llm.respond(slow)

    outcome = llm_complete(request=REQUEST)

    assert outcome.reason == "error:timeout"
    assert len(remote_llm.requests) == 2
    log = LLMCallLog.objects.get()
    assert (log.outcome, log.attempts) == ("timeout", 2)


def test_rate_limited_then_success_is_retried(remote_llm):
    remote_llm.respond(error(429, retry_after="0"), reply(remote_llm.protocol, ANSWER))

    outcome = llm_complete(request=REQUEST)

    assert outcome.ok and outcome.response.data == ANSWER
    assert len(remote_llm.requests) == 2
    assert LLMCallLog.objects.get().attempts == 2


def test_server_error_is_retried_then_falls_back(remote_llm, settings):
    settings.LLM_MAX_RETRIES = 2
    remote_llm.respond(error(500))

    outcome = llm_complete(request=REQUEST)

    assert outcome.reason == "error:unavailable"
    assert len(remote_llm.requests) == 3
    assert LLMCallLog.objects.get().outcome == "unavailable"


def test_server_error_then_success_recovers(remote_llm):
    remote_llm.respond(error(503), reply(remote_llm.protocol, ANSWER))

    assert llm_complete(request=REQUEST).ok


def test_refused_request_is_not_retried(remote_llm):
    remote_llm.respond(error(401))

    outcome = llm_complete(request=REQUEST)

    assert outcome.reason == "error:rejected"
    assert len(remote_llm.requests) == 1


def test_unreachable_provider_falls_back(settings):
    settings.LLM_PROVIDER = "openai"
    settings.ASI_BASE_URL = "http://127.0.0.1:9/v1"  # discard port: nothing listens
    settings.LLM_MAX_RETRIES = 0

    assert llm_complete(request=REQUEST).reason == "error:unavailable"


def test_offline_provider_sends_nothing_and_says_nothing(settings, fake_http_server):
    settings.LLM_PROVIDER = "offline"

    outcome = llm_complete(request=REQUEST)

    assert (outcome.ok, outcome.reason, outcome.notice) == (False, "offline", "")
    assert fake_http_server.requests == [] and not LLMCallLog.objects.exists()
