from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from grapefruit.models import Household, Invitation, Membership, User

# Every admin change is audited from the LogEntry row the admin writes for it (grapefruit/auth_audit.py); the
# bulk "delete selected" action writes those rows without the save signal, so deletions go one object at a time.
admin.site.disable_action("delete_selected")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(User)
class GrapefruitUserAdmin(UserAdmin):
    list_display = ["username", "email", "is_staff", "is_active", "last_login"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "low_stock_days", "llm_opt_out", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["household", "created_by", "created_at", "expires_at", "used_at"]
    readonly_fields = ["token_hash", "used_by", "used_at"]
    list_select_related = ["household", "created_by"]
