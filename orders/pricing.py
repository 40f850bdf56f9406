"""Which price a cart or order line gets, how much to buy, and when a price has risen. Pure: no ORM, no clock.

Order of trust: what the household itself paid (the cheapest store seen in the last PRICE_WINDOW_DAYS, else the
latest price anywhere), then the catalogue, then an LLM estimate, which is always labelled as one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Protocol

PRICE_WINDOW_DAYS = 90
# A unit price this much above its recent median gets a note (pack shrinkage shows up the same way, per unit).
PRICE_RISE_RATIO = Decimal("1.15")
# A rise is shown as a whole percentage; kept to a hundredth of a percent so it can be stored (orders.PriceChoice).
RISE_PLACES = Decimal("0.0001")
DEFAULT_SHOPPING_INTERVAL_DAYS = 7
CENT = Decimal("0.01")
QUANTITY_PLACES = Decimal("0.001")


class PriceSource(StrEnum):
    HISTORY = "history"
    CATALOG = "catalog"
    ESTIMATE = "estimate"
    NONE = ""


class StorePrice(Protocol):
    """The latest unit price paid for one item at one store (inventory's selectors return these)."""

    @property
    def store(self) -> str: ...
    @property
    def unit_price(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...
    @property
    def paid_on(self) -> date: ...
    @property
    def pack_size(self) -> Decimal: ...


@dataclass(frozen=True)
class PriceQuote:
    unit_price: Decimal | None
    currency: str
    source: PriceSource
    store: str = ""

    @property
    def is_estimate(self) -> bool:
        return self.source == PriceSource.ESTIMATE

    def total(self, quantity: Decimal) -> Decimal | None:
        return None if self.unit_price is None else (self.unit_price * quantity).quantize(CENT, ROUND_HALF_UP)


def store_key(store: str) -> str:
    """Store names compare case- and spacing-blind ("FreshWay  market" is "Freshway Market")."""
    return " ".join(store.casefold().split())


def choose_price(
    *,
    store_prices: Sequence[StorePrice],
    catalog: tuple[Decimal, str, bool] | None,
    today: date,
    allowed_stores: Collection[str] = (),
    currency: str,
) -> PriceQuote:
    """The price a line is expected to cost per unit. `catalog` is (price, currency, is_estimate) or None;
    `allowed_stores` (compared by store_key) limits the stores whose prices count, when not empty."""
    allowed = {store_key(store) for store in allowed_stores}
    usable = [price for price in store_prices if not allowed or store_key(price.store) in allowed]
    recent = [price for price in usable if price.paid_on >= today - timedelta(days=PRICE_WINDOW_DAYS)]
    if recent:
        best = min(recent, key=lambda price: (price.unit_price, -price.paid_on.toordinal()))
        return PriceQuote(best.unit_price, best.currency, PriceSource.HISTORY, best.store)
    if usable:
        latest = max(usable, key=lambda price: price.paid_on)
        return PriceQuote(latest.unit_price, latest.currency, PriceSource.HISTORY, latest.store)
    if catalog is not None:
        price, catalog_currency, is_estimate = catalog
        source = PriceSource.ESTIMATE if is_estimate else PriceSource.CATALOG
        return PriceQuote(price, catalog_currency, source)
    return PriceQuote(None, currency, PriceSource.NONE)


def last_pack_size(store_prices: Sequence[StorePrice]) -> Decimal | None:
    """The pack size of the most recent purchase, at whichever store."""
    if not store_prices:
        return None
    return max(store_prices, key=lambda price: price.paid_on).pack_size


def price_rise(unit_prices: Sequence[Decimal]) -> Decimal | None:
    """The latest unit price over the median of the ones before it (oldest first), when that is at least
    PRICE_RISE_RATIO; else None. The latest is left out of the median so a single rise is not diluted."""
    if len(unit_prices) < 2:
        return None
    baseline = statistics.median(unit_prices[:-1])
    if baseline <= 0:
        return None
    ratio = unit_prices[-1] / baseline
    return ratio.quantize(RISE_PLACES, ROUND_HALF_UP) if ratio >= PRICE_RISE_RATIO else None


def suggested_quantity(
    *,
    rate_per_day: Decimal | None,
    in_stock: Decimal,
    minimum: Decimal | None,
    days: int,
    pack_size: Decimal | None,
    counted_in_pieces: bool,
) -> Decimal:
    """Enough to cover the forecast use for `days` (until the next shopping trip) on top of what is in stock,
    at least back up to the minimum, at least one pack; rounded up to whole packs (or whole pieces)."""
    need = (rate_per_day or Decimal(0)) * days - in_stock
    if minimum is not None:
        need = max(need, minimum - in_stock)
    step = pack_size if pack_size and pack_size > 0 else (Decimal(1) if counted_in_pieces else None)
    if step is None:
        return max(need, Decimal(1)).quantize(QUANTITY_PLACES, ROUND_CEILING)
    packs = max(math.ceil(need / step), 1)
    return (step * packs).quantize(QUANTITY_PLACES)


def shopping_interval_days(
    *, preference: int | None, days: int, first: date | None, last: date | None
) -> int:
    """The household's own setting, else the average gap between the days it shopped (three such days at
    least, so one odd week does not decide), else a week."""
    if preference:
        return preference
    if days >= 3 and first is not None and last is not None:
        return max(1, round((last - first).days / (days - 1)))
    return DEFAULT_SHOPPING_INTERVAL_DAYS
