"""Every inventory read, scoped to one household, at a fixed number of queries whatever the pantry's size."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, TextField
from django.db.models.functions import Abs, Cast
from django.shortcuts import get_object_or_404

from grapefruit.encryption import blind_index
from grapefruit.models import Household
from inventory.forecast import is_low_stock
from inventory.models import ITEM_NAME_PURPOSE, ForecastRecord, Item, PricePaid, StockEvent

SORTS = {
    "runout": ("predicted_runout", "id"),
    "name": ("id", "id"),  # names are encrypted: sorted in Python after decryption
    "category": ("category", "id"),
}


@dataclass(frozen=True)
class DashboardRow:
    item: Item
    low: bool
    days_left: int | None


@dataclass(frozen=True)
class Accuracy:
    """How far off resolved predictions were, in days (mean of absolute errors)."""

    resolved: int
    mean_abs_error_days: Decimal | None


def item_get(*, household: Household, item_id: int) -> Item:
    """The household's item, or 404: another household's id looks exactly like a missing one."""
    return get_object_or_404(Item.objects.select_related("household"), pk=item_id, household=household)


def item_by_name(*, household: Household, name: str) -> Item | None:
    """Exact-name lookup through the blind index (case and spacing ignored), for receipts and orders."""
    index = blind_index(" ".join(name.split()), purpose=ITEM_NAME_PURPOSE)
    return Item.objects.filter(household=household, name_index=index).first()


def low_stock_q(*, household: Household, today: date) -> Q:
    """The SQL form of forecast.is_low_stock, so filtering happens before the page is built."""
    soon = today + timedelta(days=household.low_stock_days)
    return (
        Q(quantity__lte=0)
        | Q(minimum__isnull=False, quantity__lt=F("minimum"))
        | Q(predicted_runout__isnull=False, predicted_runout__lte=soon)
    )


@dataclass(frozen=True)
class DashboardPage:
    rows: list[DashboardRow]
    page: Page
    low_count: int  # across the whole pantry, whatever the filters


def dashboard_page(
    *,
    household: Household,
    today: date,
    search: str = "",
    category: str = "",
    low_only: bool = False,
    sort: str = "runout",
    page_number: str | int | None = None,
    page_size: int = 100,
) -> DashboardPage:
    """One page of the dashboard in at most four queries, whatever the pantry's size.

    Search and sorting by name happen after decryption (the database only holds ciphertext, and a blind index
    matches whole names only), so they read every matching row; otherwise SQL does the paging and only the
    shown rows are decrypted."""
    items: QuerySet[Item] = Item.objects.filter(household=household)
    low_count = items.filter(low_stock_q(household=household, today=today)).count()
    if category:
        items = items.filter(category=category)
    if low_only:
        items = items.filter(low_stock_q(household=household, today=today))
    order = SORTS.get(sort) or SORTS["runout"]
    items = items.order_by(F(order[0]).asc(nulls_last=True), order[1])
    needle = " ".join(search.casefold().split())
    if not needle and sort != "name":
        page = Paginator(items, page_size).get_page(page_number)
        rows = [_row(item, household=household, today=today) for item in page.object_list]
        return DashboardPage(rows=rows, page=page, low_count=low_count)
    matches = [item for item in items if needle in item.name.casefold()]
    if sort == "name":
        matches.sort(key=lambda item: item.name.casefold())
    page = Paginator(matches, page_size).get_page(page_number)
    rows = [_row(item, household=household, today=today) for item in page.object_list]
    return DashboardPage(rows=rows, page=page, low_count=low_count)


def _row(item: Item, *, household: Household, today: date) -> DashboardRow:
    low = is_low_stock(
        quantity=item.quantity,
        minimum=item.minimum,
        runout=item.predicted_runout,
        today=today,
        threshold_days=household.low_stock_days,
    )
    days_left = (item.predicted_runout - today).days if item.predicted_runout else None
    return DashboardRow(item=item, low=low, days_left=days_left)


def item_journal(*, item: Item, limit: int = 50) -> list[StockEvent]:
    return list(item.events.select_related("actor").order_by("-at", "-id")[:limit])


def item_last_undoable(*, item: Item) -> StockEvent | None:
    """The change recorded last (an old receipt applied today is undone before yesterday's use)."""
    return item.events.filter(undone_at__isnull=True).order_by("-id").first()


def forecast_accuracy(*, household: Household, item: Item | None = None) -> Accuracy:
    """Mean absolute error of the predictions that have been settled by a real run-out."""
    records = ForecastRecord.objects.filter(item__household=household, error_days__isnull=False)
    if item is not None:
        records = records.filter(item=item)
    result = records.aggregate(resolved=Count("id"), mae=Avg(Abs("error_days")))
    mae = result["mae"]
    return Accuracy(
        resolved=result["resolved"],
        mean_abs_error_days=Decimal(mae).quantize(Decimal("0.1")) if mae is not None else None,
    )


def stock_levels(*, item: Item, since: datetime) -> list[tuple[datetime, Decimal]]:
    """Stock after each live journal entry since `since`, oldest first, for the chart (one query)."""
    events = item.events.filter(undone_at__isnull=True, at__gte=since).order_by("at", "id")
    return list(events.values_list("at", "quantity_after"))


def forecast_errors(*, item_ids: Collection[int] | QuerySet) -> dict[int, Accuracy]:
    """Per item, how far its settled predictions were off (one query for any number of items)."""
    rows = (
        ForecastRecord.objects.filter(item_id__in=item_ids, error_days__isnull=False)
        .values("item_id")
        .annotate(resolved=Count("id"), mae=Avg(Abs("error_days")))
    )
    return {
        row["item_id"]: Accuracy(resolved=row["resolved"], mean_abs_error_days=Decimal(row["mae"]))
        for row in rows
    }


# --- prices paid ---------------------------------------------------------------------------------------------


class LatestPrice(NamedTuple):
    item_id: int
    store: str
    unit_price: Decimal
    currency: str
    paid_on: date
    pack_size: Decimal


def latest_prices_by_store(
    *, household_ids: Collection[int] | QuerySet, item_ids: Collection[int] | QuerySet
) -> list[LatestPrice]:
    """For each item and store, the latest price paid (one row each, kept marked by price_paid_record).

    A store's name is the same on every row of a household with its blind index, so each name is decrypted once
    per household and store rather than once per row (the reorder job reads tens of thousands of rows)."""
    rows = (
        PricePaid.objects.filter(household_id__in=household_ids, item_id__in=item_ids, is_latest=True)
        .annotate(store_token=Cast("store", TextField()))
        .values_list(
            "item_id",
            "household_id",
            "store_index",
            "store_token",
            "unit_price",
            "currency",
            "paid_on",
            "pack_size",
        )
    )
    field = PricePaid._meta.get_field("store")
    names: dict[tuple[int, str | None], str] = {}
    prices = []
    for item_id, household_id, index, token, unit_price, currency, paid_on, pack_size in rows:
        key = (household_id, index)
        if key not in names:
            names[key] = field.decrypt_value(token)
        prices.append(LatestPrice(item_id, names[key], unit_price, currency, paid_on, pack_size))
    return prices


def unit_prices_since(
    *, household: Household, item_ids: Collection[int], since: date
) -> dict[int, list[Decimal]]:
    """The unit prices paid for each item since `since`, oldest first (for the price-rise note)."""
    rows = (
        PricePaid.objects.filter(household=household, item_id__in=item_ids, paid_on__gte=since)
        .order_by("paid_on", "id")
        .values_list("item_id", "unit_price")
    )
    prices: dict[int, list[Decimal]] = {}
    for item_id, unit_price in rows:
        prices.setdefault(item_id, []).append(unit_price)
    return prices


@dataclass(frozen=True)
class ShoppingDays:
    """The distinct days a household paid for something within a period: enough to say how often it shops."""

    days: int
    first: date
    last: date


def shopping_days(*, household_ids: Collection[int] | QuerySet, since: date) -> dict[int, ShoppingDays]:
    """Per household, how many distinct days it bought something since `since` (one query)."""
    rows = (
        PricePaid.objects.filter(household_id__in=household_ids, paid_on__gte=since)
        .values("household_id")
        .annotate(days=Count("paid_on", distinct=True), first=Min("paid_on"), last=Max("paid_on"))
    )
    return {row["household_id"]: ShoppingDays(row["days"], row["first"], row["last"]) for row in rows}
