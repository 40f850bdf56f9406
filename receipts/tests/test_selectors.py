"""Reads for the receipt pages: the household's receipt or a 404."""

import pytest
from django.http import Http404

from receipts.selectors import receipt_get
from receipts.tests.helpers import make_item, processed_fixture

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
