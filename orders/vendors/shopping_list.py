"""The shopping-list vendor: placing an order gives a list to shop with, grouped by store, printable on a
phone, and the same as CSV. The household shops in person, so the receipt that follows is expected."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from orders.vendors import Placement, VendorLine, VendorOrder

ANY_STORE = "Any store"
CSV_HEADER = ("store", "item", "quantity", "unit", "brand", "avoid brands", "expected price", "currency")


class ShoppingListVendor:
    key = "shopping_list"
    label = "Shopping list (I shop myself)"
    simulation = False
    shopped_in_person = True

    @classmethod
    def from_settings(cls) -> ShoppingListVendor:
        return cls()

    def place(self, order: VendorOrder) -> Placement:
        return Placement(vendor_order_id=f"LIST-{order.reference}")


@dataclass(frozen=True)
class StoreGroup:
    store: str
    lines: tuple[VendorLine, ...]
    expected_total: Decimal


def by_store(lines: Iterable[VendorLine]) -> list[StoreGroup]:
    """Lines grouped by the store their price was seen at (alphabetical, lines without a store last)."""
    groups: dict[str, list[VendorLine]] = {}
    for line in lines:
        groups.setdefault(line.store or ANY_STORE, []).append(line)
    order = sorted(groups, key=lambda store: (store == ANY_STORE, store.casefold()))
    return [
        StoreGroup(
            store=store,
            lines=tuple(sorted(groups[store], key=lambda line: line.name.casefold())),
            expected_total=sum((line.expected_price or Decimal(0) for line in groups[store]), Decimal(0)),
        )
        for store in order
    ]


def as_csv(groups: Sequence[StoreGroup], *, currency: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for group in groups:
        for line in group.lines:
            writer.writerow(
                [
                    _safe(group.store),
                    _safe(line.name),
                    f"{line.quantity.normalize():f}",
                    line.unit,
                    _safe(line.brand),
                    _safe("; ".join(line.avoid_brands)),
                    "" if line.expected_price is None else f"{line.expected_price:.2f}",
                    currency,
                ]
            )
    return out.getvalue()


def _safe(text: str) -> str:
    """A spreadsheet runs a cell that starts with = + - @ as a formula: quote such text so it stays text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
