"""Receipts: an uploaded document on its way to inventory, its lines, and the per-store alias memory.

What a receipt says about a household (shop, address, what was bought, prices) is encrypted; the columns the
database must compare (duplicate guard, alias lookups) hold keyed hashes (blind indexes) instead.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from grapefruit.encryption import (
    BlindIndexField,
    EncryptedDecimalField,
    EncryptedJSONField,
    EncryptedTextField,
)
from inventory.units import UNIT_CHOICES
from receipts import matching

# Blind index purposes; a receipt's store and an alias's store must share one to be compared.
STORE_PURPOSE = "receipts.store"
ALIAS_PURPOSE = "receipts.alias"
CONTENT_PURPOSE = "receipts.content"
PURCHASE_PURPOSE = "receipts.purchase"


def receipt_upload_to(instance: Receipt, filename: str) -> str:
    # The member's file name is kept (encrypted) on the row; the path on disk tells nothing about the contents.
    return f"receipts/{instance.household_id}/{instance.upload_token}"


class Receipt(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        OCR = "ocr", "Reading the text"
        PARSING = "parsing", "Understanding the lines"
        NEEDS_REVIEW = "needs_review", "Needs review"
        APPLIED = "applied", "Added to inventory"
        FAILED = "failed", "Failed"
        NOT_A_RECEIPT = "not_receipt", "Not a receipt"

    class Kind(models.TextChoices):
        IMAGE = "image", "Photo or scan"
        PDF = "pdf", "PDF"
        TEXT = "text", "Text"

    # States a worker is still moving the receipt through: the status page keeps polling while in one.
    IN_PROGRESS = frozenset({Status.QUEUED, Status.OCR, Status.PARSING})

    household = models.ForeignKey("grapefruit.Household", on_delete=models.CASCADE, related_name="receipts")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=receipt_upload_to, max_length=200)
    upload_token = models.CharField(max_length=64, editable=False)
    original_filename = EncryptedTextField(blank=True)
    # SHA-256 of the uploaded bytes, encrypted, and its keyed hash: the same photo uploaded twice is caught
    # without a plain hash that could confirm a known image. Key rotation recomputes every BlindIndexField.
    content_digest = EncryptedTextField(blank=True)
    content_index = BlindIndexField(source="content_digest", purpose=CONTENT_PURPOSE, db_index=True)
    failure_reason = models.TextField(blank=True)
    ocr_attempts = models.PositiveSmallIntegerField(default=0)

    ocr_text = EncryptedTextField(blank=True)
    ocr_engine = models.CharField(max_length=100, blank=True)
    ocr_seconds = models.FloatField(null=True, blank=True)
    ocr_confidence = models.FloatField(null=True, blank=True)

    parsed = EncryptedJSONField(null=True, blank=True)
    merchant = EncryptedTextField(blank=True)
    # The store the alias memory is scoped to.
    store_index = BlindIndexField(source="merchant", purpose=STORE_PURPOSE, db_index=True)
    merchant_address = EncryptedTextField(blank=True)
    purchase_date = models.DateField(null=True, blank=True)
    printed_total = EncryptedDecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # Store, date, total and lines as text (None when too little was read), and its keyed hash: the same
    # purchase uploaded twice has the same fingerprint.
    purchase_key = EncryptedTextField(null=True, blank=True)
    purchase_fingerprint = BlindIndexField(source="purchase_key", purpose=PURCHASE_PURPOSE, db_index=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["household", "-created_at"])]

    def __str__(self) -> str:
        return f"Receipt #{self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS


class ReceiptLine(models.Model):
    # The same values as receipts.matching's enums, which suggest them.
    class Action(models.TextChoices):
        ADD_EXISTING = matching.Action.ADD_EXISTING.value, "Add to item"
        CREATE_NEW = matching.Action.CREATE_NEW.value, "New item"
        IGNORE = matching.Action.IGNORE.value, "Ignore"

    class Source(models.TextChoices):
        ALIAS = matching.MatchSource.ALIAS.value, "Remembered for this store"
        FUZZY = matching.MatchSource.FUZZY.value, "Similar name"
        RULE = matching.MatchSource.RULE.value, "Not a product"
        NONE = matching.MatchSource.NONE.value, "No match"
        MANUAL = matching.MatchSource.MANUAL.value, "Chosen by a member"

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    printed_name = EncryptedTextField()  # as the receipt printed it; the alias memory learns from this text
    name = EncryptedTextField()  # as the member wants it (editable)
    # The quantity and unit as the receipt printed them; the store memory learns a member's corrections from them.
    printed_quantity = models.DecimalField(max_digits=12, decimal_places=3, default=1)
    printed_unit = models.CharField(max_length=20, default="pcs")
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=1)
    unit = models.CharField(max_length=20, default="pcs")
    unit_price = EncryptedDecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    total_price = EncryptedDecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    discount = EncryptedDecimalField(max_digits=12, decimal_places=2, default=0)
    is_return = models.BooleanField(default=False)
    flags = models.JSONField(default=list, blank=True)  # reconciliation codes, e.g. ["qty_price_mismatch"]

    action = models.CharField(max_length=20, choices=Action.choices, default=Action.CREATE_NEW)
    item = models.ForeignKey(
        "inventory.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_item_name = EncryptedTextField(blank=True)
    confidence = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    match_source = models.CharField(max_length=10, choices=Source.choices, default=Source.NONE)

    class Meta:
        ordering = ["receipt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "position"], name="receipt_line_position_unique"),
        ]

    def __str__(self) -> str:
        return f"Line {self.position} of receipt #{self.receipt_id}"


class StoreAlias(models.Model):
    """What a household's member chose for a printed line at one store: "EXC FUS 85SELPP" = Fusilli pasta."""

    Action = ReceiptLine.Action

    household = models.ForeignKey("grapefruit.Household", on_delete=models.CASCADE, related_name="+")
    store_name = EncryptedTextField()
    store_index = BlindIndexField(source="store_name", purpose=STORE_PURPOSE)
    alias_text = EncryptedTextField()  # the printed name folded by receipts.matching.alias_key
    alias_index = BlindIndexField(source="alias_text", purpose=ALIAS_PURPOSE)
    action = models.CharField(max_length=20, choices=Action.choices)
    item = models.ForeignKey(
        "inventory.Item", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    times_confirmed = models.PositiveIntegerField(default=1)
    # A member's correction of the line's amount: `size` of `unit` for each printed one ("EGGS 18CT", 1 pcs ->
    # 18 pcs; "MINCE", 1.1 lb -> 0.499 kg). Null when the printed quantity and unit were kept.
    size = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=8, choices=UNIT_CHOICES, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "store_index", "alias_index"], name="store_alias_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(size__isnull=True) | (models.Q(size__gt=0) & ~models.Q(unit="")),
                name="store_alias_size_has_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(action="add_existing") | models.Q(item__isnull=False),
                name="store_alias_add_needs_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alias_text} at {self.store_name}"
