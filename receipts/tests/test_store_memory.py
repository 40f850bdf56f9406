"""The store memory remembers a member's correction of a line's size or unit, per store, like the match."""

from decimal import Decimal

import pytest

from receipts import services
from receipts.models import Receipt, StoreAlias
from receipts.tests.helpers import line_edit, line_named, process, upload_text

pytestmark = pytest.mark.django_db

EGGS_ONCE = "CORNER GROCER\n03/02/2025 10:15\nLG EGGS 12CT          4.10\nTOTAL                 4.10\n"
EGGS_TWICE = (
    "CORNER GROCER\n03/09/2025 17:40\n2 @ 4.10\nLG EGGS 12CT          8.20\nTOTAL                 8.20\n"
)
MINCE = (
    "CORNER GROCER\n03/02/2025 10:15\nBEEF MINCE\n 2.40 lb @ 4.50/lb   10.80\nTOTAL                10.80\n"
)
MINCE_AGAIN = (
    "CORNER GROCER\n03/09/2025 17:40\nBEEF MINCE\n 1.20 lb @ 4.50/lb    5.40\nTOTAL                 5.40\n"
)


def read(user, household, text: str) -> Receipt:
    return process(upload_text(user=user, household=household, text=text))


def correct_and_apply(user, receipt: Receipt, printed_name: str, **changes) -> None:
    line = line_named(receipt, printed_name)
    services.receipt_lines_update(actor=user, receipt=receipt, edits=[line_edit(line, **changes)])
    services.receipt_apply(actor=user, receipt=receipt, bought_on=services.BoughtOn.RECEIPT_DATE)


def test_a_corrected_pack_size_is_remembered_for_the_store(user, household):
    first = read(user, household, EGGS_ONCE)
    correct_and_apply(user, first, "LG EGGS 12CT", quantity=Decimal(12))
    alias = StoreAlias.objects.get(household=household)
    assert (alias.size, alias.unit) == (Decimal(12), "pcs")

    second = read(user, household, EGGS_TWICE)
    eggs = line_named(second, "LG EGGS 12CT")
    assert (eggs.printed_quantity, eggs.quantity, eggs.unit) == (Decimal(2), Decimal(24), "pcs")
    assert (eggs.match_source, eggs.item_id) == ("alias", alias.item_id)


def test_a_corrected_unit_is_remembered_in_proportion_to_the_printed_weight(user, household):
    first = read(user, household, MINCE)
    correct_and_apply(user, first, "BEEF MINCE", quantity=Decimal("1.089"), unit="kg")
    second = read(user, household, MINCE_AGAIN)
    mince = line_named(second, "BEEF MINCE")
    assert (mince.printed_quantity, mince.printed_unit) == (Decimal("1.2"), "lb")
    assert (mince.quantity, mince.unit) == (Decimal("0.545"), "kg")


def test_a_size_remembered_at_one_store_is_not_used_at_another(user, household, other_household):
    correct_and_apply(user, read(user, household, EGGS_ONCE), "LG EGGS 12CT", quantity=Decimal(12))
    elsewhere = read(user, household, EGGS_TWICE.replace("CORNER GROCER", "BIG MART"))
    assert line_named(elsewhere, "LG EGGS 12CT").quantity == Decimal(2)
    neighbours = read(None, other_household, EGGS_TWICE)
    assert line_named(neighbours, "LG EGGS 12CT").quantity == Decimal(2)


def test_putting_back_the_printed_amount_forgets_the_correction(user, household):
    correct_and_apply(user, read(user, household, EGGS_ONCE), "LG EGGS 12CT", quantity=Decimal(12))
    second = read(user, household, EGGS_TWICE)
    correct_and_apply(user, second, "LG EGGS 12CT", quantity=Decimal(2))
    assert StoreAlias.objects.get(household=household).size is None
    third = read(user, household, EGGS_TWICE.replace("03/09/2025", "03/16/2025"))
    assert line_named(third, "LG EGGS 12CT").quantity == Decimal(2)
