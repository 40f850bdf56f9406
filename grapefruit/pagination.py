"""Pagination without Django's COUNT query: when the count is known already, or when nobody needs it.

Logs that only grow (an item's journal, the audit log) page with Newer / Older links: counting every row for
"page 3 of 101" would read the whole log on every view, for a number nobody needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from math import ceil
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CountedPaginator(Paginator):
    """A Paginator told how many objects there are (counted by a query the page runs anyway)."""

    def __init__(self, object_list: QuerySet[Any] | Sequence[Any], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


@dataclass(frozen=True)
class UncountedPage:
    """One page of an ordered list, newest first, and whether an older page follows."""

    object_list: list[Any]
    number: int
    has_older: bool

    @property
    def newer_number(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def older_number(self) -> int | None:
        return self.number + 1 if self.has_older else None


def uncounted_page(rows: QuerySet[Any], raw_number: str | int | None, size: int) -> UncountedPage:
    """Page `raw_number` of `rows` in one query: one row more than the page says whether an older page follows.

    Numbers are read as Paginator.get_page reads them: page 1 for a missing or malformed one, the last page for
    one past the end (a stale link), which alone costs a count and a second read."""
    number = page_number(raw_number)
    page = _read(rows, number, size)
    if not page.object_list and number > 1:
        page = _read(rows, max(1, ceil(rows.count() / size)), size)
    return page


# Far past the last page of any log, and small enough that its offset fits the database's integers: a larger
# number (a mistyped or hostile link) is read as this one, and shows the last page like any stale link.
MAX_PAGE_NUMBER = 1_000_000


def page_number(raw: str | int | None) -> int:
    """A page number as Paginator.get_page reads it: 1 for a missing or malformed one; at most MAX_PAGE_NUMBER."""
    text = str(raw) if raw is not None else ""
    if not text.isdecimal() or int(text) < 1:  # isdigit() would let "²" through to int()
        return 1
    return min(int(text), MAX_PAGE_NUMBER)


def _read(rows: QuerySet[Any], number: int, size: int) -> UncountedPage:
    start = (number - 1) * size
    found = list(rows[start : start + size + 1])
    return UncountedPage(found[:size], number, has_older=len(found) > size)
