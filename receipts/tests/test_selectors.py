"""Reads for the receipt pages: the household's receipt or a 404, and the lines as the review shows them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404

from receipts.models import ReceiptLine
from receipts.selectors import receipt_get, receipt_line_rows
from receipts.tests.helpers import line_named, make_item, processed_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(user, household):
    make_item(user=user, household=household, name="Whole milk", unit="l")
    return processed_fixture(user=user, household=household, name="corner_shop_1.txt")


def test_receipt_get_reads_the_households_receipt_with_its_values_decrypted(receipt, household):
    found = receipt_get(household=household, pk=receipt.pk)

    assert found == receipt
    assert (found.merchant, found.printed_total, found.status) == (
        receipt.merchant, receipt.printed_total, receipt.status,
    )  # fmt: skip
    assert found.parsed == receipt.parsed
    assert found.ocr_text == receipt.ocr_text


def test_receipt_get_is_a_404_for_another_households_receipt_and_a_missing_one(receipt, other_household):
    with pytest.raises(Http404):
        receipt_get(household=other_household, pk=receipt.pk)
    with pytest.raises(Http404):
        receipt_get(household=receipt.household, pk=receipt.pk + 1000)


def test_review_rows_leave_a_lines_new_item_name_unread_only_where_it_adds_to_its_item(receipt):
    milk = line_named(receipt, "WHOLE MILK 1GAL")
    assert (milk.action, milk.item.name) == (ReceiptLine.Action.ADD_EXISTING, "Whole milk")
    bananas = line_named(receipt, "BANANAS")
    assert bananas.action == ReceiptLine.Action.CREATE_NEW

    rows = {row.printed_name: row for row in receipt_line_rows(receipt=receipt)}

    assert (rows["WHOLE MILK 1GAL"].item_name, rows["WHOLE MILK 1GAL"].new_item_name) == ("Whole milk", None)
    assert (rows["BANANAS"].item_name, rows["BANANAS"].new_item_name) == (None, bananas.new_item_name)
    assert [row.position for row in rows.values()] == sorted(line.position for line in receipt.lines.all())


def test_sqlite_reads_the_same_review_rows_through_the_orm(receipt, monkeypatch):
    """Embedded mode runs on SQLite, where the lines are read through the ORM: the same rows."""
    receipt.lines.filter(position=1).update(flags=["line_arithmetic"], is_return=True, total_price=None)
    receipt.lines.filter(position=3).update(action=ReceiptLine.Action.ADD_EXISTING)  # no item: not adding
    receipt.lines.filter(position=4).update(
        action=ReceiptLine.Action.IGNORE, item=line_named(receipt, "WHOLE MILK 1GAL").item
    )
    on_postgresql = receipt_line_rows(receipt=receipt)
    assert connection.vendor == "postgresql"

    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert receipt_line_rows(receipt=receipt) == on_postgresql
    first, *_ = on_postgresql
    assert (first.flags, first.is_return, first.total_price) == (["line_arithmetic"], True, None)
    assert all(
        isinstance(row.quantity, Decimal) and isinstance(row.confidence, Decimal) for row in on_postgresql
    )
    assert on_postgresql[3].item_name == "Whole milk" and on_postgresql[3].new_item_name is not None
