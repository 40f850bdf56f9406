from django.contrib import admin

from receipts.models import Receipt, ReceiptLine, StoreAlias


class ReceiptLineInline(admin.TabularInline):
    model = ReceiptLine
    extra = 0
    fields = ["position", "printed_name", "quantity", "unit", "total_price", "action", "item", "confidence"]
    readonly_fields = fields
    can_delete = False


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    # Encrypted columns cannot be searched or sorted by the database; filters use the plain ones.
    list_display = ["id", "household", "status", "kind", "ocr_engine", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["household"]
    readonly_fields = [
        "household", "uploaded_by", "kind", "file", "content_index", "ocr_engine", "ocr_seconds",
        "ocr_confidence", "ocr_attempts", "store_index", "purchase_fingerprint", "duplicate_of", "applied_at",
        "applied_by",
    ]  # fmt: skip
    inlines = [ReceiptLineInline]


@admin.register(StoreAlias)
class StoreAliasAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "household",
        "store_name",
        "alias_text",
        "action",
        "item",
        "times_confirmed",
        "updated_at",
    ]
    list_select_related = ["household", "item"]
    readonly_fields = ["store_index", "alias_index"]
