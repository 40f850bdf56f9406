"""Every orders read, scoped to one household, at a fixed number of queries whatever the list's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, OuterRef, QuerySet, Subquery

from grapefruit.models import Household
from inventory.models import Item
from inventory.selectors import low_stock_q
from orders.models import CatalogPrice

CART_MAX_ROWS = 200


@dataclass(frozen=True)
class CartRow:
    item: Item
    # The latest known price, else the latest estimate, else None.
    price: CatalogPrice | None


def _latest(prices: QuerySet[CatalogPrice]) -> Subquery:
    return Subquery(prices.order_by("-observed_at", "-id").values("id")[:1])


def cart_rows(*, household: Household, today: date, limit: int = CART_MAX_ROWS) -> list[CartRow]:
    """The household's low-stock items, soonest run-out first, each with its price, in two queries."""
    prices = CatalogPrice.objects.filter(household=household, item=OuterRef("pk"))
    items = (
        Item.objects.filter(household=household)
        .filter(low_stock_q(household=household, today=today))
        .annotate(
            known_price_id=_latest(prices.exclude(source=CatalogPrice.Source.ESTIMATE)),
            estimate_id=_latest(prices.filter(source=CatalogPrice.Source.ESTIMATE)),
        )
        .order_by(F("predicted_runout").asc(nulls_last=True), "id")[:limit]
    )
    chosen = {item: item.known_price_id or item.estimate_id for item in items}
    by_id = CatalogPrice.objects.in_bulk([pk for pk in chosen.values() if pk is not None])
    return [CartRow(item=item, price=by_id.get(pk) if pk else None) for item, pk in chosen.items()]


def latest_known_price(*, household: Household, item: Item) -> CatalogPrice | None:
    """The latest price the household actually saw or typed in; estimates never count as known."""
    return (
        CatalogPrice.objects.filter(household=household, item=item)
        .exclude(source=CatalogPrice.Source.ESTIMATE)
        .order_by("-observed_at", "-id")
        .first()
    )


def household_currency(*, household: Household) -> str | None:
    """The currency of the household's latest known price: where it shops, as far as we know."""
    latest = (
        CatalogPrice.objects.filter(household=household)
        .exclude(source=CatalogPrice.Source.ESTIMATE)
        .order_by("-observed_at", "-id")
        .values_list("currency", flat=True)
        .first()
    )
    return latest
