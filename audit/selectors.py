from django.db.models import QuerySet

from audit.models import AuditEvent


def audit_events_for_household(*, household: object, action_prefix: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(household=household).select_related("actor")
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    return events
