from celery import shared_task
from django.conf import settings

from audit.services import audit_prune


@shared_task(acks_late=True)
def audit_prune_task() -> int:
    """Daily (settings.CELERY_BEAT_SCHEDULE): delete events older than AUDIT_RETENTION_DAYS. Idempotent."""
    return audit_prune(older_than_days=settings.AUDIT_RETENTION_DAYS)
