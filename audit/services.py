"""The single way to write to the audit log, for what was done and for what was refused.

Success is recorded by the service inside its own transaction (`audit_record`), so the record and the change
commit or roll back together. A refusal rolls the service's transaction back, its audit record included, so
`records_refusals` writes the refusal after that rollback, outside the service's transaction: one event either
way. Nested services need nothing special: when an outer service fails because an inner one refused, the inner
refusal is written inside the outer transaction and rolls back with it, leaving only the outer one's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from audit.models import AuditEvent
from grapefruit.bulk import insert_rows

_BULK_FIELDS = (
    "household_id", "actor_id", "action", "outcome", "target_type", "target_id", "details", "created_at"
)  # fmt: skip

P = ParamSpec("P")
R = TypeVar("R")
# Exceptions that mean "a rule said no" rather than "something broke"; apps add their own domain errors.
REFUSALS: tuple[type[BaseException], ...] = (ValidationError, PermissionDenied)


def audit_record(
    *,
    actor: Any,
    household: Any,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    outcome: str = AuditEvent.Outcome.OK,
) -> AuditEvent:
    """Record that `actor` did `action` (dotted, e.g. "inventory.stock_consume") to `target` within `household`.

    Call it inside the service's transaction. `actor` may be None for system actions (scheduled tasks,
    workers, management commands). `details`: ids, counts, codes and states only, never names or free text.
    """
    return AuditEvent.objects.create(
        household=household,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        outcome=outcome,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        details=details or {},
    )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One event for `audit_record_many`; the fields mean what `audit_record`'s arguments mean, with the household
    by its id and the target as audit_record stores it (model label, primary key as text): what a bulk job has at
    hand without loading rows."""

    household_id: int | None
    action: str
    target_type: str = ""
    target_id: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    actor: Any = None


def audit_record_many(entries: Iterable[AuditEntry]) -> int:
    """Record many events in one COPY (a scheduled job's decisions about thousands of items), with the same
    rules as `audit_record`; call it inside the job's transaction. Returns how many were recorded."""
    now = timezone.now()
    rows = (
        (
            entry.household_id,
            entry.actor.pk if getattr(entry.actor, "is_authenticated", False) else None,
            entry.action,
            AuditEvent.Outcome.OK,
            entry.target_type,
            entry.target_id,
            entry.details,
            now,
        )
        for entry in entries
    )
    return insert_rows(AuditEvent, _BULK_FIELDS, rows)


def refusal_details(error: BaseException) -> dict[str, Any]:
    """What may be kept of a refusal: its kind and, for invalid input, the fields concerned (never the message,
    which can quote an item name)."""
    if isinstance(error, PermissionDenied):
        return {"reason": "permission"}
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return {"reason": "invalid", "fields": sorted(error.error_dict)}
    if isinstance(error, ValidationError):
        return {"reason": "invalid"}
    return {"reason": "refused"}


def records_refusals(
    action: str,
    *,
    target: str | None = None,
    errors: Iterable[type[BaseException]] = (),
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service (outside its @transaction.atomic) so a refusal leaves one `refused` event.

    The service's keyword arguments give the event: `actor`, the `household` (or the target's household) and
    the target (the keyword argument named by `target`). `errors` adds domain exceptions to REFUSALS.
    """
    caught = (*REFUSALS, *errors)

    def decorator(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return service(*args, **kwargs)
            except caught as error:
                subject = kwargs.get(target) if target else None
                audit_record(
                    actor=kwargs.get("actor"),
                    household=kwargs.get("household") or getattr(subject, "household", None),
                    action=action,
                    target=subject if isinstance(subject, models.Model) else None,
                    details=refusal_details(error),
                    outcome=AuditEvent.Outcome.REFUSED,
                )
                raise

        return wrapper

    return decorator


def audit_prune(*, older_than_days: int) -> int:
    """Delete events older than the retention period; safe to run twice or concurrently. Returns the count."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
