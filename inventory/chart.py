"""The stock chart on the item page: an inline SVG step line, drawn on the server (no chart library)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

WIDTH = 600
HEIGHT = 160
PAD = 8


@dataclass(frozen=True)
class Chart:
    points: str  # the SVG polyline's "x,y x,y ..."
    peak: Decimal
    width: int = WIDTH
    height: int = HEIGHT


def stock_chart(levels: Sequence[tuple[datetime, Decimal]], *, now: datetime) -> Chart | None:
    """A step line of stock over time, from the first entry to `now`; None with fewer than two entries."""
    if len(levels) < 2:
        return None
    start = levels[0][0]
    span = max((now - start).total_seconds(), 1.0)
    peak = max(level for _, level in levels) or Decimal(1)

    def x(at: datetime) -> float:
        return PAD + (WIDTH - 2 * PAD) * (at - start).total_seconds() / span

    def y(level: Decimal) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * float(level / peak)

    coords: list[tuple[float, float]] = []
    for index, (at, level) in enumerate(levels):
        if index:
            coords.append((x(at), coords[-1][1]))  # hold the previous level until this change: a step
        coords.append((x(at), y(level)))
    coords.append((x(now), coords[-1][1]))
    return Chart(points=" ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords), peak=peak)
