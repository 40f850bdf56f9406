"""The cart page's reads: the cart's lines and the running-low items with their prices and brands, in one round
trip on PostgreSQL when the stored price choices hold (through the ORM on SQLite)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F
from django.shortcuts import get_object_or_404

from grapefruit.models import Household
from grapefruit.prepared import PreparedStatement, execute_prepared
from inventory import selectors as inventory_selectors
from inventory.models import Item
from orders import pricing
from orders.brands import ANY_BRAND, BrandChoice, choose_brand
from orders.models import BrandRule, CartLine, OrderLine, Preferences, PriceChoice
from orders.selectors.price_choices import (
    CHOICE_COLUMNS,
    CHOICE_JOINS,
    ChoiceBasis,
    chosen_from_columns,
    price_choices_make,
)
from orders.selectors.prices import (
    ChosenPrice,
    ItemPricing,
    StoreNames,
    brand_choices,
    item_pricing_portable,
    preferences_get,
    shopping_interval,
)

CART_MAX_ROWS = 200


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
    pricing: ChosenPrice
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
    # Prices chosen afresh while reading, for orders.services.price_choices_remember (PostgreSQL only).
    choices_to_store: tuple[PriceChoice, ...] = field(default=(), compare=False)


# The household's settings the cart needs, the days it shopped on (shopping_interval's count) and the items on its
# open orders, in one row.
_CART_SETTINGS_SQL = """
SELECT p.currency, p.shopping_interval_days, p.allowed_stores, p.updated_at, days.count, days.first, days.last,
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
_CHOSEN_ITEM_COLUMNS = ", ".join(f"chosen.{column}" for column in _ITEM_COLUMN_NAMES.split(", "))

# The cart's lines in the order they were added, then the running-low items not in the cart (low_stock_q's rule,
# the soonest to run out first), each with what the cart shows of its item and its stored price choice. The lines'
# items are also looked up by id (`= ANY(ARRAY(...))`): joined plainly, PostgreSQL's default costs make it read
# every item of the household for a cart of 30 lines (0.5 ms at 2,000 items, 0.1 ms by id).
_CART_SQL = f"""
WITH line AS (
    SELECT l.id, l.item_id, l.quantity AS line_quantity, l.ticked_at, l.added_at, {_ITEM_COLUMNS}
    FROM orders_cartline l JOIN inventory_item i ON i.id = l.item_id
    WHERE l.household_id = %(household)s
      AND i.id = ANY(ARRAY(SELECT item_id FROM orders_cartline WHERE household_id = %(household)s))
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
)
SELECT chosen.line_id, chosen.line_quantity, chosen.ticked_at IS NOT NULL, chosen.item_id,
    {_CHOSEN_ITEM_COLUMNS}, {CHOICE_COLUMNS}
FROM chosen
{CHOICE_JOINS}
ORDER BY chosen.part, chosen.added_at, chosen.line_id, chosen.predicted_runout ASC NULLS LAST, chosen.item_id"""  # noqa: S608 (constant fragments)


@dataclass(frozen=True)
class _CartSettings:
    basis: ChoiceBasis  # the preferences prices are chosen by
    interval_days: int
    item_rules: dict[int, list[tuple[str, str]]]  # brand_rules' ladders of single items, for this household
    category_brands: dict[str, BrandChoice]  # the choice for an item of the category without rules of its own
    on_order: frozenset[int]  # the ids of the items on open orders

    def brand(self, item: CartItem) -> BrandChoice:
        if item.pk in self.item_rules:
            return choose_brand(item_rules=self.item_rules[item.pk], category_rules=())
        return self.category_brands.get(item.category, ANY_BRAND)


# Prepared once per connection (grapefruit.prepared): planning the two took PostgreSQL longer than running them.
_CART_STATEMENTS = (
    PreparedStatement("orders_cart_settings", _CART_SETTINGS_SQL, {"household": "bigint", "since": "date"}),
    PreparedStatement(
        "orders_cart_rows",
        _CART_SQL,
        {"household": "bigint", "today": "date", "soon": "date", "low_limit": "integer"},
    ),
)


def _cart_settings(household: Household, row: Sequence[Any]) -> _CartSettings:
    """The household's preferences, shopping interval and brand ladder, from the row of _CART_SETTINGS_SQL."""
    currency, interval, stores_token, preferences_updated_at, days, first, last, on_order, *rules = row
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
        basis=ChoiceBasis(
            allowed_stores=stores, currency=currency, preferences_updated_at=preferences_updated_at
        ),
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
    `suggestion_limit` that run out soonest).

    On PostgreSQL in two prepared statements executed in one round trip (psycopg's client-side binding, Django's
    default, allows several statements in one), each item with its stored price choice (orders.PriceChoice); the
    items whose choice is missing or stale are priced in one more query, and their new choices come back in
    `choices_to_store`. On SQLite (embedded mode) through the ORM, choosing every price."""
    if connection.vendor != "postgresql":
        return _cart_get_portable(household=household, today=today, suggestion_limit=suggestion_limit)
    params = {
        "household": household.pk,
        "today": today,
        "since": today - timedelta(days=pricing.PRICE_WINDOW_DAYS),
        "soon": today + timedelta(days=household.low_stock_days),
        "low_limit": suggestion_limit + 1,
    }
    with connection.cursor() as cursor:
        execute_prepared(cursor, _CART_STATEMENTS, params)
        settings = _cart_settings(household, cursor.fetchone())
        cursor.nextset()
        fetched = cursor.fetchall()
    names = Item._meta.get_field("name")
    stores = StoreNames()
    currency = settings.basis.currency
    read = []
    for line_id, line_quantity, ticked, item_id, name, *columns in fetched:
        item = CartItem(item_id, names.decrypt_value(name), *columns[:6])
        chosen = chosen_from_columns(columns[6:], stores=stores, currency=currency)
        read.append((item, line_id, line_quantity, ticked, chosen))
    stale = [item.pk for item, *_, chosen in read if chosen is None]
    made = (
        price_choices_make(item_ids=stale, basis=settings.basis, stores=stores, today=today) if stale else {}
    )
    entries = [
        _Entry(
            item,
            made[item.pk][0] if chosen is None else chosen,
            settings.brand(item),
            line_id,
            line_quantity,
            ticked,
            item.pk in settings.on_order,
        )
        for item, line_id, line_quantity, ticked, chosen in read
    ]
    return _cart(
        entries,
        currency=currency,
        interval=settings.interval_days,
        limit=suggestion_limit,
        choices_to_store=tuple(row for _, row in made.values()),
    )


@dataclass(frozen=True)
class _Entry:
    """A cart line (line_id set) or a running-low item, as read, before the cart is put together."""

    item: CartItem
    prices: ChosenPrice
    brand: BrandChoice
    line_id: int | None
    line_quantity: Decimal | None
    ticked: bool
    on_order: bool


def _cart(
    entries: Iterable[_Entry],
    *,
    currency: str,
    interval: int,
    limit: int,
    choices_to_store: tuple[PriceChoice, ...] = (),
) -> Cart:
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
        choices_to_store=choices_to_store,
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
    prices = item_pricing_portable(household=household, items=items, preferences=preferences, today=today)
    brands = brand_choices(household=household, items=items)
    on_order = set(
        OrderLine.objects.filter(order__household=household, is_open=True).values_list("item_id", flat=True)
    )
    entries = [
        _Entry(_cart_item(line.item), prices[line.item_id].chosen, brands[line.item_id], line.pk, line.quantity,
               line.ticked_at is not None, line.item_id in on_order)
        for line in lines
    ] + [
        _Entry(_cart_item(item), prices[item.pk].chosen, brands[item.pk], None, None, False, item.pk in on_order)
        for item in low
    ]  # fmt: skip
    return _cart(
        entries,
        currency=preferences.currency,
        interval=shopping_interval(household=household, preferences=preferences, today=today),
        limit=suggestion_limit,
    )


def suggested_for(
    item: Item | CartItem, item_prices: ItemPricing | ChosenPrice, interval_days: int
) -> Decimal:
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
