from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from inventory.forecast import (
    EventKind,
    ForecastParams,
    History,
    Method,
    StockChange,
    forecast,
    forecast_error_days,
    is_low_stock,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def ev(at: float, kind: EventKind, delta: str | int) -> StockChange:
    return StockChange(day(at), kind, Decimal(delta))


def history(events: list[StockChange], *, as_of: float, unit: str = "l") -> History:
    quantity = sum((e.delta for e in events if e.at <= day(as_of)), Decimal(0))
    return History(unit=unit, as_of=day(as_of), quantity=quantity, events=tuple(events))


def steady(days: int, *, every: float, amount: str, stock: str = "10") -> list[StockChange]:
    events = [ev(0, EventKind.PURCHASE, stock)]
    t = every
    while t <= days:
        events.append(ev(t, EventKind.CONSUME, f"-{amount}"))
        t += every
    return events


def test_steady_daily_use_gives_that_rate_and_runout():
    result = forecast(history(steady(10, every=1, amount="0.5"), as_of=10.01))
    assert result.method == Method.CONSUMPTION
    assert result.rate_per_day == Decimal("0.5")
    # 5 l left at 0.5 l/day: ten more days.
    assert result.runout == day(20).date()
    assert result.reason.startswith("about 0.5 l/day over the last")


def test_rate_uses_real_elapsed_time_between_irregular_logs():
    # The same 6 l over 12 days, logged at uneven moments.
    events = [ev(0, EventKind.PURCHASE, "10")] + [
        ev(t, EventKind.CONSUME, f"-{a}")
        for t, a in [(1, "0.5"), (4, "1.5"), (5, "0.5"), (11, "3"), (12, "0.5")]
    ]
    assert forecast(history(events, as_of=12)).rate_per_day == Decimal("0.5")


def test_corrections_are_not_consumption():
    events = steady(10, every=1, amount="0.5")
    corrected = sorted(
        [*events, ev(5.5, EventKind.ADJUST, "-2"), ev(7.5, EventKind.ADJUST, "1")], key=lambda e: e.at
    )
    plain = forecast(history(events, as_of=10.01))
    with_corrections = forecast(history(corrected, as_of=10.01))
    assert with_corrections.rate_per_day == plain.rate_per_day
    # The correction does change how much is left, so the run-out moves a day earlier.
    assert with_corrections.runout == plain.runout - timedelta(days=2)


def test_spoilage_is_not_consumption():
    events = [*steady(10, every=1, amount="0.5"), ev(10.005, EventKind.SPOIL, "-1")]
    assert forecast(history(events, as_of=10.01)).rate_per_day == Decimal("0.5")


def test_time_out_of_stock_is_not_counted_as_slow_use():
    # 2 l used in 4 days, then nothing in the house for 20 days, then restocked and used at the same pace.
    events = [
        ev(0, EventKind.PURCHASE, "2"),
        ev(2, EventKind.CONSUME, "-1"),
        ev(4, EventKind.CONSUME, "-1"),
        ev(24, EventKind.PURCHASE, "2"),
        ev(26, EventKind.CONSUME, "-1"),
    ]
    assert forecast(history(events, as_of=26)).rate_per_day == Decimal("0.5")


def test_recent_use_weighs_more_than_old_use():
    old = [ev(t, EventKind.CONSUME, "-1") for t in range(1, 31)]  # 1 l/day for a month
    new = [ev(30 + t, EventKind.CONSUME, "-0.25") for t in range(1, 31)]  # then 0.25 l/day
    events = [ev(0, EventKind.PURCHASE, "100"), *old, *new]
    rate = forecast(history(events, as_of=60)).rate_per_day
    assert rate is not None
    unweighted = Decimal("37.5") / 60
    assert Decimal("0.25") < rate < unweighted
    sharper = forecast(history(events, as_of=60), ForecastParams(half_life_days=7)).rate_per_day
    assert sharper is not None and sharper < rate


def test_long_silence_after_regular_use_lowers_the_rate():
    events = steady(10, every=1, amount="1", stock="20")
    soon = forecast(history(events, as_of=10.5)).rate_per_day
    later = forecast(history(events, as_of=40)).rate_per_day
    assert soon is not None and later is not None
    assert later < soon / 2


def test_two_uses_within_a_minute_assume_at_least_a_day():
    events = [
        ev(0, EventKind.PURCHASE, "6"),
        ev(0.0005, EventKind.CONSUME, "-1"),
        ev(0.001, EventKind.CONSUME, "-1"),
    ]
    result = forecast(history(events, as_of=0.002, unit="pcs"))
    assert result.rate_per_day == Decimal(2)
    assert result.runout == day(2).date()
    assert "only 2 uses logged so far" in result.reason


def test_purchase_interval_estimate_for_items_nobody_logs_use_of():
    # A 2 l bottle every 7 days: 2/7 l a day. Last bought on day 28, so on day 30 about 1.43 l is left.
    events = [ev(7 * n, EventKind.PURCHASE, "2") for n in range(5)]
    result = forecast(history(events, as_of=30))
    assert result.method == Method.PURCHASE_INTERVAL
    assert result.rate_per_day == Decimal("0.2857")
    assert result.runout == day(35).date()
    assert "bought about every 7 days" in result.reason


def test_purchase_interval_respects_a_correction_to_zero():
    events = [ev(7 * n, EventKind.PURCHASE, "2") for n in range(5)]
    events.append(ev(29, EventKind.ADJUST, "-10"))
    result = forecast(History(unit="l", as_of=day(30), quantity=Decimal(0), events=tuple(events)))
    assert result.runout == day(30).date()


def test_no_history_gives_no_date_and_says_what_to_do():
    result = forecast(history([ev(0, EventKind.PURCHASE, "3")], as_of=5))
    assert result.method == Method.NONE
    assert result.runout is None and result.rate_per_day is None
    assert "log a use" in result.reason


def test_out_of_stock_runs_out_today():
    events = [ev(0, EventKind.PURCHASE, "1"), ev(1, EventKind.CONSUME, "-1")]
    assert forecast(history(events, as_of=1.5)).runout == day(1.5).date()


def test_events_after_as_of_are_ignored():
    events = steady(20, every=1, amount="0.5")
    assert forecast(history(events, as_of=10.01)).rate_per_day == Decimal("0.5")


def test_low_stock_rules():
    today = date(2026, 3, 10)
    base = {"quantity": Decimal(5), "minimum": None, "runout": None, "today": today, "threshold_days": 3}
    assert not is_low_stock(**base)
    assert is_low_stock(**{**base, "quantity": Decimal(0)})
    assert is_low_stock(**{**base, "minimum": Decimal(6)})
    assert not is_low_stock(**{**base, "minimum": Decimal(5)})  # at the minimum is not below it
    assert is_low_stock(**{**base, "runout": date(2026, 3, 13)})
    assert not is_low_stock(**{**base, "runout": date(2026, 3, 14)})
    assert not is_low_stock(**{**base, "runout": date(2026, 3, 14), "threshold_days": 3})
    assert is_low_stock(**{**base, "runout": date(2026, 3, 14), "threshold_days": 4})


def test_forecast_error_is_positive_when_the_item_ran_out_early():
    assert forecast_error_days(date(2026, 3, 10), date(2026, 3, 7)) == 3
    assert forecast_error_days(date(2026, 3, 10), date(2026, 3, 12)) == -2


def test_a_rate_from_a_few_hours_of_use_says_so_and_shows_the_unit():
    events = [
        ev(0, EventKind.PURCHASE, "2"),
        ev(0.1, EventKind.CONSUME, "-1"),
        ev(0.2, EventKind.CONSUME, "-0.12"),
    ]
    result = forecast(history(events, as_of=0.25, unit="lb"))
    assert "lb/day judging by less than a day of use" in result.reason
    assert "in less than a day" not in result.reason
