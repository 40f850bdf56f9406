"""Reads for the receipt pages, always scoped to one household."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, QuerySet
from django.http import Http404

from inventory.models import Item
from receipts.matching import Candidate
from receipts.models import Receipt, ReceiptLine

# Encrypted columns no page shows: decrypting them would be work for nothing.
_UNSHOWN = ("content_digest", "purchase_key", "merchant_address")


def receipts_for(*, household: Any) -> QuerySet[Receipt]:
    """The household's receipts, newest first, with their line counts (one query for the inbox); only what the
    inbox shows is decrypted."""
    return (
        Receipt.objects.filter(household=household)
        .select_related("uploaded_by")
        .defer(*_UNSHOWN, "ocr_text", "parsed", "original_filename", "printed_total")
        .annotate(line_count=Count("lines"))
        .order_by("-created_at", "-pk")
    )


@functools.cache
def _receipt_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(field.column) for field in Receipt._meta.concrete_fields if field.name not in _UNSHOWN
    )
    household, pk = (quote(Receipt._meta.get_field(name).column) for name in ("household", "id"))
    # Table and column names come from the model, never from input.
    return f"SELECT {columns} FROM {quote(Receipt._meta.db_table)} WHERE {household} = %s AND {pk} = %s"  # noqa: S608


def receipt_get(*, household: Any, pk: int) -> Receipt:
    """The household's receipt, or 404: another household's id looks exactly like a missing one.

    Read with the ORM's raw(): every receipt page and the status poll start here, and compiling the query cost
    more than running it (about 0.6 ms against 0.3 ms this way, the columns the pages do not show deferred as
    before)."""
    found = list(Receipt.objects.raw(_receipt_sql(), [household.pk, pk]))
    if not found:
        raise Http404("No receipt matches the given query.")
    return found[0]


def receipt_lines(*, receipt: Receipt) -> QuerySet[ReceiptLine]:
    """The lines in order, with the items they go to (one query); the prices the pages do not show stay
    encrypted."""
    return receipt.lines.select_related("item").defer("unit_price", "discount").order_by("position")


class LineRow(NamedTuple):
    """A receipt line as the review page reads it: decrypted values in a tuple, no model instance."""

    pk: int
    position: int
    printed_name: str
    name: str
    quantity: Decimal
    unit: str
    total_price: Decimal | None
    action: str
    item_name: str | None  # the matched item's, None without one
    # None where the line adds to its item: nothing shows it then, so it is not decrypted.
    new_item_name: str | None
    confidence: Decimal
    match_source: str
    flags: list[str]
    is_return: bool


_LINE_ROW_COLUMNS = tuple("item__name" if name == "item_name" else name for name in LineRow._fields)


def receipt_line_rows(*, receipt: Receipt) -> list[LineRow]:
    """The lines in order, with their items' names (one query); only the columns the review shows.

    On PostgreSQL the query is written out and its values decrypted here: for 40 lines the ORM's compiling and
    per-value converters cost as much again as the reading and decrypting (1.4 ms against 0.75 ms). SQLite (the
    embedded default) reads through the ORM, with the same result (receipts/tests/test_selectors.py)."""
    if connection.vendor != "postgresql":
        rows = receipt.lines.order_by("position").values_list(*_LINE_ROW_COLUMNS)
        return [_unshown_new_item_name(LineRow._make(row)) for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(_LINE_ROWS_SQL, [receipt.pk])
        return [_line_row(*row) for row in cursor.fetchall()]


def _adds_to_item(action: str, item_name: str | None) -> bool:
    return action == ReceiptLine.Action.ADD_EXISTING and item_name is not None


def _unshown_new_item_name(row: LineRow) -> LineRow:
    return row._replace(new_item_name=None) if _adds_to_item(row.action, row.item_name) else row


_LINE = {field.name: field for field in ReceiptLine._meta.concrete_fields} | {"pk": ReceiptLine._meta.pk}
_ITEM_NAME = Item._meta.get_field("name")
# The matched item's name, looked up by primary key for each line: a join let PostgreSQL hash the household's
# whole item table for 40 lines (0.28 ms of the statement's 0.4 ms with 2,000 items).
_ITEM_NAME_OF_LINE = (
    f"(SELECT i.{_ITEM_NAME.column} FROM {Item._meta.db_table} i WHERE i.id = l.{_LINE['item'].column})"  # noqa: S608
)
# LineRow's fields in order, as columns of the line (`l`). Names come from the models.
_LINE_ROWS_SQL = (
    "SELECT "  # noqa: S608
    + ", ".join(
        _ITEM_NAME_OF_LINE if name == "item_name" else f"l.{_LINE[name].column}" for name in LineRow._fields
    )
    + f" FROM {ReceiptLine._meta.db_table} l WHERE l.{_LINE['receipt'].column} = %s ORDER BY l.{_LINE['position'].column}"
)


def _line_row(
    pk: int,
    position: int,
    printed_name: str,
    name: str,
    quantity: Decimal,
    unit: str,
    total_price: str | None,
    action: str,
    item_name: str | None,
    new_item_name: str,
    confidence: Decimal,
    match_source: str,
    flags: str,
    is_return: bool,
) -> LineRow:
    """A row of _LINE_ROWS_SQL as the ORM would read it: encrypted columns decrypted, flags parsed."""
    item = None if item_name is None else _ITEM_NAME.decrypt_value(item_name)
    return LineRow(
        pk,
        position,
        _LINE["printed_name"].decrypt_value(printed_name),
        _LINE["name"].decrypt_value(name),
        quantity,
        unit,
        None if total_price is None else _LINE["total_price"].decrypt_value(total_price),
        action,
        item,
        None if _adds_to_item(action, item) else _LINE["new_item_name"].decrypt_value(new_item_name),
        confidence,
        match_source,
        _LINE["flags"].from_db_value(flags, None, connection),
        is_return,
    )


def household_items(*, household: Any) -> QuerySet[Any]:
    return Item.objects.filter(household=household)


def item_candidates(*, household: Any) -> list[Candidate]:
    """The household's items as matching candidates; names are decrypted here, in Python, not in SQL."""
    return [
        Candidate(item_id=item.pk, name=item.name, unit=item.unit)
        for item in household_items(household=household).only("pk", "name", "unit")
    ]


@dataclass(frozen=True)
class Totals:
    lines_total: Decimal
    printed_subtotal: Decimal | None
    printed_total: Decimal | None

    @property
    def expected(self) -> Decimal | None:
        """What the lines should add up to: the subtotal before tax when printed, else the total."""
        return self.printed_subtotal if self.printed_subtotal is not None else self.printed_total

    @property
    def matches(self) -> bool | None:
        return None if self.expected is None else self.lines_total == self.expected


def receipt_totals(*, receipt: Receipt, lines: list[LineRow]) -> Totals:
    subtotal = (receipt.parsed or {}).get("subtotal")
    return Totals(
        lines_total=sum((line.total_price or Decimal(0) for line in lines), start=Decimal(0)),
        # The parsed JSON holds money as numbers; str() gives back the printed two decimals.
        printed_subtotal=Decimal(str(subtotal)).quantize(Decimal("0.01")) if subtotal is not None else None,
        printed_total=receipt.printed_total,
    )
