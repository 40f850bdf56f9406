"""The brand ladder: preferred, else acceptable, never avoid. Pure: rules in, a choice out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PREFERRED, ACCEPTABLE, AVOID = "preferred", "acceptable", "avoid"


@dataclass(frozen=True)
class BrandChoice:
    brand: str  # empty: any brand that is not avoided
    avoid: tuple[str, ...]
    rank: str = ""  # the rung the brand came from


ANY_BRAND = BrandChoice(brand="", avoid=())


def choose_brand(
    *, item_rules: Sequence[tuple[str, str]], category_rules: Sequence[tuple[str, str]]
) -> BrandChoice:
    """Rules are (rank, brand), oldest first. An item's own rules replace its category's; the first preferred
    brand wins, else the first acceptable one, else any brand outside the avoid list."""
    rules = item_rules or category_rules
    avoid = tuple(brand for rank, brand in rules if rank == AVOID)
    avoided = {brand.casefold() for brand in avoid}
    for wanted in (PREFERRED, ACCEPTABLE):
        for rank, brand in rules:
            if rank == wanted and brand.casefold() not in avoided:
                return BrandChoice(brand=brand, avoid=avoid, rank=wanted)
    return BrandChoice(brand="", avoid=avoid)
