"""Staff views of the orders app. The catalogue is edited here; orders are read-only, since a status change must
go through the services (and the database refuses any other)."""

from django.contrib import admin
from django.http import HttpRequest

from orders.models import BrandRule, CatalogPrice, Order, OrderLine, Preferences


@admin.register(CatalogPrice)
class CatalogPriceAdmin(admin.ModelAdmin):
    # The vendor is encrypted: shown on the change page, never searched or filtered on.
    list_display = ("id", "household", "item", "price", "currency", "source", "observed_at")
    list_filter = ("source", "currency")
    list_select_related = ("household", "item")
    raw_id_fields = ("household", "item")
    readonly_fields = ("created_at",)
    date_hierarchy = "observed_at"

    def get_readonly_fields(self, request: HttpRequest, obj: CatalogPrice | None = None) -> tuple[str, ...]:
        # Entries are appended, never edited (the cart's stored price choices count on it): a new price is a new
        # entry; a wrong one is deleted.
        if obj is not None:
            return tuple(field.name for field in CatalogPrice._meta.concrete_fields if not field.primary_key)
        return self.readonly_fields


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = (
        "household",
        "auto_reorder",
        "cover_days",
        "approval_required",
        "monthly_budget",
        "currency",
    )
    list_filter = ("auto_reorder", "approval_required")
    list_select_related = ("household",)
    raw_id_fields = ("household",)


@admin.register(BrandRule)
class BrandRuleAdmin(admin.ModelAdmin):
    list_display = ("id", "household", "item", "category", "rank")
    list_filter = ("rank",)
    list_select_related = ("household", "item")
    raw_id_fields = ("household", "item")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ("item", "quantity", "unit", "brand", "store", "expected_price", "is_open")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "household",
        "status",
        "origin",
        "vendor",
        "expected_total",
        "currency",
        "created_at",
    )
    list_filter = ("status", "origin", "vendor")
    list_select_related = ("household",)
    inlines = [OrderLineInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False
