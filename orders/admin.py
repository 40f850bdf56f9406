from django.contrib import admin

from orders.models import CatalogPrice


@admin.register(CatalogPrice)
class CatalogPriceAdmin(admin.ModelAdmin):
    # The vendor is encrypted: shown on the change page, never searched or filtered on.
    list_display = ("id", "household", "item", "price", "currency", "source", "observed_at")
    list_filter = ("source", "currency")
    list_select_related = ("household", "item")
    raw_id_fields = ("household", "item")
    readonly_fields = ("created_at",)
    date_hierarchy = "observed_at"
