"""The cart's stored price choices (orders.PriceChoice), PostgreSQL only: read with the cart's rows where they still
hold, and chosen afresh, ready to be stored, for the items whose choice is missing or stale."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection

from orders import pricing
from orders.models import PriceChoice
from orders.selectors.prices import (
    PRICE_COLUMNS,
    PRICE_CTES,
    PRICE_JOINS,
    ChosenPrice,
    StoreNames,
    pricing_from_columns,
)

# What a choice records of an item's catalogue entries: their count and newest id.
CATALOG_STAMP = "count(*) || '/' || coalesce(max(id), 0)"
# The stored choice of each item of a CTE `chosen` (its `item_id`), joined only while it holds (PriceChoice says
# when): %(today)s and %(household)s are the query's parameters. The newest price paid and the catalogue's stamp
# are index-only scans (indexes on item and id).
CHOICE_JOINS = f"""
LEFT JOIN orders_pricechoice choice ON choice.item_id = chosen.item_id
    AND choice.chosen_on <= %(today)s AND (choice.valid_through IS NULL OR choice.valid_through >= %(today)s)
    AND choice.last_price_id IS NOT DISTINCT FROM (
        SELECT max(id) FROM inventory_pricepaid WHERE item_id = chosen.item_id)
    AND choice.catalog_stamp = (SELECT {CATALOG_STAMP} FROM orders_catalogprice WHERE item_id = chosen.item_id)
    AND choice.preferences_updated_at IS NOT DISTINCT FROM (
        SELECT updated_at FROM orders_preferences WHERE household_id = %(household)s)
LEFT JOIN inventory_pricepaid choice_store ON choice_store.id = choice.store_price_id"""  # noqa: S608 (constant fragments)
CHOICE_COLUMNS = """choice.item_id IS NOT NULL, choice.source, choice.unit_price, choice.currency,
    choice_store.store_index, choice_store.store, choice.rise, choice.pack_size"""


def chosen_from_columns(columns: Sequence[Any], *, stores: StoreNames, currency: str) -> ChosenPrice | None:
    """The stored choice in a row's CHOICE_COLUMNS, or None when no choice holds."""
    holds, source, unit_price, price_currency, store_index, store_token, rise, pack_size = columns
    if not holds:
        return None
    store = "" if store_index is None else stores(store_index, store_token)
    # Without a price, the quote is in the household's currency as it is now (the row keeps none).
    quote = pricing.PriceQuote(unit_price, price_currency or currency, pricing.PriceSource(source), store)
    return ChosenPrice(quote, rise, pack_size)


@dataclass(frozen=True)
class ChoiceBasis:
    """What a choice is made from besides the item's prices: the preferences as read (and when they were saved)."""

    allowed_stores: Collection[str]
    currency: str
    preferences_updated_at: datetime | None


# The prices of the items whose choice is missing or stale, with what a new choice records: the first day a price
# in the window leaves it (the day after valid_through), the newest price paid and the catalogue's stamp, all read
# in one statement, so in one snapshot.
_CHOICE_SQL = f"""
WITH chosen AS (SELECT unnest(%(ids)s::bigint[]) AS item_id), {PRICE_CTES}
SELECT chosen.item_id, {PRICE_COLUMNS},
    (SELECT min(paid_on) FROM price WHERE price.item_id = chosen.item_id AND price.paid_on >= %(since)s),
    (SELECT max(id) FROM inventory_pricepaid WHERE item_id = chosen.item_id),
    (SELECT {CATALOG_STAMP} FROM orders_catalogprice WHERE item_id = chosen.item_id)
FROM chosen
{PRICE_JOINS}"""  # noqa: S608 (constant fragments)


def price_choices_make(
    *, item_ids: Collection[int], basis: ChoiceBasis, stores: StoreNames, today: date
) -> dict[int, tuple[ChosenPrice, PriceChoice]]:
    """Choose the price of each of the items (the household's: the caller's query picked them) as of `today`;
    each with the PriceChoice to store (unsaved). One query."""
    params = {"ids": list(item_ids), "since": today - timedelta(days=pricing.PRICE_WINDOW_DAYS)}
    with connection.cursor() as cursor:
        cursor.execute(_CHOICE_SQL, params)
        fetched = cursor.fetchall()
    made = {}
    for item_id, *columns in fetched:
        *price_columns, window_start, last_price_id, catalog_stamp = columns
        item_pricing = pricing_from_columns(
            item_id,
            price_columns,
            stores=stores,
            allowed_stores=basis.allowed_stores,
            currency=basis.currency,
            today=today,
        )
        quote = item_pricing.quote
        row = PriceChoice(
            item_id=item_id,
            source=quote.source.value,
            unit_price=quote.unit_price,
            currency=quote.currency if quote.source else "",
            store_price_id=_store_price_id(price_columns, quote, stores),
            rise=item_pricing.rise,
            pack_size=item_pricing.pack_size,
            chosen_on=today,
            valid_through=window_start + timedelta(days=pricing.PRICE_WINDOW_DAYS) if window_start else None,
            last_price_id=last_price_id,
            catalog_stamp=catalog_stamp,
            preferences_updated_at=basis.preferences_updated_at,
        )
        made[item_id] = (item_pricing.chosen, row)
    return made


def _store_price_id(
    price_columns: Sequence[Any], quote: pricing.PriceQuote, stores: StoreNames
) -> int | None:
    """The id of the price paid a quote from the household's own prices came from: the latest at its store (there
    is one such row per store)."""
    if quote.source != pricing.PriceSource.HISTORY:
        return None
    ids, indexes, tokens = price_columns[:3]
    return next(
        price_id
        for price_id, index, token in zip(ids, indexes, tokens, strict=True)
        if stores(index, token) == quote.store
    )
