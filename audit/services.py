"""The single way to write to the audit log."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from audit.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    household: Any,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` (dotted, e.g. "stock.consume") to `target` within `household`.

    Call it inside the service's transaction so the record and the change commit or roll back together.
    `actor` may be None for system actions (scheduled tasks, workers).
    """
    return AuditEvent.objects.create(
        household=household,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details or {},
    )


@dataclass(frozen=True)
class AuditEntry:
    """One event for `audit_record_many`; the fields mean what `audit_record`'s arguments mean (the household by
    its id, which is what a bulk job has at hand)."""

    household_id: int | None
    action: str
    target: models.Model | None = None
    details: dict[str, Any] = field(default_factory=dict)
    actor: Any = None


def audit_record_many(entries: Iterable[AuditEntry]) -> int:
    """Record many events in a few INSERTs (a scheduled job's decisions about thousands of items), with the same
    rules as `audit_record`; call it inside the job's transaction. Returns how many were recorded."""
    events = [
        AuditEvent(
            household_id=entry.household_id,
            actor=entry.actor if getattr(entry.actor, "is_authenticated", False) else None,
            action=entry.action,
            target_type=entry.target._meta.label if entry.target is not None else "",
            target_id=str(entry.target.pk) if entry.target is not None else "",
            details=entry.details,
        )
        for entry in entries
    ]
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    return len(events)
