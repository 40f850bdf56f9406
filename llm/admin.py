from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from llm.models import LLMCacheEntry, LLMCallLog
from llm.selectors import llm_cache_statistics


class ReadOnlyAdmin(admin.ModelAdmin):
    """Both tables are written only by llm.services; the admin looks and may delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LLMCacheEntry)
class LLMCacheEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "short_key",
        "provider",
        "model",
        "prompt_version",
        "hit_count",
        "response_time_ms",
        "created_at",
        "last_used_at",
    ]
    list_filter = ["provider", "model"]
    exclude = ["prompt", "response"]  # personal data, even redacted, stays out of the staff admin

    @admin.display(description="key")
    def short_key(self, obj: LLMCacheEntry) -> str:
        return obj.key[:12]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().changelist_view(
            request, {**(extra_context or {}), "cache_stats": llm_cache_statistics()}
        )


@admin.register(LLMCallLog)
class LLMCallLogAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "household",
        "provider",
        "model",
        "purpose",
        "outcome",
        "input_tokens",
        "output_tokens",
        "cost_estimate",
        "latency_ms",
    ]
    list_filter = ["provider", "outcome"]
    list_select_related = ["household"]
    exclude = ["prompt_sent"]  # the household's owner reads it on their own page
