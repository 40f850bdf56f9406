"""Retries with exponential backoff for transient provider failures (429, 5xx, timeouts, refused connections)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from llm.errors import LLMError, LLMRateLimited

T = TypeVar("T")


def call_with_retries(
    call: Callable[[], T],
    *,
    max_retries: int,
    base_delay: float = 0.5,
    max_delay: float = 8.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `call`; on a retryable LLMError wait and try again, at most `max_retries` more times.

    The wait doubles from `base_delay` with jitter (so many households do not retry in step) and honours a 429's
    Retry-After when the provider sends one, capped at `max_delay` so a request never hangs a page for long.
    """
    attempt = 0
    while True:
        try:
            return call()
        except LLMError as error:
            if not error.retryable or attempt >= max_retries:
                raise
            delay = min(max_delay, base_delay * 2**attempt) * random.uniform(0.5, 1.0)
            if isinstance(error, LLMRateLimited) and error.retry_after is not None:
                delay = min(max_delay, max(delay, error.retry_after))
            sleep(delay)
            attempt += 1


def retry_after_seconds(headers: Any) -> float | None:
    """A 429's Retry-After in seconds; None when absent or given as a date (the backoff then decides)."""
    value = headers.get("retry-after") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
