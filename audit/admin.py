from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "household", "actor", "action", "outcome", "target_type", "target_id"]
    list_filter = ["outcome", "action"]
    list_select_related = ["household", "actor"]
    search_fields = ["action", "target_id"]
    date_hierarchy = "created_at"

    # The audit log is append-only, for staff as for everyone; the retention task alone deletes old events.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
