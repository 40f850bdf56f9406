"""The pure rules: which price, how much to buy, when a price rose, which brand."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from inventory.selectors import LatestPrice
from orders.brands import choose_brand
from orders.pricing import (
    PriceSource,
    choose_price,
    price_rise,
    shopping_interval_days,
    suggested_quantity,
)

TODAY = date(2026, 11, 20)


def _at(store, price, days_ago, pack="1"):
    return LatestPrice(1, store, Decimal(price), "USD", TODAY - timedelta(days=days_ago), Decimal(pack))


def test_the_cheapest_store_of_the_last_90_days_wins_over_older_and_catalogue_prices():
    prices = [_at("Corner", "2.50", 3), _at("Bio Shop", "2.10", 40), _at("Cheapo", "1.00", 120)]
    quote = choose_price(
        store_prices=prices, catalog=(Decimal("0.50"), "USD", False), today=TODAY, currency="USD"
    )
    assert (quote.unit_price, quote.store, quote.source) == (Decimal("2.10"), "Bio Shop", PriceSource.HISTORY)


def test_allowed_stores_limit_the_prices_that_count_by_name_whatever_the_case():
    prices = [_at("Corner Grocer", "2.50", 3), _at("Bio Shop", "2.10", 40)]
    quote = choose_price(
        store_prices=prices, catalog=None, today=TODAY, allowed_stores=["corner  GROCER"], currency="USD"
    )
    assert quote.store == "Corner Grocer"


def test_without_recent_prices_the_latest_paid_then_the_catalogue_then_an_estimate():
    old = [_at("Corner", "2.00", 200), _at("Bio", "1.50", 300)]
    assert choose_price(store_prices=old, catalog=None, today=TODAY, currency="USD").store == "Corner"
    catalog = choose_price(store_prices=[], catalog=(Decimal("3"), "EUR", False), today=TODAY, currency="USD")
    assert (catalog.source, catalog.currency, catalog.is_estimate) == (PriceSource.CATALOG, "EUR", False)
    estimate = choose_price(store_prices=[], catalog=(Decimal("3"), "USD", True), today=TODAY, currency="USD")
    assert estimate.is_estimate
    nothing = choose_price(store_prices=[], catalog=None, today=TODAY, currency="USD")
    assert (nothing.unit_price, nothing.total(Decimal(2))) == (None, None)


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        (["2.00", "2.00", "2.00", "2.30"], Decimal("1.15")),  # exactly 15%: noted
        (["2.00", "2.00", "2.29"], None),  # 14.5%: not
        (["2.00", "9.00", "2.00", "2.40"], Decimal("1.2")),  # one odd price does not move the median
        (["2.40"], None),  # nothing to compare with
    ],
)
def test_a_price_rise_is_against_the_median_of_the_earlier_prices(history, expected):
    assert price_rise([Decimal(price) for price in history]) == expected


@pytest.mark.parametrize(
    ("rate", "stock", "minimum", "pack", "pieces", "expected"),
    [
        ("0.5", "0.5", None, "1", False, "3"),  # 3.5 needed - 0.5 in stock = 3 packs of 1
        ("0.5", "0.5", None, "2", False, "4"),  # rounded up to whole 2-unit packs
        ("0.1", "5", None, "1", False, "1"),  # stock covers it, but a line buys at least one pack
        (None, "0", "6", None, True, "6"),  # no forecast: back up to the minimum, whole pieces
        ("0.3", "0", None, None, False, "2.1"),  # loose goods without a known pack
    ],
)
def test_the_suggested_quantity(rate, stock, minimum, pack, pieces, expected):
    quantity = suggested_quantity(
        rate_per_day=Decimal(rate) if rate else None,
        in_stock=Decimal(stock),
        minimum=Decimal(minimum) if minimum else None,
        days=7,
        pack_size=Decimal(pack) if pack else None,
        counted_in_pieces=pieces,
    )
    assert quantity == Decimal(expected)


def test_the_shopping_interval_is_the_preference_else_learned_else_a_week():
    assert shopping_interval_days(preference=3, days=9, first=TODAY, last=TODAY) == 3
    assert shopping_interval_days(preference=None, days=4, first=TODAY - timedelta(days=30), last=TODAY) == 10
    assert shopping_interval_days(preference=None, days=2, first=TODAY - timedelta(days=30), last=TODAY) == 7


def test_the_brand_ladder_prefers_then_accepts_and_never_picks_an_avoided_brand():
    category = [("acceptable", "Store brand"), ("avoid", "Cheapo")]
    assert choose_brand(item_rules=[], category_rules=category).brand == "Store brand"
    item = [("acceptable", "B"), ("preferred", "A"), ("avoid", "C")]
    choice = choose_brand(item_rules=item, category_rules=category)
    assert (choice.brand, choice.avoid, choice.rank) == ("A", ("C",), "preferred")
    only_avoid = choose_brand(item_rules=[("avoid", "C"), ("preferred", "c")], category_rules=[])
    assert (only_avoid.brand, only_avoid.avoid) == ("", ("C",))
