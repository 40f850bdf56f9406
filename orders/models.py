"""The shopping loop: the household's preferences, its cart, its orders, and the admin-editable price catalogue.

Prices actually paid live in inventory (`inventory.PricePaid`, written when a receipt is applied); this app reads
them through inventory's selectors. What names where or what the household buys from whom (stores, vendors,
brands, tracking numbers, vendor order ids) is encrypted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from grapefruit.encryption import BlindIndexField, EncryptedJSONField, EncryptedTextField
from grapefruit.models import Household
from inventory.categories import Category
from inventory.models import MAX_QUANTITY, Item, PricePaid

# Larger than any grocery line; bigger numbers are typing or reading mistakes.
MAX_PRICE = Decimal("100000")
BRAND_PURPOSE = "orders.brand"
_currency_validator = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter code such as USD.")


class CatalogPrice(models.Model):
    """A price from the catalogue: typed in by staff or a member, or estimated by an LLM (always labelled).

    Prices the household actually paid come first (inventory.PricePaid); the catalogue fills the gaps. Rows are
    appended, never edited: the latest one wins."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        ESTIMATE = "estimate", "Estimate"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="catalog_prices")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="catalog_prices")
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PRICE)],
        help_text="Per unit of the item's own unit.",
    )
    currency = models.CharField(max_length=3, validators=[_currency_validator])
    # Where the household shops is personal: encrypted like item names.
    vendor = EncryptedTextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    observed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="orders_catalogprice_price_gte_0"),
            models.CheckConstraint(
                condition=models.Q(source__in=["manual", "estimate"]), name="orders_catalogprice_source_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["item", "source", "observed_at"], name="orders_price_item_latest_idx"),
            # The item's newest entry in one probe: the cart checks its stored price choices against it.
            models.Index(fields=["item", "id"], name="orders_price_item_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.price} {self.currency} ({self.get_source_display()}, {self.observed_at:%Y-%m-%d})"

    @property
    def is_estimate(self) -> bool:
        return self.source == self.Source.ESTIMATE


class PriceChoice(models.Model):
    """The price the cart shows for an item (orders.pricing.choose_price over what the household paid and the
    catalogue), kept so the cart page reads one row per item instead of choosing among all its prices on each load.

    A cache, never the truth. The cart uses a row only while it still holds, which it checks on every read: made
    for a day no later than today and valid through today (prices leave the 90-day window as days pass), from the
    item's newest price paid (prices paid are only appended), its catalogue entries (appended, never edited;
    staff may delete one) and the preferences as last saved. A missing or stale row is chosen afresh and stored
    again by the cart page (orders.services.price_choices_remember), so the code that records prices need not
    know this table exists, and a row written late from older prices is simply found stale. PostgreSQL only: on
    SQLite the cart chooses on every load (orders.selectors.cart)."""

    item = models.OneToOneField(Item, primary_key=True, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, blank=True)  # a pricing.PriceSource; "" for no price at all
    unit_price = models.DecimalField(max_digits=16, decimal_places=6, null=True)
    currency = models.CharField(max_length=3, blank=True)
    # The price paid the quote comes from, for its store's name (kept encrypted there, not copied here).
    store_price = models.ForeignKey(PricePaid, null=True, on_delete=models.CASCADE, related_name="+")
    rise = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    pack_size = models.DecimalField(max_digits=12, decimal_places=3, null=True)
    chosen_on = models.DateField()
    valid_through = models.DateField(null=True)  # None: the choice does not change as days pass
    # What it was chosen from: a newer price, a catalogue entry added or deleted, or a save of the preferences
    # makes it stale. Prices paid are only ever appended; catalogue entries are appended and may be deleted by
    # staff, hence their count and newest id ("3/1207").
    last_price_id = models.BigIntegerField(null=True)
    catalog_stamp = models.CharField(max_length=41)
    preferences_updated_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return (
            f"{self.item_id}: {self.unit_price} {self.currency} ({self.source or 'none'}, {self.chosen_on})"
        )


def default_currency() -> str:
    return settings.DEFAULT_CURRENCY


class Preferences(models.Model):
    """How the household shops. Owners edit it; every change is audited."""

    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="order_preferences")
    auto_reorder = models.BooleanField(
        "reorder automatically",
        default=False,
        help_text="The scheduled job orders what will run out within the days of cover.",
    )
    cover_days = models.PositiveSmallIntegerField(
        "days of cover",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Reorder an item when it may run out within this many days.",
    )
    approval_required = models.BooleanField(
        default=True, help_text="A member approves each automatic order before it is placed."
    )
    monthly_budget = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PRICE)],
        help_text="Automatic orders stop when this month's orders would pass it. Empty: no limit.",
    )
    currency = models.CharField(max_length=3, default=default_currency, validators=[_currency_validator])
    shopping_interval_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Days between shopping trips. Empty: learned from your receipts.",
    )
    # Vendor keys (see orders.vendors); empty allows every configured vendor.
    allowed_vendors = models.JSONField(default=list, blank=True)
    # Store names as members typed them; empty allows every store.
    allowed_stores = EncryptedJSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "preferences"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_budget__isnull=True) | models.Q(monthly_budget__gte=0),
                name="orders_preferences_budget_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"Preferences of household {self.household_id}"


class BrandRule(models.Model):
    """One rung of the brand ladder, for one item or for a whole category."""

    class Rank(models.TextChoices):
        PREFERRED = "preferred", "Preferred"
        ACCEPTABLE = "acceptable", "Acceptable"
        AVOID = "avoid", "Avoid"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="brand_rules")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    brand = EncryptedTextField()
    brand_index = BlindIndexField(source="brand", purpose=BRAND_PURPOSE)
    rank = models.CharField(max_length=10, choices=Rank.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(item__isnull=False) & models.Q(category=""))
                | (models.Q(item__isnull=True) & ~models.Q(category="")),
                name="orders_brandrule_item_xor_category",
            ),
            models.UniqueConstraint(
                fields=["household", "item", "category", "brand_index"], name="orders_brandrule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rank_display()}: {self.brand}"


class CartLine(models.Model):
    """One item in the household's cart (the cart is the set of these lines: one per household)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="cart_lines")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(MAX_QUANTITY)],
        help_text="In the item's unit.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # Ticked off while shopping; "I bought these" turns ticked lines into stock.
    ticked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "item"], name="orders_cartline_one_per_item"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orders_cartline_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"Cart line {self.pk} of household {self.household_id}"


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING_APPROVAL = "pending_approval", "Waiting for approval"
        APPROVED = "approved", "Approved"
        PLACED = "placed", "Placed"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    class Origin(models.TextChoices):
        CART = "cart", "From the cart"
        REORDER = "reorder", "Scheduled reorder"

    OPEN = frozenset({Status.DRAFT, Status.PENDING_APPROVAL, Status.APPROVED, Status.PLACED})
    # The only moves an order can make. The database enforces the same set (a trigger, see migration 0003).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.PENDING_APPROVAL, Status.PLACED, Status.CANCELLED}),
        Status.PENDING_APPROVAL: frozenset({Status.APPROVED, Status.CANCELLED}),
        Status.APPROVED: frozenset({Status.PLACED, Status.CANCELLED}),
        Status.PLACED: frozenset({Status.DELIVERED, Status.CANCELLED}),
        Status.DELIVERED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.CART)
    vendor = models.CharField(max_length=40, help_text="The key of a vendor in ORDER_VENDORS.")
    currency = models.CharField(max_length=3, validators=[_currency_validator])
    expected_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vendor_order_id = EncryptedTextField(blank=True)
    tracking_number = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["draft", "pending_approval", "approved", "placed", "delivered", "cancelled"]
                ),
                name="orders_order_status_valid",
            ),
            # Only a member approves: an approved order names who did.
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(approved_by__isnull=False, approved_at__isnull=False),
                name="orders_order_approved_by_member",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["placed", "delivered"]) | models.Q(placed_at__isnull=False),
                name="orders_order_placed_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="delivered") | models.Q(delivered_at__isnull=False),
                name="orders_order_delivered_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | models.Q(cancelled_at__isnull=False),
                name="orders_order_cancelled_has_time",
            ),
        ]
        indexes = [models.Index(fields=["household", "status"], name="orders_order_household_idx")]

    def __str__(self) -> str:
        return f"Order #{self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(MAX_QUANTITY)],
    )
    unit = models.CharField(max_length=8)
    brand = EncryptedTextField(blank=True)  # empty: any brand not avoided
    avoid_brands = EncryptedJSONField(default=list, blank=True)
    store = EncryptedTextField(blank=True)  # where the price was seen, for the shopping list
    expected_unit_price = models.DecimalField(max_digits=16, decimal_places=6, null=True, blank=True)
    expected_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    price_source = models.CharField(max_length=10, blank=True)
    # Mirrors "the order is open" so the database can refuse a second open line for the same item.
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(is_open=True), name="orders_orderline_one_open_per_item"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orders_orderline_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"Line {self.pk} of order #{self.order_id}"
