"""Every item name of a household, decrypted once and kept in this process between requests.

Names are stored encrypted, so searching or sorting by name means decrypting all of them: at 2,000 items that
alone costs more than rendering the page. Each request reads the household's (id, blind index) pairs, which
change whenever a name does, and decrypts only the names that are new or changed since this process last saw
them; deleted items drop out. The names live in this process's memory only, never in the database or a shared
cache: the threat model of encryption at rest (docs/ENCRYPTION.md) is a stolen dump or backup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from grapefruit.models import Household
from inventory.models import Item

# Households whose names are kept; the least recently used one is dropped beyond this.
MAX_HOUSEHOLDS = 64


@dataclass(frozen=True)
class ItemName:
    pk: int
    name: str
    folded: str  # casefolded, spaces collapsed: what search and sorting compare
    index: str  # the blind index the name was decrypted under


_cache: OrderedDict[int, tuple[ItemName, ...]] = OrderedDict()
_lock = threading.Lock()


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def household_item_names(
    *, household: Household, current: Mapping[int, str] | None = None
) -> tuple[ItemName, ...]:
    """All the household's item names (archived ones too), sorted by name.

    `current` is every item's id and blind index, when the caller has just read them (the dashboard reads them
    with its filters in one query); otherwise they are read here."""
    items = Item.objects.filter(household=household).order_by()  # the model's ordering would sort in vain
    if current is None:
        current = dict(items.values_list("pk", "name_index"))
    with _lock:
        cached = _cache.get(household.pk, ())
    known = {entry.pk: entry for entry in cached if current.get(entry.pk) == entry.index}
    if len(known) == len(current) == len(cached):
        _remember(household.pk, cached)
        return cached
    missing = [pk for pk in current if pk not in known]
    for pk, name, index in items.filter(pk__in=missing).values_list("pk", "name", "name_index"):
        known[pk] = ItemName(pk, name, fold(name), index)
    names = tuple(sorted(known.values(), key=lambda entry: (entry.folded, entry.pk)))
    _remember(household.pk, names)
    return names


def _remember(household_id: int, names: tuple[ItemName, ...]) -> None:
    with _lock:
        _cache[household_id] = names
        _cache.move_to_end(household_id)
        while len(_cache) > MAX_HOUSEHOLDS:
            _cache.popitem(last=False)
