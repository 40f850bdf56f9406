"""Reads for the LLM pages: a household's call log and the cache statistics shown in the admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from llm.models import LLMCacheEntry, LLMCallLog


def llm_calls_for_household(*, household: Any) -> QuerySet[LLMCallLog]:
    return (
        LLMCallLog.objects.filter(household=household).select_related("actor").order_by("-created_at", "-id")
    )


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
