"""Fixtures for the llm tests: a provider pointed at the local fake server, and isolated rate-limit counters."""

from __future__ import annotations

import pytest

from llm import services


@pytest.fixture(autouse=True)
def isolated_llm_settings(isolated_rate_limits, monkeypatch):
    """Rate-limit counters of the test's own, a generous rate (the shipped one is tested on its own), and
    retries without real waiting."""
    settings = isolated_rate_limits
    settings.LLM_CACHE_ENABLED = True
    settings.LLM_MAX_RETRIES = 2
    settings.LLM_TIMEOUT_SECONDS = 5
    settings.LLM_RATE_LIMIT = "100/m"
    monkeypatch.setattr(services, "RETRY_BASE_DELAY", 0.01)
    return settings


def _point_at(server, protocol: str, settings) -> None:
    settings.LLM_PROVIDER = protocol
    settings.ASI_API_KEY = "test-key"
    settings.ASI_BASE_URL = f"{server.url}/v1"
    settings.ASI_MODEL = "asi1-mini"
    settings.GEMINI_API_KEY = "test-key"
    settings.GEMINI_BASE_URL = server.url
    settings.GEMINI_MODEL = "gemini-2.5-flash"
    server.protocol = protocol


@pytest.fixture(params=["openai", "gemini"])
def remote_llm(request, fake_http_server, settings):
    """Each protocol in turn, talking to the local fake server (returned, with `.protocol` set)."""
    _point_at(fake_http_server, request.param, settings)
    return fake_http_server


@pytest.fixture
def openai_llm(fake_http_server, settings):
    _point_at(fake_http_server, "openai", settings)
    return fake_http_server
