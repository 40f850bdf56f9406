"""The single way to write to the audit log."""

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
