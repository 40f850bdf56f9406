"""An item's history as its page shows it: a page of the journal, the change an undo would take back, and the
stock levels the chart draws.

On PostgreSQL the three are read in one round trip of three statements written out in SQL: the item page is the
site's slowest, and building and compiling the three ORM queries cost more CPU than the rest of the history
(bench/OPTIMISATIONS.md). SQLite (the embedded default) reads them through the ORM; a test checks that both
answer the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Q, Subquery

from grapefruit import pagination
from grapefruit.pagination import UncountedPage, uncounted_page
from inventory.models import Item, StockEvent


class JournalEntry(NamedTuple):
    """One journal line as the item page shows it (read as a tuple: 20 model instances and their actors cost more
    than the rest of the line)."""

    pk: int
    at: datetime
    kind: str
    delta: Decimal
    quantity_after: Decimal
    undone_at: datetime | None
    actor_name: str | None


@dataclass(frozen=True)
class ItemHistory:
    journal: UncountedPage  # JournalEntry rows, newest first
    # The change an undo takes back: the one recorded last that is not undone (an old receipt applied today is
    # undone before yesterday's use), wherever it is in the journal.
    undoable: JournalEntry | None
    # The stock from each point in time on, oldest first: the level at `since` when the journal goes back
    # further, then the stock after each live journal entry since.
    levels: list[tuple[datetime, Decimal]]


def item_history(
    *, item: Item, page_number: str | int | None, since: datetime, page_size: int = 20
) -> ItemHistory:
    """The item's journal page `page_number` (not counted: grapefruit.pagination), its undo target and its
    chart's levels since `since`."""
    if connection.vendor != "postgresql":
        return _item_history_portable(item=item, page_number=page_number, since=since, size=page_size)
    number = pagination.page_number(page_number)
    with connection.cursor() as cursor:
        cursor.execute(
            _HISTORY_SQL,
            {"item": item.pk, "since": since, "limit": page_size + 1, "offset": (number - 1) * page_size},
        )
        page_rows = cursor.fetchall()
        cursor.nextset()
        undoable = _entries(cursor.fetchall())
        cursor.nextset()
        levels = cursor.fetchall()
    if not page_rows and number > 1:
        journal = _journal_page(item, page_number, page_size)  # a stale link: the last page, counted
    else:
        journal = UncountedPage(_entries(page_rows[:page_size]), number, has_older=len(page_rows) > page_size)
    return ItemHistory(
        journal=journal, undoable=undoable[0] if undoable else None, levels=_levels_from(levels, since)
    )


# Three statements in one execute(): Django's psycopg cursor binds parameters on the client (the default,
# OPTIONS server_side_binding unset), which allows several statements per call.
_HISTORY_SQL = """
SELECT event.id, event.at, event.kind, event.delta, event.quantity_after, event.undone_at, actor.username
FROM inventory_stockevent event LEFT JOIN grapefruit_user actor ON actor.id = event.actor_id
WHERE event.item_id = %(item)s
ORDER BY event.at DESC, event.id DESC LIMIT %(limit)s OFFSET %(offset)s;

SELECT event.id, event.at, event.kind, event.delta, event.quantity_after, event.undone_at, actor.username
FROM inventory_stockevent event LEFT JOIN grapefruit_user actor ON actor.id = event.actor_id
WHERE event.item_id = %(item)s AND event.undone_at IS NULL
ORDER BY event.id DESC LIMIT 1;

SELECT at, quantity_after FROM inventory_stockevent
WHERE item_id = %(item)s AND undone_at IS NULL AND (at >= %(since)s OR id = (
    SELECT id FROM inventory_stockevent WHERE item_id = %(item)s AND undone_at IS NULL AND at < %(since)s
    ORDER BY at DESC, id DESC LIMIT 1))
ORDER BY at, id"""


def _item_history_portable(
    *, item: Item, page_number: str | int | None, since: datetime, size: int
) -> ItemHistory:
    """item_history through the ORM, in three queries."""
    live = StockEvent.objects.filter(item_id=item.pk, undone_at__isnull=True)
    last_before = live.filter(at__lt=since).order_by("-at", "-id").values("pk")[:1]
    levels = live.filter(Q(at__gte=since) | Q(pk=Subquery(last_before))).order_by("at", "id")
    undoable = _entries(live.order_by("-id").values_list(*_ENTRY_FIELDS)[:1])
    return ItemHistory(
        journal=_journal_page(item, page_number, size),
        undoable=undoable[0] if undoable else None,
        levels=_levels_from(levels.values_list("at", "quantity_after"), since),
    )


_ENTRY_FIELDS = ("pk", "at", "kind", "delta", "quantity_after", "undone_at", "actor__username")


def _journal_page(item: Item, page_number: str | int | None, size: int) -> UncountedPage:
    events = StockEvent.objects.filter(item_id=item.pk).order_by("-at", "-id").values_list(*_ENTRY_FIELDS)
    page = uncounted_page(events, page_number, size)
    return replace(page, object_list=_entries(page.object_list))


def _entries(rows: Iterable[tuple[Any, ...]]) -> list[JournalEntry]:
    return [JournalEntry(*row) for row in rows]


def _levels_from(rows: Iterable[tuple[datetime, Decimal]], since: datetime) -> list[tuple[datetime, Decimal]]:
    levels = list(rows)
    if levels and levels[0][0] < since:
        levels[0] = (since, levels[0][1])  # the level the window starts with
    return levels
