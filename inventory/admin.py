from django.contrib import admin

from inventory.models import ForecastRecord, Item, StockEvent


class StockEventInline(admin.TabularInline):
    model = StockEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "delta", "quantity_after", "actor", "source_type", "source_id", "undone_at")
    readonly_fields = fields
    ordering = ("-at",)

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # The journal is written by services only, so every change carries its audit record.
        return False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("id", "household", "category", "quantity", "unit", "predicted_runout")
    list_filter = ("category", "unit")
    list_select_related = ("household",)
    readonly_fields = ("rate_per_day", "predicted_runout", "forecast_reason", "created_at", "updated_at")
    raw_id_fields = ("household",)
    inlines = [StockEventInline]


@admin.register(ForecastRecord)
class ForecastRecordAdmin(admin.ModelAdmin):
    list_display = ("item", "made_at", "predicted_runout", "actual_runout", "error_days", "method")
    list_filter = ("method",)
    raw_id_fields = ("item",)
    readonly_fields = ("made_at", "predicted_runout", "rate_per_day", "method", "actual_runout", "error_days")
