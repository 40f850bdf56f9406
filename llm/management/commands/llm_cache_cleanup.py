from typing import Any

from django.core.management.base import BaseCommand

from llm.cache import cache_cleanup


class Command(BaseCommand):
    help = "Delete LLM cache entries older than LLM_CACHE_TTL_DAYS (the daily beat task does the same)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = cache_cleanup()
        self.stdout.write(f"Deleted {deleted} expired LLM cache entr{'y' if deleted == 1 else 'ies'}.")
