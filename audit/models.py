"""The audit log: one row per action, written inside the same transaction as the action itself.

Audit imports no other app: the actor and household are plain foreign keys to the core models, and the target is
recorded by its model label and primary key so any app can write here. Details hold ids, counts, codes and states,
never names or other personal text, and are encrypted at rest all the same: an id next to an action code still
says something about a household.
"""

from django.conf import settings
from django.db import models

from grapefruit.encryption import EncryptedJSONField


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", "Done"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"

    household = models.ForeignKey(
        "grapefruit.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OK)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    details = EncryptedJSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["household", "-created_at"]),
            # The audit page's filter lists walk these one distinct value at a time (audit.selectors).
            models.Index(fields=["household", "action"], name="audit_household_action_idx"),
            models.Index(fields=["household", "actor"], name="audit_household_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id} ({self.outcome})"
