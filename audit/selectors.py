"""Reads of the audit log, always scoped to one household."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""  # a code ("stock.consume") or an area ("inventory")
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None


def audit_events_for_household(
    *, household: Any, filters: AuditFilters | None = None
) -> QuerySet[AuditEvent]:
    filters = filters or AuditFilters()
    events = AuditEvent.objects.filter(household=household).select_related("actor")
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    if filters.since:
        events = events.filter(created_at__gte=_start_of(filters.since))
    if filters.until:
        events = events.filter(created_at__lt=_start_of(filters.until) + timedelta(days=1))
    return events


def audit_action_areas(*, household: Any) -> list[str]:
    """The areas ("inventory", "receipt", "order") this household's log has events in, for the filter."""
    codes = (
        AuditEvent.objects.filter(household=household).order_by().values_list("action", flat=True).distinct()
    )
    return sorted({code.split(".", 1)[0] for code in codes})


def audit_actors(*, household: Any) -> QuerySet[Any]:
    """The people who appear in this household's log (members, and former members still on record)."""
    actor_ids = (
        AuditEvent.objects.filter(household=household, actor__isnull=False).order_by().values("actor_id")
    )
    return get_user_model().objects.filter(pk__in=actor_ids).order_by("username")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
