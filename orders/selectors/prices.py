"""The household's shopping preferences, what an item costs (prices paid, the catalogue, estimates) and which brand
to buy, read for the cart, for orders and for the reorder job."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from grapefruit.models import Household
from inventory import selectors as inventory_selectors
from inventory.models import Item, PricePaid
from orders import pricing
from orders.brands import BrandChoice, choose_brand
from orders.models import BrandRule, CatalogPrice, Preferences


def preferences_get(*, household: Household) -> Preferences:
    """The household's preferences, or the defaults (unsaved) when nobody has changed them yet."""
    return Preferences.objects.filter(household=household).first() or Preferences(household=household)


@dataclass(frozen=True)
class ChosenPrice:
    """What the cart shows of an item's prices: the price to expect, whether it rose, the pack size to buy in."""

    quote: pricing.PriceQuote
    rise: Decimal | None
    pack_size: Decimal | None


@dataclass(frozen=True)
class ItemPricing:
    quote: pricing.PriceQuote
    store_prices: tuple[pricing.StorePrice, ...]  # the latest price at each store, cheapest first
    rise: Decimal | None
    pack_size: Decimal | None

    @property
    def chosen(self) -> ChosenPrice:
        return ChosenPrice(self.quote, self.rise, self.pack_size)


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
# the latest price paid at each store (in no order: pricing_from_columns sorts them, since PostgreSQL 15 sorts
# each array with an ORDER BY apart, six sorts per item for one order), the unit prices paid since
# %(since)s (oldest first), and the catalogue's price (hand-entered before estimated, then the latest). Rows are
# found by item, not by household: the items are the household's (the queries that pick them say so), and a price
# always belongs to its item's household (price_paid_record, catalog_price_record). Raw SQL, because the cart page
# reads them on every load: the ORM's compilation of the three queries it took cost more than the rest of the page
# (bench/OPTIMISATIONS.md).
PRICE_CTES = """
price AS MATERIALIZED (
    SELECT p.item_id, p.store_index, p.store, p.unit_price, p.currency, p.paid_on, p.pack_size, p.id, p.is_latest
    FROM inventory_pricepaid p
    WHERE p.item_id = ANY(ARRAY(SELECT item_id FROM chosen)) AND (p.is_latest OR p.paid_on >= %(since)s)
), prices AS MATERIALIZED (
    SELECT item_id, array_agg(id) FILTER (WHERE is_latest) AS ids,
        array_agg(store_index) FILTER (WHERE is_latest) AS store_indexes,
        array_agg(store) FILTER (WHERE is_latest) AS stores,
        array_agg(unit_price) FILTER (WHERE is_latest) AS unit_prices,
        array_agg(currency) FILTER (WHERE is_latest) AS currencies,
        array_agg(paid_on) FILTER (WHERE is_latest) AS paid_on,
        array_agg(pack_size) FILTER (WHERE is_latest) AS pack_sizes,
        array_agg(unit_price ORDER BY paid_on, id) FILTER (WHERE paid_on >= %(since)s) AS recent
    FROM price GROUP BY item_id
), catalog AS MATERIALIZED (
    SELECT DISTINCT ON (c.item_id) c.item_id, c.price, c.currency, c.source FROM orders_catalogprice c
    WHERE c.item_id = ANY(ARRAY(SELECT item_id FROM chosen))
    ORDER BY c.item_id, c.source = 'manual' DESC, c.observed_at DESC, c.id DESC
)"""
PRICE_COLUMNS = """
    prices.ids, prices.store_indexes, prices.stores, prices.unit_prices, prices.currencies, prices.paid_on, prices.pack_sizes,
    prices.recent, catalog.price, catalog.currency, catalog.source"""
PRICE_JOINS = """
LEFT JOIN prices ON prices.item_id = chosen.item_id
LEFT JOIN catalog ON catalog.item_id = chosen.item_id"""


class StoreNames:
    """Store names decrypted once per store: a store's name is the same on every row with its blind index."""

    def __init__(self) -> None:
        self._field = PricePaid._meta.get_field("store")
        self._names: dict[str, str] = {}

    def __call__(self, index: str, token: str) -> str:
        if index not in self._names:
            self._names[index] = self._field.decrypt_value(token)
        return self._names[index]


def pricing_from_columns(
    item_id: int,
    columns: Sequence[Any],
    *,
    stores: StoreNames,
    allowed_stores: Collection[str],
    currency: str,
    today: date,
) -> ItemPricing:
    """An item's ItemPricing from the PRICE_COLUMNS of its row."""
    (
        ids,
        indexes,
        tokens,
        unit_prices,
        currencies,
        paid_on,
        pack_sizes,
        recent,
        price,
        price_currency,
        source,
    ) = columns
    if indexes is None and price is None and recent is None:
        return unpriced(currency)  # never paid for, not in the catalogue
    # The arrays come in the same order, but no particular one: cheapest first, then the latest paid.
    latest = sorted(
        zip(unit_prices or (), paid_on or (), ids or (), indexes or (), tokens or (), currencies or (),
            pack_sizes or (), strict=True),
        key=lambda price: (price[0], -price[1].toordinal(), -price[2]),
    )  # fmt: skip
    store_prices = tuple(
        inventory_selectors.LatestPrice(item_id, stores(index, token), unit_price, code, day, pack)
        for unit_price, day, _, index, token, code, pack in latest
    )
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
def unpriced(currency: str) -> ItemPricing:
    return ItemPricing(pricing.PriceQuote(None, currency, pricing.PriceSource.NONE), (), None, None)


_ITEM_PRICING_SQL = f"""
WITH chosen AS (SELECT unnest(%(ids)s::bigint[]) AS item_id), {PRICE_CTES}
SELECT i.id, {PRICE_COLUMNS}
FROM chosen JOIN inventory_item i ON i.id = chosen.item_id AND i.household_id = %(household)s
{PRICE_JOINS}"""  # noqa: S608 (constant fragments)


def item_pricing(
    *, household: Household, items: Iterable[Item], preferences: Preferences, today: date
) -> dict[int, ItemPricing]:
    """Prices for the given items of the household (one query)."""
    if connection.vendor != "postgresql":
        return item_pricing_portable(household=household, items=items, preferences=preferences, today=today)
    params = {
        "household": household.pk,
        "ids": [item.pk for item in items],
        "since": today - timedelta(days=pricing.PRICE_WINDOW_DAYS),
    }
    with connection.cursor() as cursor:
        cursor.execute(_ITEM_PRICING_SQL, params)
        rows = cursor.fetchall()
    stores = StoreNames()
    return {
        item_id: pricing_from_columns(
            item_id,
            columns,
            stores=stores,
            allowed_stores=preferences.allowed_stores,
            currency=preferences.currency,
            today=today,
        )
        for item_id, *columns in rows
    }


def item_pricing_portable(
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
