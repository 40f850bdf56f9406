"""Simulation benchmark for inventory/forecast.py: how many days off is the predicted run-out?

Households with realistic, noisy habits are simulated for 120 days: rates that drift and rise at weekends, uses
at random times, a holiday away, weekly shopping with top-up trips when something runs out, and three logging
styles (logs nearly every use; logs most uses and corrects the count now and then; never logs use, only
purchases from receipts). From day 30 every few days each item's recorded journal is forecast and compared to
the true run-out: the first moment the household's actual demand from then on exceeds the real stock, had they
not bought more. A naive baseline (all logged use, or all purchases, over all elapsed time) is scored on the
same moments.

Run: .venv/bin/python bench/forecast_bench.py [--households 60] [--seed 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inventory.forecast import EventKind, ForecastParams, History, StockChange, forecast

START = datetime(2026, 1, 5, tzinfo=UTC)
DAYS = 120
LOOKAHEAD_DAYS = 90
FIRST_EVAL_DAY = 30
EVAL_EVERY_DAYS = 3
# Predictions further out than this are not what members act on; they are excluded from the score.
MAX_HORIZON_DAYS = 30


@dataclass(frozen=True)
class Product:
    name: str
    unit: str
    rate_per_day: float  # for an average household
    pack: float
    discrete: bool  # used in whole units (eggs), or in portions (ml of milk)


CATALOGUE = (
    Product("milk", "l", 0.35, 2.0, False),
    Product("eggs", "pcs", 0.9, 12, True),
    Product("bread", "pcs", 0.25, 1, True),
    Product("coffee", "g", 22.0, 500, False),
    Product("rice", "g", 45.0, 1000, False),
    Product("butter", "g", 18.0, 250, False),
    Product("apples", "pcs", 1.0, 6, True),
    Product("yogurt", "pcs", 0.7, 4, True),
    Product("pasta", "g", 40.0, 500, False),
    Product("olive oil", "ml", 18.0, 750, False),
    Product("toilet paper", "pcs", 0.45, 12, True),
    Product("dish soap", "ml", 9.0, 500, False),
    Product("cereal", "g", 35.0, 500, False),
    Product("cheese", "g", 25.0, 200, False),
    Product("bananas", "pcs", 0.8, 6, True),
    Product("orange juice", "l", 0.2, 1.0, False),
)

# (share of uses logged, days between stock counts, chance of telling the app when the shelf is found empty)
STYLES = {"diligent": (0.95, 0, 0.8), "casual": (0.7, 21, 0.5), "purchases only": (0.0, 0, 0.0)}


@dataclass
class ItemSim:
    product: Product
    demand: list[tuple[datetime, float]]  # every use the household wants to make, holidays removed
    journal: list[StockChange] = field(default_factory=list)
    true_stock: list[tuple[datetime, float]] = field(default_factory=list)  # (moment, stock after it)


def simulate_household(rng: random.Random, style: str) -> list[ItemSim]:
    size = rng.lognormvariate(0.0, 0.35)
    away_start = rng.randint(20, 100)
    away = range(away_start, away_start + rng.randint(4, 12)) if rng.random() < 0.6 else range(0)
    shop_day = rng.randrange(7)
    products = rng.sample(CATALOGUE, 12)
    return [simulate_item(rng, product, size, away, shop_day, style) for product in products]


def simulate_demand(
    rng: random.Random, product: Product, size: float, away: range
) -> list[tuple[datetime, float]]:
    """Uses as (moment, amount): a drifting daily rate, busier weekends, a few uses a day at random times, and
    for some items a lasting change of habit (a new diet, a guest moving in) on a random day."""
    log_drift = 0.0
    change_day = rng.randrange(DAYS + LOOKAHEAD_DAYS) if rng.random() < 0.3 else -1
    change = rng.uniform(0.5, 1.8)
    uses: list[tuple[datetime, float]] = []
    per_use = max(1.0, round(product.rate_per_day * size)) if product.discrete else None
    for day in range(DAYS + LOOKAHEAD_DAYS):
        log_drift += rng.gauss(0.0, 0.03)
        log_drift *= 0.99  # habits wander but come back
        if day in away:
            continue
        weekend = 1.3 if (START + timedelta(days=day)).weekday() >= 5 else 1.0
        habit = change if 0 <= change_day <= day else 1.0
        expected = product.rate_per_day * size * weekend * habit * math.exp(log_drift)
        if per_use is not None:
            count = _poisson(rng, expected / per_use)
            amounts = [per_use] * count
        else:
            count = _poisson(rng, 2.0)
            amounts = [expected / 2.0 * rng.uniform(0.5, 1.5) for _ in range(count)]
        for amount in amounts:
            moment = START + timedelta(days=day, hours=rng.uniform(7, 22))
            uses.append((moment, amount))
    uses.sort()
    return uses


def simulate_item(
    rng: random.Random, product: Product, size: float, away: range, shop_day: int, style: str
) -> ItemSim:
    item = ItemSim(product, simulate_demand(rng, product, size, away))
    log_probability, correct_every, report_empty = STYLES[style]
    recorded = stock = product.pack * max(1, round(size * 1.5))
    item.journal.append(StockChange(START, EventKind.PURCHASE, _d(stock)))
    item.true_stock.append((START, stock))
    uses = iter(item.demand)
    pending = next(uses, None)
    out_since: int | None = None
    for day in range(DAYS):
        day_end = START + timedelta(days=day + 1)
        while pending is not None and pending[0] < day_end:
            moment, amount = pending
            used = min(amount, stock)
            if used > 0:
                stock -= used
                item.true_stock.append((moment, stock))
                if rng.random() < log_probability:
                    recorded -= used
                    item.journal.append(StockChange(moment, EventKind.CONSUME, _d(-used)))
            if stock <= 0 and out_since is None:
                out_since = day
                if recorded > 1e-9 and rng.random() < report_empty:
                    item.journal.append(StockChange(moment, EventKind.ADJUST, _d(-recorded)))
                    recorded = 0.0
            pending = next(uses, None)
        shop_at = day_end + timedelta(hours=rng.uniform(9, 12))
        if correct_every and day % correct_every == correct_every - 1 and abs(recorded - stock) > 1e-9:
            item.journal.append(StockChange(shop_at, EventKind.ADJUST, _d(stock - recorded)))
            recorded = stock
        bought = _purchase(rng, product, size, stock, (day + 1) % 7 == shop_day, out_since, day)
        if bought:
            stock += bought
            recorded += bought
            out_since = None
            item.journal.append(StockChange(shop_at, EventKind.PURCHASE, _d(bought)))
            item.true_stock.append((shop_at, stock))
    return item


def _purchase(
    rng: random.Random,
    product: Product,
    size: float,
    stock: float,
    shop_day: bool,
    out_since: int | None,
    day: int,
) -> float:
    """Weekly shop tops up to ~two weeks' worth; an empty shelf gets a top-up trip within a few days."""
    need = product.rate_per_day * size
    if shop_day and stock < need * 8:
        packs = max(1, math.ceil((need * 14 - stock) / product.pack * rng.uniform(0.7, 1.2)))
        return packs * product.pack
    if out_since is not None and day - out_since >= rng.randint(1, 4):
        return product.pack * max(1, math.ceil(need * 7 / product.pack))
    return 0.0


def true_runout(item: ItemSim, as_of: datetime) -> date | None:
    """When stock on hand at `as_of` would be gone if the household kept using it and bought nothing more."""
    stock = next((level for moment, level in reversed(item.true_stock) if moment <= as_of), 0.0)
    if stock <= 1e-9:
        return None
    for moment, amount in item.demand:
        if moment <= as_of:
            continue
        stock -= amount
        if stock <= 1e-9:
            return moment.date()
    return None


def reference_forecast(item: ItemSim, as_of: datetime) -> date | None:
    """What perfect information gives: the true stock over the true demand of the last four weeks. The gap
    between this and the actual run-out is noise no forecaster can remove."""
    stock = next((level for moment, level in reversed(item.true_stock) if moment <= as_of), 0.0)
    since = as_of - timedelta(days=28)
    rate = sum(amount for moment, amount in item.demand if since < moment <= as_of) / 28
    return (as_of + timedelta(days=stock / rate)).date() if rate > 0 else None


def naive_forecast(history: History) -> date | None:
    """Baseline: everything logged as used (or, failing that, bought) divided by all elapsed days."""
    events = [e for e in history.events if e.at <= history.as_of]
    if not events:
        return None
    elapsed = max((history.as_of - events[0].at).total_seconds() / 86_400, 1.0)
    used = -sum(float(e.delta) for e in events if e.kind == EventKind.CONSUME)
    if used <= 0:
        used = sum(float(e.delta) for e in events[:-1] if e.kind == EventKind.PURCHASE)
    if used <= 0:
        return None
    return (history.as_of + timedelta(days=float(history.quantity) / (used / elapsed))).date()


def evaluate(households: int, seed: int, params: ForecastParams) -> dict[str, Any]:
    rng = random.Random(seed)
    errors: dict[str, list[int]] = defaultdict(list)
    naive_errors: dict[str, list[int]] = defaultdict(list)
    reference_errors: list[int] = []
    missing: dict[str, int] = defaultdict(int)
    started = time.perf_counter()
    forecasts = 0
    for index in range(households):
        style = list(STYLES)[index % len(STYLES)]
        for item in simulate_household(rng, style):
            for day in range(FIRST_EVAL_DAY, DAYS, EVAL_EVERY_DAYS):
                as_of = START + timedelta(days=day, hours=20)
                actual = true_runout(item, as_of)
                if actual is None or (actual - as_of.date()).days > MAX_HORIZON_DAYS:
                    continue
                history = _history(item, as_of)
                predicted = forecast(history, params).runout
                forecasts += 1
                baseline = naive_forecast(history)
                reference = reference_forecast(item, as_of)
                if predicted is None or baseline is None or reference is None:
                    missing[style] += 1
                    continue
                errors[style].append(abs((predicted - actual).days))
                naive_errors[style].append(abs((baseline - actual).days))
                reference_errors.append(abs((reference - actual).days))
    summary = _summary(errors, naive_errors, missing, forecasts, time.perf_counter() - started)
    summary["reference_mae_days"] = round(statistics.fmean(reference_errors), 2)
    return summary


def _history(item: ItemSim, as_of: datetime) -> History:
    events = tuple(e for e in item.journal if e.at <= as_of)
    quantity = sum((e.delta for e in events), Decimal(0))
    return History(unit=item.product.unit, as_of=as_of, quantity=quantity, events=events)


def _summary(
    errors: dict[str, list[int]],
    naive_errors: dict[str, list[int]],
    missing: dict[str, int],
    forecasts: int,
    seconds: float,
) -> dict[str, Any]:
    every = [e for style in errors for e in errors[style]]
    every_naive = [e for style in naive_errors for e in naive_errors[style]]
    return {
        "forecasts": forecasts,
        "scored": len(every),
        "mae_days": round(statistics.fmean(every), 2),
        "naive_mae_days": round(statistics.fmean(every_naive), 2),
        "median_abs_error_days": statistics.median(every),
        "within_2_days": round(sum(e <= 2 for e in every) / len(every), 3),
        "naive_within_2_days": round(sum(e <= 2 for e in every_naive) / len(every_naive), 3),
        "by_style": {
            style: {
                "scored": len(errors[style]),
                "mae_days": round(statistics.fmean(errors[style]), 2),
                "naive_mae_days": round(statistics.fmean(naive_errors[style]), 2),
                "no_prediction": missing[style],
            }
            for style in errors
        },
        "ms_per_forecast": round(seconds * 1000 / max(forecasts, 1), 3),
    }


def _poisson(rng: random.Random, mean: float) -> int:
    threshold, count, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _d(value: float) -> Decimal:
    return Decimal(f"{value:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--half-life", type=float, default=ForecastParams().half_life_days)
    parser.add_argument("--idle-gap-factor", type=float, default=ForecastParams().idle_gap_factor)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args()
    params = ForecastParams(half_life_days=args.half_life, idle_gap_factor=args.idle_gap_factor)
    result = evaluate(args.households, args.seed, params)
    if args.json:
        print(json.dumps(result))
        return
    print_markdown(result, args.households, args.seed, params)


def print_markdown(result: dict[str, Any], households: int, seed: int, params: ForecastParams) -> None:
    print("## Run-out forecast accuracy\n")
    print(
        f"Simulated {households} households x 12 items for {DAYS} days (seed {seed}): drifting rates, busier "
        "weekends, holidays, lasting habit changes on 30% of items, weekly shopping with top-up trips. From day "
        f"{FIRST_EVAL_DAY}, every {EVAL_EVERY_DAYS} days, each item's recorded journal is forecast and compared "
        "with the day its real stock would run out without further purchases (true run-outs within "
        f"{MAX_HORIZON_DAYS} days). Naive baseline: all logged use (or, with none, all purchases) over all "
        "elapsed time. Perfect information: the true stock over the true demand of the last four weeks, the "
        f"noise floor. Forecaster half-life {params.half_life_days:g} days. Mean absolute error in days.\n"
    )
    print("| households' logging | forecasts | forecaster MAE | naive MAE |")
    labels = {
        "diligent": "diligent (logs 95% of uses, reports empty shelves)",
        "casual": "casual (logs 70%, recounts every 3 weeks)",
        "purchases only": "purchases only (receipts, no uses logged)",
    }
    print("|---|---:|---:|---:|")
    for style, row in result["by_style"].items():
        print(
            f"| {labels.get(style, style)} | {row['scored']} | {row['mae_days']} | {row['naive_mae_days']} |"
        )
    print(f"| **all** | {result['scored']} | **{result['mae_days']}** | {result['naive_mae_days']} |")
    print(
        f"\nPerfect information: {result['reference_mae_days']} days. Within 2 days of the real run-out: "
        f"{result['within_2_days']:.0%} (naive {result['naive_within_2_days']:.0%}). "
        f"{result['ms_per_forecast']} ms per forecast."
    )


if __name__ == "__main__":
    main()
