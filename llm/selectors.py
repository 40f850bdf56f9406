"""Reads for the LLM pages: a household's call log and the cache statistics shown in the admin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from llm.models import LLMCacheEntry, LLMCallLog


def llm_calls_for_household(*, household: Any) -> QuerySet[LLMCallLog]:
    return (
        LLMCallLog.objects.filter(household=household).select_related("actor").order_by("-created_at", "-id")
    )


@dataclass(frozen=True, slots=True)
class SentCall:
    """A call as the "what left the server" page lists it: its columns and the actor's username, no model."""

    created_at: datetime
    actor_username: str | None
    purpose: str
    outcome: str
    attempts: int
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cost_estimate: Decimal
    latency_ms: int
    redactions: dict[str, int]
    prompt_sent: str


# SentCall's fields in order, as columns of the call and of its actor (joined in the same query).
_SENT_CALL_COLUMNS = (
    "created_at", "actor__username", "purpose", "outcome", "attempts", "provider", "model",
    "input_tokens", "output_tokens", "cost_estimate", "latency_ms", "redactions", "prompt_sent",
)  # fmt: skip


def sent_calls_for_household(*, household: Any) -> QuerySet[Any]:
    """The household's calls, newest first, as rows of SentCall's fields: slice, then `sent_calls`."""
    return llm_calls_for_household(household=household).values_list(*_SENT_CALL_COLUMNS)


def sent_calls(rows: Iterable[tuple[Any, ...]]) -> list[SentCall]:
    return [SentCall(*row) for row in rows]


@dataclass(frozen=True)
class CacheStats:
    model: str
    entries: int
    hits: int
    time_saved_ms: int

    @property
    def hit_rate(self) -> float:
        """Hits over all lookups that found or filled an entry; each entry stands for the one miss that made it."""
        lookups = self.hits + self.entries
        return self.hits / lookups if lookups else 0.0


def llm_cache_statistics() -> list[CacheStats]:
    """One row per model plus a last row for all models together."""
    rows = (
        LLMCacheEntry.objects.values("model")
        .annotate(
            entries=Count("id"), hits=Sum("hit_count"), saved=Sum(F("hit_count") * F("response_time_ms"))
        )
        .order_by("model")
    )
    stats = [CacheStats(r["model"], r["entries"], r["hits"] or 0, r["saved"] or 0) for r in rows]
    if stats:
        stats.append(
            CacheStats(
                "All models",
                sum(s.entries for s in stats),
                sum(s.hits for s in stats),
                sum(s.time_saved_ms for s in stats),
            )
        )
    return stats
