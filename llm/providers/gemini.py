"""Google Gemini through `google-genai`, the maintained successor of the deprecated `google-generativeai`.

GEMINI_BASE_URL overrides the endpoint (tests point it at a local server speaking the Gemini REST protocol).
"""

from __future__ import annotations

import functools
import time

import httpx2
import pydantic
from django.conf import settings
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

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


class GeminiProvider:
    name = "gemini"
    is_remote = True

    def __init__(self, *, api_key: str, model: str, timeout: float, base_url: str = "") -> None:
        self.model = model
        self._client_settings = (api_key, timeout, base_url)

    @classmethod
    def from_settings(cls) -> GeminiProvider:
        return cls(
            api_key=settings.GEMINI_API_KEY or "not-set",
            model=settings.GEMINI_MODEL,
            timeout=settings.LLM_TIMEOUT_SECONDS,
            base_url=settings.GEMINI_BASE_URL,
        )

    def complete(self, request: LLMRequest) -> LLMResponse:
        started = time.monotonic()
        config = genai_types.GenerateContentConfig(
            system_instruction=request.system,
            temperature=request.temperature,
            max_output_tokens=request.max_output_tokens,
            response_mime_type="application/json",
        )
        try:
            reply = _client(*self._client_settings).models.generate_content(
                model=self.model, contents=request.user, config=config
            )
            text = reply.text
        except (genai_errors.APIError, httpx2.HTTPError, pydantic.ValidationError, ValueError) as exc:
            raise _translate(exc) from exc
        if not text or not text.strip():
            raise LLMBadResponse("the reply has no text")
        usage = reply.usage_metadata
        return LLMResponse(
            text=text,
            data=parse_json_reply(text, request.json_schema),
            provider=self.name,
            model=self.model,
            input_tokens=(usage.prompt_token_count if usage else None) or 0,
            output_tokens=(usage.candidates_token_count if usage else None) or 0,
            latency_ms=round((time.monotonic() - started) * 1000),
        )


@functools.lru_cache(maxsize=8)
def _client(api_key: str, timeout: float, base_url: str) -> genai.Client:
    """One SDK client per configuration, built on first use (building one costs more than a cache hit)."""
    # retry_options=None means one attempt: retries are ours (llm/retry.py), the same for every provider.
    http_options = genai_types.HttpOptions(timeout=round(timeout * 1000), base_url=base_url or None)
    return genai.Client(api_key=api_key, http_options=http_options)


def _translate(exc: Exception) -> LLMError:
    if isinstance(exc, httpx2.TimeoutException):
        return LLMTimeout("the provider did not answer in time")
    if isinstance(exc, httpx2.HTTPError):
        return LLMUnavailable("could not connect to the provider")
    if isinstance(exc, genai_errors.APIError) and exc.code == 429:
        return LLMRateLimited("the provider is rate limiting us", retry_after=_retry_after(exc))
    if isinstance(exc, genai_errors.ServerError):
        return LLMUnavailable(f"the provider failed with HTTP {exc.code}")
    if isinstance(exc, genai_errors.ClientError):
        return LLMRequestRejected(f"the provider refused the request with HTTP {exc.code}")
    return LLMBadResponse(f"unreadable reply from the provider ({type(exc).__name__})")


def _retry_after(exc: genai_errors.APIError) -> float | None:
    return retry_after_seconds(getattr(getattr(exc, "response", None), "headers", None))
