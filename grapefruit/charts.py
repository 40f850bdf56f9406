"""Charts drawn on the server as SVG (no chart library, no script): horizontal bars, and the scale arithmetic
every chart shares. Sized for a phone: the viewBox is 360 wide, so the text stays about 11 px high there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 360
ROW_HEIGHT = 26
BAR_HEIGHT = 16
LABEL_WIDTH = 104  # the bar's name, right-aligned before it
VALUE_WIDTH = 84  # its amount, after the longest bar
LABEL_CHARACTERS = 14  # what fits in LABEL_WIDTH at 11 px; longer names are cut, whole in the tooltip


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value` (0 and below give 1)."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** value.adjusted()
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if power * step >= value:
            return power * step
    return power * 10


@dataclass(frozen=True)
class Bar:
    label: str  # cut to LABEL_CHARACTERS
    full_label: str
    value_text: str
    y: float  # the top of the bar's row
    length: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    description: str  # every bar in words, for screen readers and as the figure's caption
    width: int = WIDTH
    label_end: int = LABEL_WIDTH - 6
    bar_start: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT + 4


def bar_chart(rows: Sequence[tuple[str, Decimal, str]], *, title: str) -> BarChart | None:
    """(label, value, value as text) rows as horizontal bars, the longest filling the width; None without rows.
    Negative values (refunds beyond purchases) draw as empty bars."""
    if not rows:
        return None
    top = max(max(value for _, value, _ in rows), Decimal(0)) or Decimal(1)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…",
            full_label=label,
            value_text=text,
            y=index * ROW_HEIGHT + 2,
            length=round(room * float(max(value, 0) / top), 1),
        )
        for index, (label, value, text) in enumerate(rows)
    ]
    return BarChart(
        bars=bars, description=f"{title}: " + "; ".join(f"{label} {text}" for label, _, text in rows) + "."
    )
