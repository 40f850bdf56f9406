"""The response cache: a validated answer is reused for the identical request instead of paying for it again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from grapefruit.encryption import keyed_digest
from llm.models import LLMCacheEntry
from llm.types import LLMRequest, LLMResponse

CACHE_KEY_PURPOSE = "llm.cache"


def cache_key(request: LLMRequest, *, model: str) -> str:
    """HMAC-SHA256, under a server key, of everything that shapes the answer: both prompts, model, temperature
    and prompt version. Keyed, so whoever holds a copy of the database cannot hash a guessed item name and find
    out whether the household asked about it."""
    material = [request.system, request.user, model, repr(float(request.temperature)), request.prompt_version]
    return keyed_digest(json.dumps(material, ensure_ascii=False).encode(), purpose=CACHE_KEY_PURPOSE)


def expiry_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.LLM_CACHE_TTL_DAYS)


def cache_lookup(key: str) -> LLMCacheEntry | None:
    """Return the fresh entry for `key` and count the hit, or None. Expired entries are never served."""
    if not settings.LLM_CACHE_ENABLED:
        return None
    entry = LLMCacheEntry.objects.filter(key=key, created_at__gt=expiry_cutoff()).first()
    if entry is not None:
        now = timezone.now()
        LLMCacheEntry.objects.filter(pk=entry.pk).update(hit_count=F("hit_count") + 1, last_used_at=now)
        entry.hit_count += 1
        entry.last_used_at = now
    return entry


def cache_store(key: str, *, prompt: str, request: LLMRequest, response: LLMResponse) -> None:
    """Remember a validated answer; an expired entry under the same key is replaced."""
    if not settings.LLM_CACHE_ENABLED:
        return
    values = {
        "provider": response.provider,
        "model": response.model,
        "prompt_version": request.prompt_version,
        "temperature": request.temperature,
        "prompt": prompt,
        "response": response.text,
        "input_tokens": response.input_tokens,
        "output_tokens": response.output_tokens,
        "response_time_ms": response.latency_ms,
        "hit_count": 0,
        "created_at": timezone.now(),
        "last_used_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            LLMCacheEntry.objects.update_or_create(key=key, defaults=values)
    except IntegrityError:
        pass  # a concurrent request stored the same answer first; theirs is as good as ours


def cache_cleanup() -> int:
    """Delete expired entries; safe to run twice or concurrently. Returns how many were deleted."""
    deleted, _ = LLMCacheEntry.objects.filter(created_at__lte=expiry_cutoff()).delete()
    return deleted
