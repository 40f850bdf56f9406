"""Reads of the audit log, always scoped to one household."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from grapefruit.models import Membership
from grapefruit.pagination import UncountedPage, page_number, uncounted_page


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
    events = AuditEvent.objects.filter(household=household)
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
    """An event as the log page and the CSV read it: its own columns, no model."""

    created_at: datetime
    action: str
    outcome: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    actor_id: int | None  # named through LogFacts.actors, read once for the whole log


# LogEntry's fields in order, as columns of the event (no join: the page's sort stays on one table).
_ENTRY_COLUMNS = ("created_at", "action", "outcome", "target_type", "target_id", "details", "actor_id")


def audit_entries_for_household(*, household: Any, filters: AuditFilters | None = None) -> QuerySet[Any]:
    """The events the filters select, newest first, as rows of LogEntry's fields: slice, then `log_entries`."""
    return audit_events_for_household(household=household, filters=filters).values_list(*_ENTRY_COLUMNS)


def log_entries(rows: Iterable[tuple[Any, ...]]) -> list[LogEntry]:
    return [LogEntry(*row) for row in rows]


def audit_log_page(
    *, household: Any, filters: AuditFilters | None, raw_number: str | None, size: int
) -> UncountedPage:
    """A page of the events the filters select, newest first, as LogEntry rows, in one query. The log is not
    counted (grapefruit.pagination): the filters and the CSV export serve whoever wants all of it.

    On PostgreSQL the query is written out: the ORM took as long to compile it and convert its rows as
    PostgreSQL took to run it and the details to be decrypted (0.88 ms against 0.48 ms a page). SQLite (the
    embedded default), and a page past the end, which pagination answers with the last page, go through the ORM,
    with the same result (audit/tests/test_selectors.py)."""
    filters = filters or AuditFilters()
    number = page_number(raw_number)
    if connection.vendor == "postgresql":
        found = _page_rows(household, filters, offset=(number - 1) * size, limit=size + 1)
        if found or number == 1:
            return UncountedPage(found[:size], number, has_older=len(found) > size)
    page = uncounted_page(audit_entries_for_household(household=household, filters=filters), number, size)
    return replace(page, object_list=log_entries(page.object_list))


_EVENT = {field.attname: field for field in AuditEvent._meta.concrete_fields}
_DETAILS = _EVENT["details"]


def _page_rows(household: Any, filters: AuditFilters, *, offset: int, limit: int) -> list[LogEntry]:
    """The events the filters select, as audit_events_for_household selects them, in the log's order."""
    where, params = [f"{_EVENT['household_id'].column} = %s"], [household.pk]
    if filters.action:  # action__startswith, as Django writes it for PostgreSQL
        where.append(f"{_EVENT['action'].column} LIKE %s")
        params.append(connection.ops.prep_for_like_query(filters.action) + "%")
    if filters.actor_id:
        where.append(f"{_EVENT['actor_id'].column} = %s")
        params.append(filters.actor_id)
    if filters.since:
        where.append(f"{_EVENT['created_at'].column} >= %s")
        params.append(_start_of(filters.since))
    if filters.until:
        where.append(f"{_EVENT['created_at'].column} < %s")
        params.append(_start_of(filters.until) + timedelta(days=1))
    columns = ", ".join(_EVENT[name].column for name in _ENTRY_COLUMNS)
    order = f"{_EVENT['created_at'].column} DESC, {AuditEvent._meta.pk.column} DESC"  # Meta.ordering
    # Table and column names come from the model, values are parameters.
    sql = (
        f"SELECT {columns} FROM {AuditEvent._meta.db_table} WHERE {' AND '.join(where)} "  # noqa: S608
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [
            LogEntry(*row[:5], _DETAILS.from_db_value(row[5], None, connection), row[6])
            for row in cursor.fetchall()
        ]


@dataclass(frozen=True, slots=True)
class Person:
    pk: int
    first_name: str
    last_name: str
    username: str


def people(ids: Iterable[int]) -> dict[int, Person]:
    """These users by id, whatever household they are in now (the actors of events already in a log)."""
    users = get_user_model().objects.filter(pk__in=list(ids)).order_by()
    return {row[0]: Person(*row) for row in users.values_list("pk", "first_name", "last_name", "username")}


@dataclass(frozen=True)
class LogFacts:
    """What the log page shows besides its events."""

    areas: list[str]  # the areas ("inventory", "receipt", "order") the household's log has events in
    actors: list[Person]  # who appears in the log (members, and former members still on record), by username
    members: dict[int, Person]  # the household's members now, by id

    @property
    def actors_by_id(self) -> dict[int, Person]:
        return {actor.pk: actor for actor in self.actors}


def audit_log_facts(*, household: Any) -> LogFacts:
    """The filter lists and the household's members, in one statement. The distinct actions and actors are found
    by a "loose index scan" on the (household, action) and (household, actor) indexes, one probe per distinct
    value, rather than by reading every event of a long log."""
    areas: set[str] = set()
    actors: list[Person] = []
    members: dict[int, Person] = {}
    with connection.cursor() as cursor:
        cursor.execute(_facts_sql(), [household.pk] * 5)
        for kind, action, *person in cursor.fetchall():
            if kind == "area":
                areas.add(action.split(".", 1)[0])
            elif kind == "actor":
                actors.append(Person(*person))
            else:
                members[person[0]] = Person(*person)
    return LogFacts(
        sorted(areas),
        sorted(actors, key=lambda person: (person.username.casefold(), person.username)),
        members,
    )


def _facts_sql() -> str:
    events = AuditEvent._meta.db_table
    users = get_user_model()._meta.db_table
    memberships = Membership._meta.db_table
    person = "u.id, u.first_name, u.last_name, u.username"
    walks = f"{_walk('actions', 'action', events)}, {_walk('actors', 'actor_id', events)}"
    # Table and column names are constants here, never input.
    return (
        f"WITH RECURSIVE {walks} SELECT 'area', value, NULL, NULL, NULL, NULL "  # noqa: S608
        "FROM actions WHERE value IS NOT NULL "
        f"UNION ALL SELECT 'actor', NULL, {person} FROM actors JOIN {users} u ON u.id = actors.value "
        f"UNION ALL SELECT 'member', NULL, {person} FROM {memberships} m JOIN {users} u ON u.id = m.user_id "
        "WHERE m.household_id = %s"
    )


def _walk(name: str, column: str, events: str) -> str:
    """A recursive CTE `name(value)` of the distinct values of `column` among a household's events, smallest first,
    ending with a NULL: each step asks the index for the next value above the last one."""
    return (
        f"{name}(value) AS (SELECT MIN({column}) FROM {events} WHERE household_id = %s "  # noqa: S608
        f"UNION ALL SELECT (SELECT MIN(e.{column}) FROM {events} e WHERE e.household_id = %s "
        f"AND e.{column} > {name}.value) FROM {name} WHERE {name}.value IS NOT NULL)"
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
