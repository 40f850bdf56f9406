"""The audit log: one row per action, written inside the same transaction as the action itself.

Audit imports no other app: the actor and household are plain foreign keys to the core models, and the target is
recorded by its model label and primary key so any app can write here. Details must never hold personal data
(item names, receipt text): ids, counts and states only.
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    household = models.ForeignKey(
        "grapefruit.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["household", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"
