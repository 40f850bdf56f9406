"""Storing the cart's price choices (orders.PriceChoice), a cache the cart page fills as it reads."""

from __future__ import annotations

import logging
from collections.abc import Collection

from django.db import IntegrityError, connection, transaction

from orders.models import PriceChoice

logger = logging.getLogger(__name__)

_CHOSEN_FIELDS = [field.name for field in PriceChoice._meta.concrete_fields if not field.primary_key]


def price_choices_remember(*, choices: Collection[PriceChoice]) -> None:
    """Store choices the cart has just made, over any stale ones of the same items. Not audited: nobody acted,
    and the rows only repeat what the household's prices already say.

    Pages storing at once cannot leave a wrong row: each row names the prices it was chosen from, so the cart
    ignores a row written late from older prices (and replaces it)."""
    if not choices:
        return
    # In one order whatever the page: two pages storing overlapping items cannot deadlock.
    rows = sorted(choices, key=lambda choice: choice.item_id)
    try:
        with transaction.atomic():
            PriceChoice.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["item"], update_fields=_CHOSEN_FIELDS
            )
            # Django's foreign keys are checked at commit; checked here, a vanished item or price fails inside
            # this block, also when it runs within a larger transaction.
            connection.check_constraints()
    except IntegrityError:
        # An item or price deleted since the cart read it: there is nothing to remember for it, and the next
        # cart page chooses again.
        logger.info("Price choices not stored: an item or price went away while the cart was read.")
