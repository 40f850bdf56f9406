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
from inventory.models import ITEM_NAME_PURPOSE, ForecastRecord, Item, PricePaid, StockEvent
from inventory.names import fold, household_item_names

SORTS = {
    "runout": ("predicted_runout", "id"),
    "name": ("id", "id"),  # names are encrypted: sorted in Python after decryption (inventory.names)
    "category": ("category", "id"),
}


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


def item_ids_by_name(*, household: Household, names: Collection[str]) -> dict[str, int]:
    """The ids of the household's items called `names` (case and spacing ignored), in one query; a name that is
    no item is left out."""
    indexes = {name: blind_index(" ".join(name.split()), purpose=ITEM_NAME_PURPOSE) for name in names}
    found = dict(
        Item.objects.filter(household=household, name_index__in=set(indexes.values())).values_list(
            "name_index", "pk"
        )
    )
    return {name: found[index] for name, index in indexes.items() if index in found}


def active_item_names(*, household: Household) -> list[str]:
    """The names of the household's items in the lists (archived ones left out), sorted; decrypted once per
    process (inventory.names)."""
    archived = set(
        Item.objects.filter(household=household, archived_at__isnull=False).values_list("pk", flat=True)
    )
    return [entry.name for entry in household_item_names(household=household) if entry.pk not in archived]


def low_stock_q(*, household: Household, today: date) -> Q:
    """The SQL form of forecast.is_low_stock, so filtering happens before the page is built. Archived items are
    never low: nobody is going to buy them."""
    soon = today + timedelta(days=household.low_stock_days)
    return Q(archived_at__isnull=True) & (
        Q(quantity__lte=0)
        | Q(minimum__isnull=False, quantity__lt=F("minimum"))
        | Q(predicted_runout__isnull=False, predicted_runout__lte=soon)
    )


@dataclass(frozen=True)
class DashboardPage:
    items: list[Item]  # the rows of this page, in order
    page: Page
    low_count: int  # across the whole pantry, whatever the filters
    archived_count: int


def dashboard_page(
    *,
    household: Household,
    today: date,
    search: str = "",
    category: str = "",
    low_only: bool = False,
    archived: bool = False,
    sort: str = "runout",
    page_number: str | int | None = None,
    page_size: int = 100,
) -> DashboardPage:
    """One page of the dashboard in a handful of queries, whatever the pantry's size.

    Without a search or a sort by name, SQL filters, orders and pages, and only the shown rows are decrypted.
    Names are ciphertext to the database, so a search or a sort by name works on the household's decrypted
    names (inventory.names, kept between requests) and SQL only says which items the other filters let through."""
    counts = Item.objects.filter(household=household).aggregate(
        low=Count("id", filter=low_stock_q(household=household, today=today)),
        archived=Count("id", filter=Q(archived_at__isnull=False)),
    )
    items = Item.objects.filter(household=household, archived_at__isnull=not archived)
    if category:
        items = items.filter(category=category)
    if low_only:
        items = items.filter(low_stock_q(household=household, today=today))
    order = SORTS.get(sort) or SORTS["runout"]
    items = items.order_by(F(order[0]).asc(nulls_last=True), order[1])
    needle = fold(search)
    if needle or sort == "name":
        page, rows = _page_by_name(household, items, needle, sort, page_number, page_size)
    else:
        page = Paginator(items, page_size).get_page(page_number)
        rows = list(page.object_list)
    return DashboardPage(items=rows, page=page, low_count=counts["low"], archived_count=counts["archived"])


def _page_by_name(
    household: Household,
    items: QuerySet[Item],
    needle: str,
    sort: str,
    page_number: str | int | None,
    page_size: int,
) -> tuple[Page, list[Item]]:
    names = household_item_names(household=household)  # sorted by name
    if sort != "name":
        # SQL applies the other filters and the order (run-out, category) to the names that match.
        matching = items.filter(pk__in=[entry.pk for entry in names if needle in entry.folded])
        page = Paginator(matching, page_size).get_page(page_number)
        return page, list(page.object_list)
    allowed = set(items.values_list("pk", flat=True))
    ordered = [entry.pk for entry in names if entry.pk in allowed and needle in entry.folded]
    page = Paginator(ordered, page_size).get_page(page_number)
    by_pk = Item.objects.in_bulk(page.object_list)
    return page, [by_pk[pk] for pk in page.object_list if pk in by_pk]


def item_journal(*, item: Item, page_number: str | int | None, page_size: int = 20) -> Page:
    """One page of the item's journal, newest first."""
    events = item.events.select_related("actor").order_by("-at", "-id")
    return Paginator(events, page_size).get_page(page_number)


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
    """The stock from each point in time on, oldest first, for the chart (two queries): the level at `since`
    when the journal goes back further, then the stock after each live journal entry since."""
    live = item.events.filter(undone_at__isnull=True)
    before = live.filter(at__lt=since).order_by("-at", "-id").values_list("quantity_after", flat=True).first()
    levels = list(live.filter(at__gte=since).order_by("at", "id").values_list("at", "quantity_after"))
    return ([(since, before)] if before is not None else []) + levels


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
