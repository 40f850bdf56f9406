"""Every orders read, scoped to one household, at a fixed number of queries whatever the cart's size."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from grapefruit.models import Household
from inventory import selectors as inventory_selectors
from inventory.models import Item, PricePaid
from orders import pricing
from orders.brands import ANY_BRAND, BrandChoice, choose_brand
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


# The price reads of the items a query picks (a CTE `chosen` of their ids, `item_id`), each read once for them all:
# the latest price paid at each store (cheapest first, then the latest paid), the unit prices paid since
# %(since)s (oldest first), and the catalogue's price (hand-entered before estimated, then the latest). Rows are
# found by item, not by household: the items are the household's (the queries that pick them say so), and a price
# always belongs to its item's household (price_paid_record, catalog_price_record). Raw SQL, because the cart page
# reads them on every load: the ORM's compilation of the three queries it took cost more than the rest of the page
# (docs/BENCHMARKS.md).
_PRICE_CTES = """
price AS MATERIALIZED (
    SELECT p.item_id, p.store_index, p.store, p.unit_price, p.currency, p.paid_on, p.pack_size, p.id, p.is_latest
    FROM inventory_pricepaid p
    WHERE p.item_id = ANY(ARRAY(SELECT item_id FROM chosen)) AND (p.is_latest OR p.paid_on >= %(since)s)
), prices AS MATERIALIZED (
    SELECT item_id,
        array_agg(store_index ORDER BY unit_price, paid_on DESC, id DESC) FILTER (WHERE is_latest) AS store_indexes,
        array_agg(store ORDER BY unit_price, paid_on DESC, id DESC) FILTER (WHERE is_latest) AS stores,
        array_agg(unit_price ORDER BY unit_price, paid_on DESC, id DESC) FILTER (WHERE is_latest) AS unit_prices,
        array_agg(currency ORDER BY unit_price, paid_on DESC, id DESC) FILTER (WHERE is_latest) AS currencies,
        array_agg(paid_on ORDER BY unit_price, paid_on DESC, id DESC) FILTER (WHERE is_latest) AS paid_on,
        array_agg(pack_size ORDER BY unit_price, paid_on DESC, id DESC) FILTER (WHERE is_latest) AS pack_sizes,
        array_agg(unit_price ORDER BY paid_on, id) FILTER (WHERE paid_on >= %(since)s) AS recent
    FROM price GROUP BY item_id
), catalog AS MATERIALIZED (
    SELECT DISTINCT ON (c.item_id) c.item_id, c.price, c.currency, c.source FROM orders_catalogprice c
    WHERE c.item_id = ANY(ARRAY(SELECT item_id FROM chosen))
    ORDER BY c.item_id, c.source = 'manual' DESC, c.observed_at DESC, c.id DESC
)"""
_PRICE_COLUMNS = """
    prices.store_indexes, prices.stores, prices.unit_prices, prices.currencies, prices.paid_on, prices.pack_sizes,
    prices.recent, catalog.price, catalog.currency, catalog.source"""
_PRICE_JOINS = """
LEFT JOIN prices ON prices.item_id = chosen.item_id
LEFT JOIN catalog ON catalog.item_id = chosen.item_id"""


class _StoreNames:
    """Store names decrypted once per store: a store's name is the same on every row with its blind index."""

    def __init__(self) -> None:
        self._field = PricePaid._meta.get_field("store")
        self._names: dict[str, str] = {}

    def __call__(self, index: str, token: str) -> str:
        if index not in self._names:
            self._names[index] = self._field.decrypt_value(token)
        return self._names[index]


def _pricing(
    item_id: int,
    columns: Sequence[Any],
    *,
    stores: _StoreNames,
    allowed_stores: Collection[str],
    currency: str,
    today: date,
) -> ItemPricing:
    """An item's ItemPricing from the _PRICE_COLUMNS of its row."""
    indexes, tokens, unit_prices, currencies, paid_on, pack_sizes, recent, price, price_currency, source = (
        columns
    )
    if indexes is None and price is None and recent is None:
        return _unpriced(currency)  # never paid for, not in the catalogue
    store_prices = tuple(
        inventory_selectors.LatestPrice(item_id, stores(index, token), unit_price, code, day, pack)
        for index, token, unit_price, code, day, pack in zip(
            indexes or (), tokens or (), unit_prices or (), currencies or (), paid_on or (), pack_sizes or (),
            strict=True,
        )
    )  # fmt: skip
    catalog = None if price is None else (price, price_currency, source == CatalogPrice.Source.ESTIMATE)
    quote = pricing.choose_price(
        store_prices=store_prices,
        catalog=catalog,
        today=today,
        allowed_stores=allowed_stores,
        currency=currency,
    )
    rise = pricing.price_rise(recent or [])
    return ItemPricing(quote, store_prices, rise, pricing.last_pack_size(store_prices))


@functools.cache
def _unpriced(currency: str) -> ItemPricing:
    return ItemPricing(pricing.PriceQuote(None, currency, pricing.PriceSource.NONE), (), None, None)


_ITEM_PRICING_SQL = f"""
WITH chosen AS (SELECT unnest(%(ids)s::bigint[]) AS item_id), {_PRICE_CTES}
SELECT i.id, {_PRICE_COLUMNS}
FROM chosen JOIN inventory_item i ON i.id = chosen.item_id AND i.household_id = %(household)s
{_PRICE_JOINS}"""  # noqa: S608 (constant fragments)


def item_pricing(
    *, household: Household, items: Iterable[Item], preferences: Preferences, today: date
) -> dict[int, ItemPricing]:
    """Prices for the given items of the household (one query)."""
    if connection.vendor != "postgresql":
        return _item_pricing_portable(household=household, items=items, preferences=preferences, today=today)
    params = {
        "household": household.pk,
        "ids": [item.pk for item in items],
        "since": today - timedelta(days=pricing.PRICE_WINDOW_DAYS),
    }
    with connection.cursor() as cursor:
        cursor.execute(_ITEM_PRICING_SQL, params)
        rows = cursor.fetchall()
    stores = _StoreNames()
    return {
        item_id: _pricing(
            item_id,
            columns,
            stores=stores,
            allowed_stores=preferences.allowed_stores,
            currency=preferences.currency,
            today=today,
        )
        for item_id, *columns in rows
    }


def _item_pricing_portable(
    *, household: Household, items: Iterable[Item], preferences: Preferences, today: date
) -> dict[int, ItemPricing]:
    """item_pricing through the ORM, for SQLite (embedded mode), in three queries."""
    item_ids = [item.pk for item in items]
    by_item: dict[int, list[pricing.StorePrice]] = {}
    for row in inventory_selectors.latest_prices_by_store(household_ids=[household.pk], item_ids=item_ids):
        by_item.setdefault(row.item_id, []).append(row)
    catalog = catalog_latest(household_ids=[household.pk], item_ids=item_ids)
    since = today - timedelta(days=pricing.PRICE_WINDOW_DAYS)
    recent = inventory_selectors.unit_prices_since(household=household, item_ids=item_ids, since=since)
    result = {}
    for item_id in item_ids:
        stores = tuple(sorted(by_item.get(item_id, []), key=lambda price: price.unit_price))
        quote = pricing.choose_price(
            store_prices=stores,
            catalog=catalog.get(item_id),
            today=today,
            allowed_stores=preferences.allowed_stores,
            currency=preferences.currency,
        )
        rise = pricing.price_rise(recent.get(item_id, []))
        result[item_id] = ItemPricing(quote, stores, rise, pricing.last_pack_size(stores))
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
class CartItem:
    """What the cart reads of an item (the names of Item's fields, so suggested_for takes either)."""

    pk: int
    name: str
    unit: str
    category: str
    quantity: Decimal
    minimum: Decimal | None
    rate_per_day: Decimal | None
    predicted_runout: date | None


@dataclass(frozen=True)
class CartRow:
    item: CartItem
    quantity: Decimal
    pricing: ItemPricing
    brand: BrandChoice
    line_id: int | None  # None for a running-low suggestion not in the cart yet
    ticked: bool = False
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


# The household's settings the cart needs, the days it shopped on (shopping_interval's count) and the items on its
# open orders, in one row.
_CART_SETTINGS_SQL = """
SELECT p.currency, p.shopping_interval_days, p.allowed_stores, days.count, days.first, days.last,
    open.item_ids, rules.item_ids, rules.categories, rules.ranks, rules.brands
FROM (
    SELECT COUNT(DISTINCT paid_on) AS count, MIN(paid_on) AS first, MAX(paid_on) AS last
    FROM inventory_pricepaid WHERE household_id = %(household)s AND paid_on >= %(since)s
) days
CROSS JOIN (
    SELECT array_agg(item_id ORDER BY id) AS item_ids, array_agg(category ORDER BY id) AS categories,
        array_agg(rank ORDER BY id) AS ranks, array_agg(brand ORDER BY id) AS brands
    FROM orders_brandrule WHERE household_id = %(household)s
) rules
CROSS JOIN (
    SELECT array_agg(ol.item_id) AS item_ids FROM orders_orderline ol JOIN orders_order o ON o.id = ol.order_id
    WHERE ol.is_open AND o.household_id = %(household)s
) open
LEFT JOIN orders_preferences p ON p.household_id = %(household)s"""

# What the cart shows of an item (CartItem's fields after its id), read with the line or the running-low item.
_ITEM_COLUMN_NAMES = "name, unit, category, quantity, minimum, rate_per_day, predicted_runout"
_ITEM_COLUMNS = ", ".join(f"i.{column}" for column in _ITEM_COLUMN_NAMES.split(", "))

# The cart's lines in the order they were added, then the running-low items not in the cart (low_stock_q's rule,
# the soonest to run out first), each with what the cart shows of its item and its prices.
_CART_SQL = f"""
WITH line AS (
    SELECT l.id, l.item_id, l.quantity AS line_quantity, l.ticked_at, l.added_at, {_ITEM_COLUMNS}
    FROM orders_cartline l JOIN inventory_item i ON i.id = l.item_id
    WHERE l.household_id = %(household)s
), low AS (
    SELECT i.id, {_ITEM_COLUMNS} FROM inventory_item i
    WHERE i.household_id = %(household)s AND i.archived_at IS NULL
      AND (i.quantity <= 0 OR i.quantity < i.minimum OR i.predicted_runout <= %(soon)s)
      AND i.id NOT IN (SELECT item_id FROM line)
    ORDER BY i.predicted_runout ASC NULLS LAST, i.id
    LIMIT %(low_limit)s
), chosen AS (
    SELECT item_id, id AS line_id, line_quantity, ticked_at, 0 AS part, added_at, {_ITEM_COLUMN_NAMES} FROM line
    UNION ALL
    SELECT id, NULL, NULL, NULL, 1, NULL, {_ITEM_COLUMN_NAMES} FROM low
), {_PRICE_CTES}
SELECT chosen.line_id, chosen.line_quantity, chosen.ticked_at IS NOT NULL, chosen.item_id, {_ITEM_COLUMN_NAMES},
    {_PRICE_COLUMNS}
FROM chosen
{_PRICE_JOINS}
ORDER BY chosen.part, chosen.added_at, chosen.line_id, chosen.predicted_runout ASC NULLS LAST, chosen.item_id"""  # noqa: S608 (constant fragments)


@dataclass(frozen=True)
class _CartSettings:
    currency: str
    allowed_stores: list[str]
    interval_days: int
    item_rules: dict[int, list[tuple[str, str]]]  # brand_rules' ladders of single items, for this household
    category_brands: dict[str, BrandChoice]  # the choice for an item of the category without rules of its own
    on_order: frozenset[int]  # the ids of the items on open orders

    def brand(self, item: CartItem) -> BrandChoice:
        if item.pk in self.item_rules:
            return choose_brand(item_rules=self.item_rules[item.pk], category_rules=())
        return self.category_brands.get(item.category, ANY_BRAND)


# Under psycopg's 4 KiB limit for caching a statement's parsed placeholders (about 3.9 KiB now).
_CART_PAGE_SQL = f"{_CART_SETTINGS_SQL};\n{_CART_SQL}"


def _cart_settings(household: Household, row: Sequence[Any]) -> _CartSettings:
    """The household's preferences, shopping interval and brand ladder, from the row of _CART_SETTINGS_SQL."""
    currency, interval, stores_token, days, first, last, on_order, *rules = row
    if currency is None:  # nobody has changed the preferences yet: the defaults
        defaults = Preferences(household=household)
        currency, interval, stores = (
            defaults.currency,
            defaults.shopping_interval_days,
            defaults.allowed_stores,
        )
    else:
        stores = Preferences._meta.get_field("allowed_stores").decrypt_value(stores_token)
    brand_field = BrandRule._meta.get_field("brand")
    item_rules: dict[int, list[tuple[str, str]]] = {}
    category_rules: dict[str, list[tuple[str, str]]] = {}
    for item_id, category, rank, token in zip(*(values or () for values in rules), strict=True):
        rule = (rank, brand_field.decrypt_value(token))
        if item_id is not None:
            item_rules.setdefault(item_id, []).append(rule)
        else:
            category_rules.setdefault(category, []).append(rule)
    return _CartSettings(
        currency=currency,
        allowed_stores=stores,
        interval_days=pricing.shopping_interval_days(preference=interval, days=days, first=first, last=last),
        on_order=frozenset(on_order or ()),
        item_rules=item_rules,
        category_brands={
            category: choose_brand(item_rules=(), category_rules=rules)
            for category, rules in category_rules.items()
        },
    )


def cart_get(*, household: Household, today: date, suggestion_limit: int = CART_MAX_ROWS) -> Cart:
    """The cart with prices, brands and per-store totals, and the running-low items not in it yet (the
    `suggestion_limit` that run out soonest). On PostgreSQL in two statements sent as one (psycopg's client-side
    binding, Django's default, allows that: one round trip less); on SQLite (embedded mode) through the ORM."""
    if connection.vendor != "postgresql":
        return _cart_get_portable(household=household, today=today, suggestion_limit=suggestion_limit)
    params = {
        "household": household.pk,
        "since": today - timedelta(days=pricing.PRICE_WINDOW_DAYS),
        "soon": today + timedelta(days=household.low_stock_days),
        "low_limit": suggestion_limit + 1,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CART_PAGE_SQL, params)
        settings = _cart_settings(household, cursor.fetchone())
        cursor.nextset()
        fetched = cursor.fetchall()
    names = Item._meta.get_field("name")
    stores = _StoreNames()
    entries = []
    for line_id, line_quantity, ticked, item_id, name, *columns in fetched:
        item = CartItem(item_id, names.decrypt_value(name), *columns[:6])
        prices = _pricing(
            item_id,
            columns[6:],
            stores=stores,
            allowed_stores=settings.allowed_stores,
            currency=settings.currency,
            today=today,
        )
        on_order = item_id in settings.on_order
        entries.append(_Entry(item, prices, settings.brand(item), line_id, line_quantity, ticked, on_order))
    return _cart(entries, currency=settings.currency, interval=settings.interval_days, limit=suggestion_limit)


@dataclass(frozen=True)
class _Entry:
    """A cart line (line_id set) or a running-low item, as read, before the cart is put together."""

    item: CartItem
    prices: ItemPricing
    brand: BrandChoice
    line_id: int | None
    line_quantity: Decimal | None
    ticked: bool
    on_order: bool


def _cart(entries: Iterable[_Entry], *, currency: str, interval: int, limit: int) -> Cart:
    """Lines first, in the order they were added; running-low items after, the first `limit` of them."""
    rows, suggestions = [], []
    for entry in entries:
        item, prices, brand = entry.item, entry.prices, entry.brand
        if entry.line_id is None:
            quantity = suggested_for(item, prices, interval)
            suggestions.append(CartRow(item, quantity, prices, brand, None, on_order=entry.on_order))
        else:
            assert entry.line_quantity is not None
            rows.append(CartRow(item, entry.line_quantity, prices, brand, entry.line_id, ticked=entry.ticked))
    shown = suggestions[:limit]
    return Cart(
        rows=rows,
        suggestions=shown,
        store_totals=_store_totals(rows),
        total=sum((row.total or Decimal(0) for row in rows), Decimal(0)),
        unpriced=sum(1 for row in [*rows, *shown] if row.pricing.quote.unit_price is None),
        ticked=sum(1 for row in rows if row.ticked),
        currency=currency,
        interval_days=interval,
        more_suggestions=len(suggestions) > limit,
    )


def _cart_item(item: Item) -> CartItem:
    return CartItem(
        item.pk,
        item.name,
        item.unit,
        item.category,
        item.quantity,
        item.minimum,
        item.rate_per_day,
        item.predicted_runout,
    )


def _cart_get_portable(*, household: Household, today: date, suggestion_limit: int) -> Cart:
    """cart_get through the ORM, for SQLite (embedded mode)."""
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
    items = [line.item for line in lines] + low
    prices = _item_pricing_portable(household=household, items=items, preferences=preferences, today=today)
    brands = brand_choices(household=household, items=items)
    on_order = set(
        OrderLine.objects.filter(order__household=household, is_open=True).values_list("item_id", flat=True)
    )
    entries = [
        _Entry(_cart_item(line.item), prices[line.item_id], brands[line.item_id], line.pk, line.quantity,
               line.ticked_at is not None, line.item_id in on_order)
        for line in lines
    ] + [
        _Entry(_cart_item(item), prices[item.pk], brands[item.pk], None, None, False, item.pk in on_order)
        for item in low
    ]  # fmt: skip
    return _cart(
        entries,
        currency=preferences.currency,
        interval=shopping_interval(household=household, preferences=preferences, today=today),
        limit=suggestion_limit,
    )


def suggested_for(item: Item | CartItem, item_prices: ItemPricing, interval_days: int) -> Decimal:
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
