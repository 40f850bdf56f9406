"""Run-out forecasting from an item's stock journal. Pure: no ORM, no clock; the caller passes `as_of`.

Two estimators, tried in order:

1. Consumption: the rate is consumed amount over the time the item was in stock, with each logged use
   weighted by its recency (exponential, half-life `half_life_days`). Each use is paired with the time since
   the previous journal entry, so irregular logging still gives a rate per real elapsed day. Time spent out of
   stock is not counted (nobody can use what is not there); corrections and spoilage are not consumption.
2. Purchase interval: for items nobody logs use of, what one purchase lasted until the next one, again
   weighted by recency, with the stock on hand simulated from the purchases and any corrections.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from inventory.units import format_quantity

SECONDS_PER_DAY = 86_400.0


class EventKind(StrEnum):
    PURCHASE = "purchase"
    CONSUME = "consume"
    ADJUST = "adjust"
    SPOIL = "spoil"


class Method(StrEnum):
    CONSUMPTION = "consumption"
    PURCHASE_INTERVAL = "purchase_interval"
    NONE = "none"


@dataclass(frozen=True)
class StockChange:
    """One journal entry: `delta` is signed (a use of 2 is -2)."""

    at: datetime
    kind: EventKind
    delta: Decimal


@dataclass(frozen=True)
class History:
    """Everything the forecaster sees: the item's journal and its stock at `as_of`."""

    unit: str
    as_of: datetime
    quantity: Decimal
    events: tuple[StockChange, ...]


@dataclass(frozen=True)
class ForecastParams:
    """Tuned with bench/forecast_bench.py; see docs/BENCHMARKS.md."""

    half_life_days: float = 60.0
    # Uses logged within minutes of the start say little about a daily rate: assume at least this much time.
    min_exposure_days: float = 1.0
    # A silence longer than this many typical gaps since the last use counts as time without use.
    idle_gap_factor: float = 4.0
    # Journal entries older than this are ignored: a household's habits from last year are not today's.
    max_history_days: float = 180.0


@dataclass(frozen=True)
class Forecast:
    rate_per_day: Decimal | None
    runout: date | None
    reason: str
    method: Method
    uses_counted: int = 0
    params: ForecastParams = field(default_factory=ForecastParams, repr=False, compare=False)


def forecast(history: History, params: ForecastParams | None = None) -> Forecast:
    """Predict when `history`'s item runs out, with a one-sentence reason a member can check."""
    params = params or ForecastParams()
    events = _recent_events(history, params)
    rated = _consumption_rate(history, events, params) or _purchase_interval_rate(history, events, params)
    if rated is None:
        return Forecast(None, _already_out(history), _no_history_reason(history), Method.NONE)
    rate, remaining, reason, method, uses = rated
    runout = _runout_date(history.as_of, remaining, rate)
    return Forecast(_as_decimal(rate), runout, reason, method, uses)


def is_low_stock(
    *,
    quantity: Decimal,
    minimum: Decimal | None,
    runout: date | None,
    today: date,
    threshold_days: int,
) -> bool:
    """Low = out, below the member's minimum, or predicted to run out within the household's threshold."""
    if quantity <= 0:
        return True
    if minimum is not None and quantity < minimum:
        return True
    return runout is not None and (runout - today).days <= threshold_days


# Until this many of an item's predictions have been checked against a real run-out, its forecast is untested.
TRUSTED_AFTER_CHECKS = 3
# Share of the days left by which an untested forecast is brought forward. The forecast bench's errors on the
# households that log casually are about a third to a half of the horizon (docs/BENCHMARKS.md).
UNTESTED_SHARE = 0.5
MAX_CAUTION_DAYS = 30


def cautious_runout(*, runout: date, today: date, checked: int, mean_abs_error_days: float | None) -> date:
    """An early (lower-bound) run-out for ordering in time: the prediction brought forward by how far this item's
    checked predictions missed on average and, while fewer than TRUSTED_AFTER_CHECKS were checked, by at least
    UNTESTED_SHARE of the days left. Running out costs more than buying a few days early, so an uncertain
    forecast is reordered earlier, not later. Never before today; the margin is capped at MAX_CAUTION_DAYS."""
    days_left = (runout - today).days
    if days_left <= 0:
        return runout
    margin = mean_abs_error_days or 0.0
    if checked < TRUSTED_AFTER_CHECKS:
        margin = max(margin, UNTESTED_SHARE * days_left)
    margin = min(margin, float(MAX_CAUTION_DAYS), float(days_left))
    return runout - timedelta(days=math.floor(margin))


def forecast_error_days(predicted: date, actual: date) -> int:
    """Signed error: positive when the item ran out earlier than predicted (the prediction was late)."""
    return (predicted - actual).days


# --- consumption -------------------------------------------------------------------------------------------

_Rated = tuple[float, float, str, Method, int]


def _recent_events(history: History, params: ForecastParams) -> list[StockChange]:
    horizon = history.as_of - timedelta(days=params.max_history_days)
    return sorted((e for e in history.events if horizon <= e.at <= history.as_of), key=lambda e: e.at)


def _stock_after(history: History, events: Sequence[StockChange]) -> list[float]:
    """Reconstruct the stock after each event by walking back from the current quantity."""
    after: list[float] = [0.0] * len(events)
    level = float(history.quantity)
    for index in range(len(events) - 1, -1, -1):
        after[index] = level
        level -= float(events[index].delta)
    return after


def _in_stock_days(
    events: Sequence[StockChange], after: Sequence[float], start: int, end: int, end_at: datetime
) -> float:
    """Days between events[start] and events[end] (or `end_at`) during which the stock was above zero."""
    total = 0.0
    for index in range(start, end):
        following = events[index + 1].at if index + 1 < len(events) else end_at
        if after[index] > 0:
            total += (following - events[index].at).total_seconds() / SECONDS_PER_DAY
    return total


def _weight(age_days: float, params: ForecastParams) -> float:
    return 0.5 ** (max(age_days, 0.0) / params.half_life_days)


def _consumption_rate(history: History, events: list[StockChange], params: ForecastParams) -> _Rated | None:
    uses = [i for i, e in enumerate(events) if e.kind == EventKind.CONSUME and e.delta < 0]
    # A first use with nothing logged before it has no known start time, so only its successors count.
    if uses and uses[0] == 0:
        uses = uses[1:]
    if not uses:
        return None
    after = _stock_after(history, events)
    amount_sum = exposure_sum = 0.0
    start = previous = uses[0] - 1
    gaps: list[float] = []
    for index in uses:
        exposure = _in_stock_days(events, after, previous, index, history.as_of)
        weight = _weight(_age_days(history.as_of, events[index].at), params)
        amount_sum += weight * -float(events[index].delta)
        exposure_sum += weight * exposure
        gaps.append(exposure)
        previous = index
    exposure_sum += _idle_exposure(history, events, after, previous, gaps, params)
    rate = amount_sum / max(exposure_sum, params.min_exposure_days)
    window = _days_between(events[start].at, history.as_of)
    reason = f"about {_format_rate(rate, history.unit)} {_over(window)}"
    if len(uses) < 3:
        reason += f" (only {_plural(len(uses), 'use')} logged so far)"
    return rate, float(history.quantity), reason, Method.CONSUMPTION, len(uses)


def _idle_exposure(
    history: History,
    events: Sequence[StockChange],
    after: Sequence[float],
    last_use: int,
    gaps: Sequence[float],
    params: ForecastParams,
) -> float:
    """Silence since the last use, beyond what is usual between uses, counts as time without use.

    Counting all of it would bias every rate low (the next use is simply not due yet); counting none would
    keep predicting use of something the household stopped buying.
    """
    silence = _in_stock_days(events, after, last_use, len(events), history.as_of)
    typical = sorted(gaps)[len(gaps) // 2]
    return max(0.0, silence - params.idle_gap_factor * typical)


# --- purchase interval -------------------------------------------------------------------------------------


def _purchase_interval_rate(
    history: History, events: list[StockChange], params: ForecastParams
) -> _Rated | None:
    purchases = [e for e in events if e.kind == EventKind.PURCHASE and e.delta > 0]
    if len(purchases) < 2:
        return None
    amount_sum = interval_sum = weight_sum = 0.0
    for bought, following in pairwise(purchases):
        weight = _weight(_age_days(history.as_of, following.at), params)
        amount_sum += weight * float(bought.delta)
        interval_sum += weight * _days_between(bought.at, following.at)
        weight_sum += weight
    rate = amount_sum / max(interval_sum, params.min_exposure_days)
    remaining = _simulated_stock(history, events, rate)
    reason = (
        f"about {_format_rate(rate, history.unit)}, judging by purchases (bought about every "
        f"{_format_span(interval_sum / weight_sum)}); log uses for a sharper estimate"
    )
    return rate, remaining, reason, Method.PURCHASE_INTERVAL, 0


def _simulated_stock(history: History, events: Iterable[StockChange], rate: float) -> float:
    """Stock on hand if the item was used steadily at `rate`; corrections reset it to what was counted."""
    level = 0.0
    last_at: datetime | None = None
    recorded = 0.0
    for event in events:
        recorded += float(event.delta)
        if last_at is not None:
            level = max(0.0, level - rate * _days_between(last_at, event.at))
        level = recorded if event.kind == EventKind.ADJUST else max(0.0, level + float(event.delta))
        last_at = event.at
    if last_at is not None:
        level = max(0.0, level - rate * _days_between(last_at, history.as_of))
    return min(level, float(history.quantity))


# --- helpers -----------------------------------------------------------------------------------------------


def _runout_date(as_of: datetime, remaining: float, rate: float) -> date:
    if remaining <= 0 or rate <= 0:
        return as_of.date() if remaining <= 0 else (as_of + timedelta(days=3650)).date()
    return (as_of + timedelta(days=min(remaining / rate, 3650.0))).date()


def _already_out(history: History) -> date | None:
    return history.as_of.date() if history.quantity <= 0 else None


def _no_history_reason(history: History) -> str:
    if history.quantity <= 0:
        return "Out of stock."
    return "Not enough history yet: log a use (or two purchases) to get a prediction."


def _age_days(as_of: datetime, at: datetime) -> float:
    return _days_between(at, as_of)


def _days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / SECONDS_PER_DAY


def _as_decimal(rate: float) -> Decimal:
    return Decimal(f"{rate:.4g}") if rate > 0 else Decimal(0)


def _format_rate(rate: float, unit: str) -> str:
    """Per week when less than a tenth of a unit goes in a day, so the number stays readable; the amount as
    every page shows quantities."""
    per = "day"
    if rate < 0.1:
        rate, per = rate * 7, "week"
    return f"{format_quantity(Decimal(f'{rate:.6f}'), unit)}/{per}"


def _over(days: float) -> str:
    if days < 0.5:
        return "judging by less than a day of use"
    return "over the last day" if days < 1.5 else f"over the last {_format_span(days)}"


def _format_span(days: float) -> str:
    # A recency-weighted mean of equal spans can come out a hair under them (14 days as 13.999999999999998):
    # round away float noise before choosing the wording.
    days = round(days, 6)
    if days < 1.5:
        return "day"
    if days < 14:
        return f"{round(days)} days"
    if days < 60:
        return f"{round(days / 7)} weeks"
    return f"{round(days / 30.4)} months"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
