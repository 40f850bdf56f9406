"""Pantry items, the journal of every stock change, and the ledger of run-out predictions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from grapefruit.encryption import BlindIndexField, EncryptedTextField
from grapefruit.models import Household
from inventory.categories import Category
from inventory.units import UNIT_CHOICES, UNITS, Unit

NAME_MAX_LENGTH = 200
# Larger than any pantry holds in any unit (a tonne in grams); bigger numbers are typing mistakes.
MAX_QUANTITY = Decimal("1000000")
ITEM_NAME_PURPOSE = "inventory.item.name"
# Blind index purpose of store names on price rows: whoever compares stores with them uses the same one.
STORE_PURPOSE = "inventory.price.store"

_quantity_validators = [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_QUANTITY)]


class Item(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="items")
    name = EncryptedTextField(validators=[MaxLengthValidator(NAME_MAX_LENGTH)], remember_plaintext=True)
    name_index = BlindIndexField(source="name", purpose=ITEM_NAME_PURPOSE)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    unit = models.CharField(max_length=8, choices=UNIT_CHOICES, default="pcs")
    quantity = models.DecimalField(
        max_digits=10, decimal_places=3, default=0, validators=_quantity_validators
    )
    location = models.CharField(max_length=60, blank=True)
    best_before = models.DateField(null=True, blank=True)
    minimum = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=_quantity_validators,
        help_text="The item counts as low below this amount, whatever the prediction says.",
    )
    # The amount the quick "use" button takes: the last amount a member used.
    usual_use = models.DecimalField(max_digits=10, decimal_places=3, default=1)
    # The latest forecast, kept on the row so the dashboard can filter and sort by it in SQL.
    rate_per_day = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True, editable=False)
    predicted_runout = models.DateField(null=True, blank=True, editable=False)
    forecast_reason = models.CharField(max_length=300, blank=True, editable=False)
    # How far the item's predictions were off, kept as they are settled (ForecastRecord holds each one): the pages
    # and the reorder job read them with the item instead of averaging its ledger.
    settled_forecasts = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # The sum of their absolute errors, in days.
    settled_error_days = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # Archived items leave the lists and the low-stock warnings but keep their journal; buying one restores it.
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "name_index"], name="inventory_item_unique_name"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="inventory_item_quantity_gte_0"),
            models.CheckConstraint(
                condition=models.Q(minimum__isnull=True) | models.Q(minimum__gte=0),
                name="inventory_item_minimum_gte_0",
            ),
        ]
        indexes = [models.Index(fields=["household", "predicted_runout"], name="inventory_item_runout_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_info(self) -> Unit:
        return UNITS[self.unit]


class StockEvent(models.Model):
    """One change to an item's stock. Never edited; an undo marks the entry and reverses its delta."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", "Bought"
        CONSUME = "consume", "Used"
        ADJUST = "adjust", "Corrected"
        SPOIL = "spoil", "Spoiled"
        RECEIPT = "receipt", "From a receipt"
        DELIVERY = "delivery", "Delivered"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    delta = models.DecimalField(max_digits=10, decimal_places=3)
    quantity_after = models.DecimalField(max_digits=10, decimal_places=3)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # A generic pointer to what caused the change ("receipts.receipt", "17"): inventory knows no other app.
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    # A purchase recorded without its receipt (a ticked-off shopping list): the receipt that comes later for the
    # same trip settles it instead of adding the same goods a second time.
    awaiting_receipt = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(delta=0), name="inventory_event_delta_not_0"),
            models.CheckConstraint(
                condition=models.Q(quantity_after__gte=0), name="inventory_event_after_gte_0"
            ),
            # One delivery adds stock once, however often it is reported.
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=models.Q(kind="delivery"),
                name="inventory_event_one_delivery_per_source",
            ),
        ]
        indexes = [models.Index(fields=["item", "at"], name="inventory_event_item_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delta} ({self.at:%Y-%m-%d})"


class ForecastRecord(models.Model):
    """A prediction as it was made, and, once the item runs out, how far off it was."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="forecasts")
    made_at = models.DateTimeField(default=timezone.now)
    predicted_runout = models.DateField()
    rate_per_day = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    method = models.CharField(max_length=20)
    actual_runout = models.DateField(null=True, blank=True)
    # predicted minus actual: positive means the item ran out earlier than we said.
    error_days = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["item", "actual_runout"], name="inventory_forecast_open_idx")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.predicted_runout} (made {self.made_at:%Y-%m-%d})"


class PricePaid(models.Model):
    """What the household paid for an item: one row per receipt line, per unit of the item's own unit.

    Written by whoever knows a price was paid (receipts today), read by the cart and the reorder job. Inventory
    knows neither: the source is a generic pointer, like a stock event's. The store names where the household
    shops and is encrypted; its blind index lets the database group prices by store.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="prices_paid")
    store = EncryptedTextField(blank=True, remember_plaintext=True)
    store_index = BlindIndexField(source="store", purpose=STORE_PURPOSE)
    paid_on = models.DateField()
    # In the item's unit: 2 packs of 1 l are quantity 2, pack_size 1, for an item kept in litres.
    quantity = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    pack_size = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit = models.CharField(max_length=8, choices=UNIT_CHOICES)
    unit_price = models.DecimalField(
        max_digits=16, decimal_places=6, validators=[MinValueValidator(Decimal(0))]
    )
    total_price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(
        max_length=3, validators=[RegexValidator(r"^[A-Z]{3}$", "Use a code such as USD.")]
    )
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    # The latest price of this item at this store (by date, then by id). Kept by price_paid_record so the cart
    # and the reorder job read one row per item and store, however long the history grows.
    is_latest = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="inventory_price_unit_price_gte_0"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="inventory_price_quantity_gt_0"),
            models.CheckConstraint(
                condition=models.Q(pack_size__gt=0), name="inventory_price_pack_size_gt_0"
            ),
            models.UniqueConstraint(
                fields=["item", "store_index"],
                condition=models.Q(is_latest=True),
                name="inventory_price_one_latest_per_store",
            ),
        ]
        indexes = [
            models.Index(fields=["item", "store_index", "paid_on"], name="inventory_price_item_store_idx"),
            models.Index(fields=["household", "paid_on"], name="inventory_price_household_idx"),
            # The item's newest price in one probe: the cart checks its stored price choices against it.
            models.Index(fields=["item", "id"], name="inventory_price_item_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_price} {self.currency}/{self.unit} ({self.paid_on})"
