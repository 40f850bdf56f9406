"""Pagination when the count is already known: it saves the COUNT query Django's Paginator would run."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
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
