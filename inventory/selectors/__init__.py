"""Every inventory read, scoped to one household, at a fixed number of queries whatever the pantry's size."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    TextField,
)
from django.db.models.functions import Cast, TruncMonth
from django.shortcuts import get_object_or_404

from grapefruit.dates import months_before
from grapefruit.encryption import blind_index
from grapefruit.models import Household
from grapefruit.pagination import CountedPaginator
from inventory.models import ITEM_NAME_PURPOSE, Item, PricePaid
from inventory.names import fold, household_item_names
from inventory.selectors.history import ItemHistory as ItemHistory  # the item page's history, re-exported
from inventory.selectors.history import JournalEntry as JournalEntry
from inventory.selectors.history import item_history as item_history

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

    @classmethod
    def of(cls, resolved: int | None, error_days: int | None) -> Accuracy:
        """From a count of settled predictions and the sum of their absolute errors (Item's counters)."""
        if not resolved:
            return cls(resolved=0, mean_abs_error_days=None)
        return cls(
            resolved=resolved,
            mean_abs_error_days=(Decimal(error_days or 0) / resolved).quantize(Decimal("0.1")),
        )


def item_get(*, household: Household, item_id: int) -> Item:
    """The household's item, or 404: another household's id looks exactly like a missing one."""
    return get_object_or_404(Item.objects.select_related("household"), pk=item_id, household=household)


@dataclass(frozen=True)
class ItemPage:
    """An item with how well its run-outs were predicted, read in one query (its history: selectors.history)."""

    item: Item
    accuracy: Accuracy


def item_page_get(*, household: Household, item_id: int) -> ItemPage:
    """The household's item (or 404) for its page."""
    item = get_object_or_404(Item, pk=item_id, household=household)
    item.household = household  # the one the request already holds: no join to read it again
    return ItemPage(item=item, accuracy=Accuracy.of(item.settled_forecasts, item.settled_error_days))


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


class DashboardItem(NamedTuple):
    """What a dashboard row shows (inventory.display.item_rows): the rest of the item is not read. A plain tuple
    rather than a model instance: building 50 instances per page costs more than the rest of the row."""

    pk: int
    name: str
    category: str
    unit: str
    quantity: Decimal
    minimum: Decimal | None
    usual_use: Decimal
    predicted_runout: date | None
    forecast_reason: str
    archived_at: datetime | None


ROW_FIELDS = DashboardItem._fields
_ROW_COLUMNS = ", ".join("id" if field == "pk" else field for field in ROW_FIELDS)


def _orm_ordering(sort: str) -> tuple[Any, ...]:
    """SORTS' order of `sort` (the run-out order for an unknown one), for the ORM."""
    column, tie_breaker = SORTS.get(sort) or SORTS["runout"]
    return F(column).asc(nulls_last=True), tie_breaker


def _order_sql(sort: str) -> str:
    """The same order written out, for the PostgreSQL statements (constant text from SORTS)."""
    column, tie_breaker = SORTS.get(sort) or SORTS["runout"]
    return f"ORDER BY {column} ASC NULLS LAST, {tie_breaker}"


def _dashboard_items(items: QuerySet[Item]) -> list[DashboardItem]:
    return [DashboardItem(*row) for row in items.values_list(*ROW_FIELDS)]


@dataclass(frozen=True)
class DashboardPage:
    items: list[DashboardItem]  # the rows of this page, in order
    page: Page
    low_count: int  # across the whole pantry, whatever the filters
    archived_count: int
    accuracy: Accuracy  # of the whole pantry's settled predictions


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
    low = low_stock_q(household=household, today=today)
    shown = (
        Q(archived_at__isnull=not archived)
        & (Q(category=category) if category else Q())
        & (low if low_only else Q())
    )
    shown_filters = _ShownFilters(archived=archived, category=category, low_only=low_only)
    soon = today + timedelta(days=household.low_stock_days)
    counts = _pantry_counts(household=household, soon=soon, shown=shown_filters)
    needle = fold(search)
    if needle or sort == "name":
        listed = _listed(household, shown, shown_filters, soon, sort)
        page, rows = _page_by_name(household, listed, needle, sort, page_number, page_size)
    elif connection.vendor == "postgresql":
        page = CountedPaginator(range(counts.shown), page_size, count=counts.shown).get_page(page_number)
        rows = _dashboard_rows(
            household, shown_filters, soon, sort, offset=(page.number - 1) * page_size, limit=page_size
        )
    else:  # SQLite, the embedded default
        items = Item.objects.filter(shown, household=household).order_by(*_orm_ordering(sort))
        page = CountedPaginator(items, page_size, count=counts.shown).get_page(page_number)
        rows = _dashboard_items(page.object_list)
    return DashboardPage(
        items=rows,
        page=page,
        low_count=counts.low,
        archived_count=counts.archived,
        accuracy=Accuracy.of(counts.settled, counts.error_days),
    )


class _ShownFilters(NamedTuple):
    archived: bool
    category: str
    low_only: bool


class _PantryCounts(NamedTuple):
    low: int
    archived: int
    shown: int
    settled: int | None
    error_days: int | None


# The warnings, the archive, the rows the filters let through (the paginator's count) and the settled predictions,
# counted in one pass over the household's items. Written in SQL because it runs on every dashboard view and
# Django takes 0.9 ms to build the same aggregate from Q objects, against 0.1 ms here (docs/BENCHMARKS.md). The
# low-stock rule is low_stock_q's; test_selectors checks that both count the same items.
_LOW_SQL = (
    "archived_at IS NULL AND (quantity <= 0 OR (minimum IS NOT NULL AND quantity < minimum)"
    " OR (predicted_runout IS NOT NULL AND predicted_runout <= %s))"
)


def _shown_sql(shown: _ShownFilters, soon_param: object) -> tuple[str, list[object]]:
    """The SQL form of dashboard_page's `shown` filter, and its parameters."""
    shown_sql = ["archived_at IS NOT NULL" if shown.archived else "archived_at IS NULL"]
    shown_params: list[object] = []
    if shown.category:
        shown_sql.append("category = %s")
        shown_params.append(shown.category)
    if shown.low_only:
        shown_sql.append(f"({_LOW_SQL})")
        shown_params.append(soon_param)
    # Only the constant fragments above are joined into the text; every value is a parameter.
    return " AND ".join(shown_sql), shown_params


def _pantry_counts(*, household: Household, soon: date, shown: _ShownFilters) -> _PantryCounts:
    soon_param = connection.ops.adapt_datefield_value(soon)
    shown_sql, shown_params = _shown_sql(shown, soon_param)
    sql = (
        f"SELECT COUNT(*) FILTER (WHERE {_LOW_SQL}),"  # noqa: S608
        " COUNT(*) FILTER (WHERE archived_at IS NOT NULL),"
        f" COUNT(*) FILTER (WHERE {shown_sql}),"
        " SUM(settled_forecasts), SUM(settled_error_days)"
        f" FROM {Item._meta.db_table} WHERE household_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [soon_param, *shown_params, household.pk])
        return _PantryCounts(*cursor.fetchone())


def _dashboard_rows(
    household: Household, shown: _ShownFilters, soon: date, sort: str, *, offset: int, limit: int
) -> list[DashboardItem]:
    """One page of rows through the counts' SQL filters, on PostgreSQL: Django spent about 0.4 ms building and
    compiling the same query from Q objects on every dashboard view (bench/OPTIMISATIONS.md); SQLite keeps the ORM
    (test_selectors checks that both give the same pages)."""
    shown_sql, shown_params = _shown_sql(shown, soon)
    sql = (
        f"SELECT {_ROW_COLUMNS} FROM {Item._meta.db_table} WHERE household_id = %s AND {shown_sql}"  # noqa: S608
        f" {_order_sql(sort)} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [household.pk, *shown_params, limit, offset])
        return _decrypted_rows(cursor.fetchall())


def _decrypted_rows(fetched: list[tuple[Any, ...]]) -> list[DashboardItem]:
    name = Item._meta.get_field("name")
    return [DashboardItem(pk, name.decrypt_value(token), *rest) for pk, token, *rest in fetched]


def _listed(
    household: Household, shown: Q, shown_filters: _ShownFilters, soon: date, sort: str
) -> list[tuple[int, str, bool]]:
    """Every item's id and blind index (what the name cache checks itself against) and whether the filters let
    it through, in the chosen order (in none when sorted by name: the names decide). Written out on PostgreSQL
    with the counts' filters, as _dashboard_rows is (2,000 rows: the ORM took half as long again); the ORM on
    SQLite."""
    if connection.vendor != "postgresql":
        listed = Item.objects.filter(household=household).annotate(
            shown=ExpressionWrapper(shown, output_field=BooleanField())
        )
        listed = listed.order_by() if sort == "name" else listed.order_by(*_orm_ordering(sort))
        return list(listed.values_list("pk", "name_index", "shown"))
    shown_sql, shown_params = _shown_sql(shown_filters, soon)
    order = "" if sort == "name" else f" {_order_sql(sort)}"
    sql = f"SELECT id, name_index, {shown_sql} FROM {Item._meta.db_table} WHERE household_id = %s{order}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*shown_params, household.pk])
        return cursor.fetchall()


def _rows_by_pk(household: Household, pks: Sequence[int]) -> list[DashboardItem]:
    """The dashboard rows of the given items (in no order)."""
    if connection.vendor != "postgresql":
        return _dashboard_items(Item.objects.filter(household=household, pk__in=pks))
    sql = f"SELECT {_ROW_COLUMNS} FROM {Item._meta.db_table} WHERE household_id = %s AND id = ANY(%s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [household.pk, list(pks)])
        return _decrypted_rows(cursor.fetchall())


def _page_by_name(
    household: Household,
    listed: list[tuple[int, str, bool]],
    needle: str,
    sort: str,
    page_number: str | int | None,
    page_size: int,
) -> tuple[Page, list[DashboardItem]]:
    """From every item's id, blind index and whether it is shown (_listed), the names (decrypted once per process)
    say which match and, sorted by name, in what order; only the page's rows are then read."""
    names = household_item_names(household=household, current={pk: index for pk, index, _ in listed})
    if sort == "name":
        allowed = {pk for pk, _, is_shown in listed if is_shown}
        ordered = [entry.pk for entry in names if entry.pk in allowed and needle in entry.folded]
    else:
        matching = {entry.pk for entry in names if needle in entry.folded}
        ordered = [pk for pk, _, is_shown in listed if is_shown and pk in matching]
    page = Paginator(ordered, page_size).get_page(page_number)
    by_pk = {row.pk: row for row in _rows_by_pk(household, page.object_list)}
    return page, [by_pk[pk] for pk in page.object_list if pk in by_pk]


def forecast_errors(*, item_ids: Collection[int] | QuerySet) -> dict[int, Accuracy]:
    """Per item with settled predictions, how far they were off (one query for any number of items)."""
    rows = Item.objects.filter(pk__in=item_ids, settled_forecasts__gt=0).values_list(
        "pk", "settled_forecasts", "settled_error_days"
    )
    return {pk: Accuracy.of(settled, error_days) for pk, settled, error_days in rows}


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


# --- spending ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spending:
    """What a household paid since a date, in the currency it pays most often (prices in others are counted
    apart: adding them up would mean nothing)."""

    currency: str
    by_month: list[tuple[date, Decimal]]  # the first day of every month from `since`, oldest first
    by_store: list[tuple[str, Decimal]]  # largest first; "" is a store nobody knows
    other_currencies: list[str]


# Both totals of household_spending in one scan of the prices paid: per (month, currency) and per (store, currency);
# GROUPING(store_index) tells the two kinds of row apart. Raw SQL, because the spending page runs it on every load
# and the two ORM queries it replaces cost most of the page (bench/OPTIMISATIONS.md).
_SPENDING_SQL = """
SELECT GROUPING(store_index) = 1 AS per_month, date_trunc('month', paid_on::timestamp)::date AS month,
    MIN(store), currency, SUM(total_price), COUNT(*)
FROM inventory_pricepaid
WHERE household_id = %(household)s AND paid_on >= %(since)s AND paid_on <= %(today)s
GROUP BY GROUPING SETS ((date_trunc('month', paid_on::timestamp)::date, currency), (store_index, currency))"""


def household_spending(*, household: Household, since: date, today: date) -> Spending | None:
    """Totals per month and per store of the prices paid since `since` (one query on PostgreSQL, two through the
    ORM on SQLite); None when none were."""
    if connection.vendor != "postgresql":
        return _household_spending_portable(household=household, since=since, today=today)
    with connection.cursor() as cursor:
        cursor.execute(_SPENDING_SQL, {"household": household.pk, "since": since, "today": today})
        rows = cursor.fetchall()
    if not rows:
        return None
    lines: dict[str, int] = {}
    for per_month, _, _, code, _, count in rows:
        if per_month:
            lines[code] = lines.get(code, 0) + count
    currency = max(lines, key=lambda code: (lines[code], code))
    totals = {month: total for per_month, month, _, code, total, _ in rows if per_month and code == currency}
    # One store name per store: the name is encrypted, so the database picks any row's and it is decrypted here.
    store = PricePaid._meta.get_field("store")
    stores = [(store.decrypt_value(token), total) for per_month, _, token, code, total, _ in rows
              if not per_month and code == currency]  # fmt: skip
    return Spending(
        currency=currency,
        by_month=[(month, totals.get(month, Decimal(0))) for month in _months(since, today)],
        by_store=sorted(stores, key=lambda pair: -pair[1]),
        other_currencies=sorted(set(lines) - {currency}),
    )


def _household_spending_portable(*, household: Household, since: date, today: date) -> Spending | None:
    """household_spending through the ORM, for SQLite (embedded mode), in two queries."""
    paid = PricePaid.objects.filter(household=household, paid_on__gte=since, paid_on__lte=today)
    months = list(
        paid.annotate(month=TruncMonth("paid_on"))
        .values("month", "currency")
        .annotate(total=Sum("total_price"), lines=Count("id"))
    )
    if not months:
        return None
    lines: dict[str, int] = {}
    for row in months:
        lines[row["currency"]] = lines.get(row["currency"], 0) + row["lines"]
    currency = max(lines, key=lambda code: (lines[code], code))
    totals = {row["month"]: row["total"] for row in months if row["currency"] == currency}
    # One store name per store: the name is encrypted, so the database picks any row's and it is decrypted here.
    stores = (
        paid.filter(currency=currency)
        .values("store_index")
        .annotate(total=Sum("total_price"), store=Min("store"))
    )
    return Spending(
        currency=currency,
        by_month=[(month, totals.get(month, Decimal(0))) for month in _months(since, today)],
        by_store=sorted(((row["store"], row["total"]) for row in stores), key=lambda pair: -pair[1]),
        other_currencies=sorted(set(lines) - {currency}),
    )


def _months(since: date, today: date) -> list[date]:
    """The first day of every month from `since`'s to `today`'s."""
    count = (today.year - since.year) * 12 + today.month - since.month
    return [months_before(today, back) for back in range(count, -1, -1)]
