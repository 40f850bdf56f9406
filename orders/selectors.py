"""Every orders read, scoped to one household, at a fixed number of queries whatever the cart's size."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from grapefruit.models import Household
from inventory import selectors as inventory_selectors
from inventory.models import Item
from orders import pricing
from orders.brands import BrandChoice, choose_brand
from orders.models import BrandRule, CartLine, CatalogPrice, Order, OrderLine, Preferences
from orders.vendors import VendorLine, VendorOrder

CART_MAX_ROWS = 200
ORDERS_PAGE_SIZE = 50


def preferences_get(*, household: Household) -> Preferences:
    """The household's preferences, or the defaults (unsaved) when nobody has changed them yet."""
    return Preferences.objects.filter(household=household).first() or Preferences(household=household)


# --- prices and brands -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemPricing:
    quote: pricing.PriceQuote
    store_prices: tuple[pricing.StorePrice, ...]  # the latest price at each store, cheapest first
    rise: Decimal | None
    pack_size: Decimal | None


def catalog_latest(
    *, household_ids: Collection[int], item_ids: Collection[int]
) -> dict[int, tuple[Decimal, str, bool]]:
    """Per item, the latest catalogue price entered by hand, else the latest estimate (one query)."""
    ranked = (
        CatalogPrice.objects.filter(household_id__in=household_ids, item_id__in=item_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("item_id"), F("source")],
                order_by=[F("observed_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values_list("item_id", "source", "price", "currency")
    )
    latest: dict[int, tuple[Decimal, str, bool]] = {}
    for item_id, source, price, currency in ranked:
        if source == CatalogPrice.Source.MANUAL or item_id not in latest:
            latest[item_id] = (price, currency, source == CatalogPrice.Source.ESTIMATE)
    return latest


def item_pricing(
    *, household: Household, items: Iterable[Item], preferences: Preferences, today: date
) -> dict[int, ItemPricing]:
    """Prices for the given items of the household in three queries."""
    item_ids = [item.pk for item in items]
    by_item: dict[int, list[pricing.StorePrice]] = {}
    for row in inventory_selectors.latest_prices_by_store(household_ids=[household.pk], item_ids=item_ids):
        by_item.setdefault(row.item_id, []).append(row)
    catalog = catalog_latest(household_ids=[household.pk], item_ids=item_ids)
    since = today - timedelta(days=pricing.PRICE_WINDOW_DAYS)
    recent = inventory_selectors.unit_prices_since(household=household, item_ids=item_ids, since=since)
    result = {}
    for item_id in item_ids:
        stores = sorted(by_item.get(item_id, []), key=lambda price: price.unit_price)
        quote = pricing.choose_price(
            store_prices=stores,
            catalog=catalog.get(item_id),
            today=today,
            allowed_stores=preferences.allowed_stores,
            currency=preferences.currency,
        )
        rise = pricing.price_rise(recent.get(item_id, []))
        result[item_id] = ItemPricing(quote, tuple(stores), rise, pricing.last_pack_size(stores))
    return result


def brand_rules(
    *, household_ids: Collection[int] | QuerySet
) -> tuple[dict[int, list[tuple[str, str]]], dict[tuple[int, str], list[tuple[str, str]]]]:
    """The ladders of the given households: per item id, and per (household id, category)."""
    per_item: dict[int, list[tuple[str, str]]] = {}
    per_category: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for rule in BrandRule.objects.filter(household_id__in=household_ids).order_by("id"):
        if rule.item_id is not None:
            per_item.setdefault(rule.item_id, []).append((rule.rank, rule.brand))
        else:
            per_category.setdefault((rule.household_id, rule.category), []).append((rule.rank, rule.brand))
    return per_item, per_category


def brand_choices(*, household: Household, items: Iterable[Item]) -> dict[int, BrandChoice]:
    per_item, per_category = brand_rules(household_ids=[household.pk])
    return {
        item.pk: choose_brand(
            item_rules=per_item.get(item.pk, []),
            category_rules=per_category.get((household.pk, item.category), []),
        )
        for item in items
    }


def brand_rule_list(*, household: Household) -> list[BrandRule]:
    return list(
        BrandRule.objects.filter(household=household)
        .select_related("item")
        .order_by("category", "item_id", "id")
    )


def brand_rule_get(*, household: Household, rule_id: int) -> BrandRule:
    return get_object_or_404(BrandRule, pk=rule_id, household=household)


def shopping_interval(*, household: Household, preferences: Preferences, today: date) -> int:
    since = today - timedelta(days=pricing.PRICE_WINDOW_DAYS)
    days = inventory_selectors.shopping_days(household_ids=[household.pk], since=since).get(household.pk)
    return pricing.shopping_interval_days(
        preference=preferences.shopping_interval_days,
        days=days.days if days else 0,
        first=days.first if days else None,
        last=days.last if days else None,
    )


# --- cart ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CartRow:
    item: Item
    quantity: Decimal
    pricing: ItemPricing
    brand: BrandChoice
    line: CartLine | None  # None for a running-low suggestion not in the cart yet
    on_order: bool = False

    @property
    def total(self) -> Decimal | None:
        return self.pricing.quote.total(self.quantity)

    @property
    def store(self) -> str:
        return self.pricing.quote.store


@dataclass(frozen=True)
class StoreTotal:
    store: str
    total: Decimal
    lines: int


@dataclass(frozen=True)
class Cart:
    rows: list[CartRow]
    suggestions: list[CartRow]
    store_totals: list[StoreTotal]
    total: Decimal
    unpriced: int
    ticked: int
    currency: str
    interval_days: int
    more_suggestions: bool  # more items run low than `suggestions` holds


def _open_item_ids(household: Household) -> set[int]:
    return set(
        OrderLine.objects.filter(order__household=household, is_open=True).values_list("item_id", flat=True)
    )


def cart_get(*, household: Household, today: date, suggestion_limit: int = CART_MAX_ROWS) -> Cart:
    """The cart with prices, brands and per-store totals, and the running-low items not in it yet (the
    `suggestion_limit` that run out soonest)."""
    preferences = preferences_get(household=household)
    lines = list(
        CartLine.objects.filter(household=household).select_related("item").order_by("added_at", "id")
    )
    low = list(
        Item.objects.filter(household=household)
        .filter(inventory_selectors.low_stock_q(household=household, today=today))
        .exclude(pk__in=[line.item_id for line in lines])
        .order_by(F("predicted_runout").asc(nulls_last=True), "id")[: suggestion_limit + 1]
    )
    more_suggestions = len(low) > suggestion_limit
    low = low[:suggestion_limit]
    items = [line.item for line in lines] + low
    prices = item_pricing(household=household, items=items, preferences=preferences, today=today)
    brands = brand_choices(household=household, items=items)
    on_order = _open_item_ids(household)
    interval = shopping_interval(household=household, preferences=preferences, today=today)
    rows = [
        CartRow(line.item, line.quantity, prices[line.item_id], brands[line.item_id], line) for line in lines
    ]
    suggestions = [
        CartRow(
            item,
            suggested_for(item, prices[item.pk], interval),
            prices[item.pk],
            brands[item.pk],
            None,
            on_order=item.pk in on_order,
        )
        for item in low
    ]
    return Cart(
        rows=rows,
        suggestions=suggestions,
        store_totals=_store_totals(rows),
        total=sum((row.total or Decimal(0) for row in rows), Decimal(0)),
        unpriced=sum(1 for row in [*rows, *suggestions] if row.pricing.quote.unit_price is None),
        ticked=sum(1 for line in lines if line.ticked_at),
        currency=preferences.currency,
        interval_days=interval,
        more_suggestions=more_suggestions,
    )


def suggested_for(item: Item, item_prices: ItemPricing, interval_days: int) -> Decimal:
    return pricing.suggested_quantity(
        rate_per_day=item.rate_per_day,
        in_stock=item.quantity,
        minimum=item.minimum,
        days=interval_days,
        pack_size=item_prices.pack_size,
        counted_in_pieces=item.unit == "pcs",
    )


def _store_totals(rows: Iterable[CartRow]) -> list[StoreTotal]:
    totals: dict[str, list[Decimal]] = {}
    for row in rows:
        totals.setdefault(row.store, []).append(row.total or Decimal(0))
    return [
        StoreTotal(store, sum(values, Decimal(0)), len(values))
        for store, values in sorted(totals.items(), key=lambda pair: (pair[0] == "", pair[0].casefold()))
    ]


def low_stock_items(*, household: Household, today: date) -> list[Item]:
    """Running-low items that are neither in the cart nor on an open order."""
    in_cart = CartLine.objects.filter(household=household).values("item_id")
    on_order = OrderLine.objects.filter(order__household=household, is_open=True).values("item_id")
    return list(
        Item.objects.filter(household=household)
        .filter(inventory_selectors.low_stock_q(household=household, today=today))
        .exclude(pk__in=in_cart)
        .exclude(pk__in=on_order)
        .order_by(F("predicted_runout").asc(nulls_last=True), "id")[:CART_MAX_ROWS]
    )


def cart_line_get(*, household: Household, line_id: int) -> CartLine:
    return get_object_or_404(CartLine.objects.select_related("item"), pk=line_id, household=household)


# --- orders ----------------------------------------------------------------------------------------------------


def order_page(*, household: Household, page_number: str | int | None) -> Page:
    orders: QuerySet[Order] = Order.objects.filter(household=household).annotate(line_count=Count("lines"))
    return Paginator(orders.order_by("-created_at", "-id"), ORDERS_PAGE_SIZE).get_page(page_number)


def order_get(*, household: Household, order_id: int) -> Order:
    """The household's order, or 404: another household's id looks exactly like a missing one."""
    return get_object_or_404(
        Order.objects.select_related("approved_by", "created_by"), pk=order_id, household=household
    )


def order_lines(*, order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("item").order_by("id"))


def vendor_order(*, order: Order, lines: Iterable[OrderLine]) -> VendorOrder:
    """What a vendor is told about an order (names decrypted here, for the vendor only)."""
    return VendorOrder(
        reference=f"grapefruit-order-{order.pk}",
        currency=order.currency,
        lines=tuple(
            VendorLine(
                name=line.item.name,
                quantity=line.quantity,
                unit=line.unit,
                brand=line.brand,
                avoid_brands=tuple(line.avoid_brands),
                expected_unit_price=line.expected_unit_price,
                expected_price=line.expected_price,
                store=line.store,
            )
            for line in lines
        ),
    )


def month_spent(*, household_ids: Collection[int] | QuerySet, today: date) -> dict[int, Decimal]:
    """Per household, the expected total of this month's orders that were not cancelled."""
    start = today.replace(day=1)
    rows = (
        Order.objects.filter(household_id__in=household_ids, created_at__date__gte=start)
        .exclude(status=Order.Status.CANCELLED)
        .values("household_id")
        .annotate(total=Sum("expected_total"))
    )
    return {row["household_id"]: row["total"] or Decimal(0) for row in rows}
