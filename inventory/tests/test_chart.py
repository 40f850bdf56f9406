"""The stock chart's arithmetic: a step line that holds each level until the next change."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from inventory.chart import stock_chart

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def test_each_level_is_held_until_the_next_change_and_the_last_until_now():
    levels = [(START, Decimal(10)), (START + timedelta(days=1), Decimal(5))]

    chart = stock_chart(levels, now=START + timedelta(days=2), unit="kg", name="Rice", runout=None)

    # x runs from 52 (the start) to 346 (now); y from 170 (nothing) up to 14 (10 kg, the scale's top).
    assert chart.points == "52.0,14.0 199.0,14.0 199.0,92.0 346.0,92.0"
    assert chart.forecast is None


def test_a_single_level_draws_no_chart():
    assert stock_chart([(START, Decimal(1))], now=START, unit="kg", name="Rice", runout=None) is None
