"""What the inventory pages show, worded once: quantities with units, run-outs in the past said as past, and one
sentence per journal entry that the journal, the undo button and its message all share.

Rows are built here as plain strings, so templates only place them: no per-row filters, lookups or URL
reversals (the page benchmark in docs/BENCHMARKS.md is why).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from grapefruit.charts import BarChart, bar_chart
from grapefruit.dates import Moments, calendar_day, day_label, month_label
from grapefruit.money import format_money
from grapefruit.urlbuilders import id_url
from inventory.categories import Category
from inventory.chart import stock_chart
from inventory.forecast import is_low_stock
from inventory.models import Item, StockEvent
from inventory.selectors import DashboardItem, ItemHistory, ItemPage, JournalEntry, Spending
from inventory.units import format_amount, format_quantity

CATEGORY_LABELS = dict(Category.choices)


def runout_phrase(*, quantity: Decimal, runout: date | None, today: date) -> str:
    """The run-out column: "out of stock", "was due 2 days ago", "today", "in 3 days", "Tue 8 Dec", or ""."""
    if quantity <= 0:
        return "out of stock"
    if runout is None:
        return ""
    if runout < today:
        return f"was due {day_label(runout, today=today)}"
    return day_label(runout, today=today)


def prediction_sentence(item: Item, *, today: date) -> str:
    """The item page's prediction, in words that fit the date being past, today or ahead."""
    if item.quantity <= 0:
        return "Out of stock."
    if item.predicted_runout is None:
        return item.forecast_reason or "No prediction yet: record a use or two and one appears here."
    when = _day_with_date(item.predicted_runout, today)
    if item.predicted_runout < today:
        return f"It was expected to run out {when}. If some is left, correct the count below."
    return f"Expected to run out {when}: {item.forecast_reason}."


def _day_with_date(value: date, today: date) -> str:
    """A relative day with its date, "in 3 days (Tue 1 Dec)"; the date alone when that is all day_label gives."""
    relative, calendar = day_label(value, today=today), calendar_day(value, today=today)
    return calendar if relative == calendar else f"{relative} ({calendar})"


def event_sentence(event: StockEvent | JournalEntry, unit: str) -> str:
    """One journal entry in words; the undo button ("Undo “Used 0.5 l”") and its message quote it unchanged."""
    amount = format_quantity(abs(event.delta), unit)
    match event.kind:
        case StockEvent.Kind.CONSUME:
            return f"Used {amount}"
        case StockEvent.Kind.SPOIL:
            return f"Threw away {amount}"
        case StockEvent.Kind.PURCHASE:
            return f"Bought {amount}"
        case StockEvent.Kind.RECEIPT:
            return f"Added {amount} from a receipt"
        case StockEvent.Kind.DELIVERY:
            return f"Delivered {amount}"
        case _:
            return f"Corrected to {format_quantity(event.quantity_after, unit)}"


@dataclass(frozen=True)
class ItemRow:
    url: str
    name: str
    low: bool
    category: str
    stock: str
    runout: str
    runout_title: str  # the calendar date and the forecast's reason, for the tooltip
    use_url: str
    use_amount: str  # posted as it is: the exact usual amount
    use_label: str
    restore_url: str


def item_rows(items: Iterable[DashboardItem], *, today: date, low_stock_days: int) -> list[ItemRow]:
    detail_url = id_url("inventory:item_detail", "item_id")
    consume_url = id_url("inventory:item_consume", "item_id")
    restore_url = id_url("inventory:item_restore", "item_id")
    return [
        ItemRow(
            url=detail_url(item.pk),
            name=item.name,
            low=item.archived_at is None
            and is_low_stock(
                quantity=item.quantity,
                minimum=item.minimum,
                runout=item.predicted_runout,
                today=today,
                threshold_days=low_stock_days,
            ),
            category=CATEGORY_LABELS.get(item.category, item.category),
            stock=format_quantity(item.quantity, item.unit),
            runout=runout_phrase(quantity=item.quantity, runout=item.predicted_runout, today=today),
            runout_title=_runout_title(item, today),
            use_url=consume_url(item.pk) if item.quantity > 0 and item.archived_at is None else "",
            use_amount=format_amount(item.usual_use),
            use_label=f"Use {format_quantity(item.usual_use, item.unit)}",
            restore_url=restore_url(item.pk) if item.archived_at is not None else "",
        )
        for item in items
    ]


def _runout_title(item: DashboardItem, today: date) -> str:
    if item.predicted_runout is None or item.quantity <= 0:
        return ""
    return f"{calendar_day(item.predicted_runout, today=today)}: {item.forecast_reason}"


@dataclass(frozen=True)
class JournalRow:
    when: str
    iso: str
    what: str
    after: str
    who: str
    undone: bool


def journal_rows(events: Iterable[JournalEntry], *, unit: str, now: datetime) -> list[JournalRow]:
    moments = Moments(now)
    return [
        JournalRow(
            when=moments.label(event.at),
            iso=event.at.isoformat(),
            what=event_sentence(event, unit),
            after=format_quantity(event.quantity_after, unit),
            who=event.actor_name or "",
            undone=event.undone_at is not None,
        )
        for event in events
    ]


def item_page_display(
    item_page: ItemPage,
    *,
    history: ItemHistory,
    now: datetime,
) -> dict[str, Any]:
    """Everything the item page shows, worded, apart from its forms."""
    item = item_page.item
    today = timezone.localtime(now).date()
    return {
        "item": item,
        "category": CATEGORY_LABELS.get(item.category, item.category),
        "stock": format_quantity(item.quantity, item.unit),
        "minimum": format_quantity(item.minimum, item.unit) if item.minimum is not None else "",
        "best_before": day_label(item.best_before, today=today) if item.best_before else "",
        "prediction": prediction_sentence(item, today=today),
        "low": item.archived_at is None
        and is_low_stock(
            quantity=item.quantity,
            minimum=item.minimum,
            runout=item.predicted_runout,
            today=today,
            threshold_days=item.household.low_stock_days,
        ),
        "accuracy": item_page.accuracy,
        "journal": history.journal,
        "journal_rows": journal_rows(history.journal.object_list, unit=item.unit, now=now),
        "undo_label": event_sentence(history.undoable, item.unit) if history.undoable else "",
        "chart": stock_chart(
            history.levels,
            now=now,
            unit=item.unit,
            name=item.name,
            runout=item.predicted_runout if item.quantity > 0 else None,
        ),
    }


# The spending chart names this many stores; the others are added up as one bar.
STORES_SHOWN = 8


@dataclass(frozen=True)
class SpendingDisplay:
    total: str
    by_month: BarChart
    by_store: BarChart
    other_currencies: list[str]


def spending_display(spending: Spending) -> SpendingDisplay:
    """The household's spending as two bar charts: every month of the period, and the stores it paid most at."""
    currency = spending.currency
    stores = spending.by_store[:STORES_SHOWN]
    rest = sum((total for _, total in spending.by_store[STORES_SHOWN:]), Decimal(0))
    store_rows = [(store or "Store not known", total) for store, total in stores]
    if rest:
        store_rows.append(("Other stores", rest))
    # The chart starts at the first month anything was paid: a new household's empty months say nothing.
    first = next((index for index, (_, total) in enumerate(spending.by_month) if total), 0)
    month_rows = [(month_label(month), total) for month, total in spending.by_month[first:]]
    return SpendingDisplay(
        total=format_money(sum((total for _, total in spending.by_month), Decimal(0)), currency),
        by_month=_bars(month_rows, currency, title="Spending by month"),
        by_store=_bars(store_rows, currency, title="Spending by store"),
        other_currencies=spending.other_currencies,
    )


def _bars(rows: Sequence[tuple[str, Decimal]], currency: str, *, title: str) -> BarChart:
    chart = bar_chart([(label, total, format_money(total, currency)) for label, total in rows], title=title)
    assert chart is not None  # a period with spending has at least one month
    return chart
