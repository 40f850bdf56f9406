"""Reads of the audit log, always scoped to one household."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
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


@dataclass(frozen=True, slots=True)
class LogEntry:
    """An event as the log page and the CSV read it: its own columns and the actor's name fields, no model."""

    created_at: datetime
    action: str
    outcome: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    actor_id: int | None
    actor_first_name: str | None
    actor_last_name: str | None
    actor_username: str | None


# LogEntry's fields in order, as columns of the event and of its actor (joined in the same query).
_ENTRY_COLUMNS = (
    "created_at", "action", "outcome", "target_type", "target_id", "details",
    "actor_id", "actor__first_name", "actor__last_name", "actor__username",
)  # fmt: skip


def audit_entries_for_household(*, household: Any, filters: AuditFilters | None = None) -> QuerySet[Any]:
    """The events the filters select, newest first, as rows of LogEntry's fields: slice, then `log_entries`."""
    return audit_events_for_household(household=household, filters=filters).values_list(*_ENTRY_COLUMNS)


def log_entries(rows: Iterable[tuple[Any, ...]]) -> list[LogEntry]:
    return [LogEntry(*row) for row in rows]


def audit_action_areas(*, household: Any) -> list[str]:
    """The areas ("inventory", "receipt", "order") this household's log has events in, for the filter."""
    sql = _walk("action") + "SELECT value FROM walk WHERE value IS NOT NULL"  # noqa: S608 (constant names)
    return sorted({code.split(".", 1)[0] for (code,) in _fetch(sql, household)})


def audit_actors(*, household: Any) -> list[tuple[int, str, str, str]]:
    """(id, first name, last name, username) of the people who appear in this household's log (members, and
    former members still on record), by username."""
    users = get_user_model()._meta.db_table
    names = f"SELECT u.id, u.first_name, u.last_name, u.username FROM walk JOIN {users} u"  # noqa: S608 (constant)
    sql = _walk("actor_id") + names + " ON u.id = walk.value ORDER BY u.username"
    return _fetch(sql, household)


def _walk(column: str) -> str:
    """A "loose index scan" as the CTE `walk`: the distinct values of `column` among a household's events, found
    one probe of the (household, column) index at a time instead of by reading every event of a long log."""
    events = AuditEvent._meta.db_table
    return (
        f"WITH RECURSIVE walk(value) AS (SELECT MIN({column}) FROM {events} WHERE household_id = %s "  # noqa: S608 (constant names)
        f"UNION ALL SELECT (SELECT MIN(e.{column}) FROM {events} e WHERE e.household_id = %s "
        f"AND e.{column} > walk.value) FROM walk WHERE walk.value IS NOT NULL) "
    )


def _fetch(sql: str, household: Any) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [household.pk, household.pk])
        return cursor.fetchall()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
