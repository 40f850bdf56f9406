"""OpenAI-compatible chat completions (ASI Cloud by default; any server speaking the protocol, such as a local
one) through the `openai` SDK pointed at ASI_BASE_URL."""

from __future__ import annotations

import functools
import time
from typing import Any

import openai
from django.conf import settings

from llm.errors import (
    LLMBadResponse,
    LLMError,
    LLMRateLimited,
    LLMRequestRejected,
    LLMTimeout,
    LLMUnavailable,
)
from llm.retry import retry_after_seconds
from llm.schema import parse_json_reply
from llm.types import LLMRequest, LLMResponse


class OpenAICompatProvider:
    name = "openai"
    is_remote = True

    def __init__(self, *, api_key: str, base_url: str, model: str, timeout: float) -> None:
        self.model = model
        self._client_settings = (api_key, base_url, timeout)

    @classmethod
    def from_settings(cls) -> OpenAICompatProvider:
        return cls(
            api_key=settings.ASI_API_KEY or "not-set",
            base_url=settings.ASI_BASE_URL,
            model=settings.ASI_MODEL,
            timeout=settings.LLM_TIMEOUT_SECONDS,
        )

    def complete(self, request: LLMRequest) -> LLMResponse:
        started = time.monotonic()
        try:
            completion = _client(*self._client_settings).chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": request.system},
                    {"role": "user", "content": request.user},
                ],
                temperature=request.temperature,
                max_tokens=request.max_output_tokens,
                response_format={"type": "json_object"},
            )
        except (openai.OpenAIError, ValueError) as exc:  # ValueError: a body that is not JSON at all
            raise _translate(exc) from exc
        text = _message_text(completion)
        usage = getattr(completion, "usage", None)
        return LLMResponse(
            text=text,
            data=parse_json_reply(text, request.json_schema),
            provider=self.name,
            model=self.model,
            input_tokens=getattr(usage, "prompt_tokens", None) or 0,
            output_tokens=getattr(usage, "completion_tokens", None) or 0,
            latency_ms=round((time.monotonic() - started) * 1000),
        )


@functools.lru_cache(maxsize=8)
def _client(api_key: str, base_url: str, timeout: float) -> openai.OpenAI:
    """One SDK client per configuration, built on first use: building one costs ~50 ms (TLS context, pool),
    more than a cache hit, and a kept client reuses its connections. The client is thread-safe."""
    # Retries are ours (llm/retry.py), the same for every provider, so the SDK's own are off.
    return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)


def _message_text(completion: Any) -> str:
    try:
        content = completion.choices[0].message.content
    except (AttributeError, IndexError, TypeError) as exc:
        raise LLMBadResponse("the reply has no message") from exc
    if not isinstance(content, str) or not content.strip():
        raise LLMBadResponse("the reply's message is empty")
    return content


def _translate(exc: Exception) -> LLMError:
    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeout("the provider did not answer in time")
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable("could not connect to the provider")
    if isinstance(exc, openai.RateLimitError):
        return LLMRateLimited(
            "the provider is rate limiting us", retry_after=retry_after_seconds(exc.response.headers)
        )
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500:
            return LLMUnavailable(f"the provider failed with HTTP {exc.status_code}")
        return LLMRequestRejected(f"the provider refused the request with HTTP {exc.status_code}")
    return LLMBadResponse(f"unreadable reply from the provider ({type(exc).__name__})")
