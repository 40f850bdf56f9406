"""The stock chart on the item page, drawn on the server as SVG (no chart library, no script).

A step line of the stock over the last weeks, the axes labelled with dates and quantities in the item's unit, and
the forecast as a dashed line from today's stock down to the predicted run-out. Everything is computed here; the
template only places the numbers. The viewBox is sized for a phone, where the text stays about 11 px high.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from grapefruit.charts import nice_ceiling
from grapefruit.dates import calendar_day, short_day
from inventory.units import format_quantity

WIDTH = 360
HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 14, 30  # room for the quantity labels and the dates
# The forecast is drawn at most this far ahead, so a run-out months away does not squash the history.
MAX_AHEAD = timedelta(days=30)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Forecast:
    x1: float
    y1: float
    x2: float
    y2: float
    runout: str  # the calendar date
    label_x: float
    label_y: float
    label_anchor: str  # "end" when the label would run off the right edge

    @property
    def label(self) -> str:
        return f"runs out {self.runout}"


@dataclass(frozen=True)
class Chart:
    points: str  # the SVG polyline's "x,y x,y ..."
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    forecast: Forecast | None
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM


@dataclass(frozen=True)
class _Scale:
    start: datetime
    end: datetime
    top_value: Decimal

    @cached_property
    def _width_per_second(self) -> float:
        return (WIDTH - LEFT - RIGHT) / max((self.end - self.start).total_seconds(), 1.0)

    def x(self, at: datetime) -> float:
        return round(LEFT + (at - self.start).total_seconds() * self._width_per_second, 1)

    def y(self, level: Decimal) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * float(level / self.top_value), 1)


def stock_chart(
    levels: Sequence[tuple[datetime, Decimal]],
    *,
    now: datetime,
    unit: str,
    name: str,
    runout: date | None,
) -> Chart | None:
    """`levels` are (time, stock from then on), oldest first; None with fewer than two. `runout` is the
    predicted run-out while there is stock, else None."""
    if len(levels) < 2:
        return None
    start = levels[0][0]
    runout_at = _runout_moment(runout)
    end = min(max(runout_at, now), now + MAX_AHEAD) if runout_at else now
    peak = max(level for _, level in levels)
    scale = _Scale(start=start, end=end, top_value=nice_ceiling(peak))
    today = timezone.localtime(now).date()
    forecast = _forecast(scale, now, levels[-1][1], runout, runout_at, today, unit)
    return Chart(
        points=_step_points(scale, levels, now),
        y_ticks=[Tick(scale.y(value), format_quantity(value, unit)) for value in _y_values(scale.top_value)],
        x_ticks=_x_ticks(scale, now, today),
        forecast=forecast,
        description=_describe(name, levels, unit, start, today, forecast),
    )


def _runout_moment(runout: date | None) -> datetime | None:
    """Midday of the run-out day in the household's time zone: the dashed line ends inside that day."""
    if runout is None:
        return None
    return timezone.make_aware(datetime.combine(runout, time(12)), timezone.get_current_timezone())


def _y_values(top: Decimal) -> list[Decimal]:
    return [Decimal(0), top / 2, top]


def _step_points(scale: _Scale, levels: Sequence[tuple[datetime, Decimal]], now: datetime) -> str:
    """Each level held from its change until the next one (until now for the last): a step line."""
    xs = [scale.x(at) for at, _ in levels]
    xs.append(scale.x(now))
    return " ".join(
        f"{xs[index]},{y} {xs[index + 1]},{y}"
        for index, y in enumerate(scale.y(level) for _, level in levels)
    )


def _x_ticks(scale: _Scale, now: datetime, today: date) -> list[Tick]:
    """The start, two dates between, and today; the forecast labels its own end."""
    span = now - scale.start
    moments = [scale.start + span * fraction for fraction in (0, 1 / 3, 2 / 3)]
    ticks = [Tick(scale.x(at), short_day(timezone.localtime(at).date())) for at in moments]
    return [*ticks, Tick(scale.x(now), "today")]


def _forecast(
    scale: _Scale,
    now: datetime,
    level: Decimal,
    runout: date | None,
    runout_at: datetime | None,
    today: date,
    unit: str,
) -> Forecast | None:
    if runout is None or runout_at is None or level <= 0 or runout_at <= now:
        return None
    end = min(runout_at, scale.end)
    # Where the straight decline to zero stands at the right edge, when the run-out lies beyond it.
    remaining = level * Decimal((runout_at - end).total_seconds() / (runout_at - now).total_seconds())
    x2, y2 = scale.x(end), scale.y(remaining)
    near_edge = x2 > WIDTH - RIGHT - 110
    return Forecast(
        x1=scale.x(now),
        y1=scale.y(level),
        x2=x2,
        y2=y2,
        runout=calendar_day(runout, today=today),
        label_x=x2 if near_edge else x2 + 6,
        label_y=max(y2 - 10, TOP + 10),
        label_anchor="end" if near_edge else "start",
    )


def _describe(
    name: str,
    levels: Sequence[tuple[datetime, Decimal]],
    unit: str,
    start: datetime,
    today: date,
    forecast: Forecast | None,
) -> str:
    values = [level for _, level in levels]
    text = (
        f"Stock of {name} since {calendar_day(timezone.localtime(start).date(), today=today)}: "
        f"{format_quantity(values[0], unit)} then, {format_quantity(values[-1], unit)} now, "
        f"between {format_quantity(min(values), unit)} and {format_quantity(max(values), unit)}."
    )
    if forecast:
        text += f" Expected to run out {forecast.runout}."
    return text
