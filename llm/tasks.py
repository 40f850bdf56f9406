from celery import shared_task

from llm.cache import cache_cleanup


@shared_task(acks_late=True)
def llm_cache_cleanup() -> int:
    """Daily (settings.CELERY_BEAT_SCHEDULE): delete expired cache entries. Idempotent: a second run deletes 0."""
    return cache_cleanup()
