"""Prices seen for the household's items: from receipts, typed in, or estimated by an LLM (always labelled)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from grapefruit.encryption import EncryptedTextField
from grapefruit.models import Household
from inventory.models import Item

# Larger than any grocery line; bigger numbers are typing or reading mistakes.
MAX_PRICE = Decimal("100000")


class CatalogPrice(models.Model):
    """One observed price of one item. Rows are appended, never edited: the latest observation wins."""

    class Source(models.TextChoices):
        RECEIPT = "receipt", "From a receipt"
        MANUAL = "manual", "Entered by a member"
        ESTIMATE = "estimate", "Estimate"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="catalog_prices")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="catalog_prices")
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_PRICE)],
    )
    currency = models.CharField(
        max_length=3, validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter code such as USD.")]
    )
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
                condition=models.Q(source__in=["receipt", "manual", "estimate"]),
                name="orders_catalogprice_source_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["item", "source", "observed_at"], name="orders_price_item_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.price} {self.currency} ({self.get_source_display()}, {self.observed_at:%Y-%m-%d})"

    @property
    def is_estimate(self) -> bool:
        return self.source == self.Source.ESTIMATE
