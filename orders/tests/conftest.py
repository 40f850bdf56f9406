"""Fixtures for the orders tests: the LLM pointed at the local fake OpenAI-compatible server."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from conftest import FakeResponse


def openai_reply(content: Any) -> FakeResponse:
    text = content if isinstance(content, str) else json.dumps(content)
    return FakeResponse(
        body={
            "id": "x",
            "object": "chat.completion",
            "created": 1,
            "model": "m",
            "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}
            ],
            "usage": {"prompt_tokens": 120, "completion_tokens": 12, "total_tokens": 132},
        }
    )


@pytest.fixture
def llm_server(fake_http_server, settings):
    settings.LLM_PROVIDER = "openai"
    settings.ASI_API_KEY = "test-key"
    settings.ASI_BASE_URL = f"{fake_http_server.url}/v1"
    settings.ASI_MODEL = "asi1-mini"
    settings.LLM_MAX_RETRIES = 0
    settings.LLM_CACHE_ENABLED = True
    settings.LLM_RATE_LIMIT = "100/m"
    # Rate-limit counters in a private cache: the shared Redis database outlives the test database.
    settings.CACHES = {
        **settings.CACHES,
        "orders-tests": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        },
    }
    settings.RATELIMIT_USE_CACHE = "orders-tests"
    return fake_http_server
