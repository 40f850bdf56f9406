"""The price catalogue: prices typed in by hand and labelled LLM estimates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from grapefruit.models import Household
from inventory.models import Item
from orders import actions
from orders.models import CatalogPrice


@transaction.atomic
def catalog_price_record(
    *,
    actor: Any,
    household: Household,
    item: Item,
    price: Decimal,
    currency: str,
    source: str,
    vendor: str = "",
    observed_at: datetime | None = None,
) -> CatalogPrice:
    """Append an observed (or estimated) price for one of the household's items."""
    if item.household_id != household.pk:
        # The database cannot tie the two foreign keys together; a price must never cross households.
        raise ValidationError({"item": "This item belongs to another household."})
    row = CatalogPrice(
        household=household,
        item=item,
        price=price,
        currency=currency.strip().upper(),
        vendor=" ".join(vendor.split()),
        source=source,
        observed_at=observed_at or timezone.now(),
    )
    row.full_clean(exclude=["household", "item"])
    row.save()
    audit_record(
        actor=actor,
        household=household,
        action=actions.CATALOG_PRICE_RECORD,
        target=row,
        details={"item": item.pk, "source": source, "price": str(row.price), "currency": row.currency},
    )
    return row
