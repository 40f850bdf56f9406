"""Deleting receipts: failed, duplicate or unwanted ones go with their file; stock an applied one added stays."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from receipts import services
from receipts.models import Receipt, ReceiptLine
from receipts.tests.helpers import make_item, processed_fixture, upload_text

pytestmark = pytest.mark.django_db(transaction=True)  # the file is deleted on commit


def test_a_failed_receipt_is_deleted_with_its_stored_file(member_client, user, household):
    receipt = upload_text(user=user, household=household, text="hello there, nothing to see")
    Receipt.objects.filter(pk=receipt.pk).update(status=Receipt.Status.FAILED, failure_reason="No items.")
    storage, name = receipt.file.storage, receipt.file.name
    assert storage.exists(name)

    response = member_client.post(reverse("receipts:delete", args=[receipt.pk]))

    assert response.url == reverse("receipts:inbox")
    assert not Receipt.objects.filter(pk=receipt.pk).exists()
    assert not storage.exists(name)
    record = AuditEvent.objects.get(household=household, action="receipt.delete")
    assert record.details == {"status": "failed", "lines": 0}


def test_deleting_an_applied_receipt_keeps_the_stock_it_added(user, household):
    milk = make_item(user=user, household=household, name="Whole milk", unit="l", quantity="1")
    receipt = processed_fixture(user=user, household=household, name="corner_shop_1.txt")
    services.receipt_apply(actor=user, receipt=receipt, bought_on=services.BoughtOn.RECEIPT_DATE)
    milk.refresh_from_db()
    added = milk.quantity

    services.receipt_delete(actor=user, receipt=receipt)

    milk.refresh_from_db()
    assert milk.quantity == added > Decimal(1)
    assert milk.events.filter(source_type="receipts.receipt", source_id=str(receipt.pk)).exists()
    assert not ReceiptLine.objects.filter(receipt_id=receipt.pk).exists()


def test_a_receipt_being_read_cannot_be_deleted(member_client, user, household):
    receipt = upload_text(user=user, household=household, text="SHOP\nMILK 1.00\nTOTAL 1.00")
    Receipt.objects.filter(pk=receipt.pk).update(status=Receipt.Status.OCR)

    page = member_client.post(reverse("receipts:delete", args=[receipt.pk]), follow=True).content.decode()

    assert "being read right now" in page
    assert Receipt.objects.filter(pk=receipt.pk).exists()


def test_another_households_receipt_cannot_be_deleted(member_client, other_household):
    theirs = upload_text(user=None, household=other_household, text="SHOP\nMILK 1.00\nTOTAL 1.00")
    assert member_client.post(reverse("receipts:delete", args=[theirs.pk])).status_code == 404
    assert Receipt.objects.filter(pk=theirs.pk).exists()


def test_a_refused_delete_is_audited_as_refused(user, household):
    receipt = upload_text(user=user, household=household, text="SHOP\nMILK 1.00\nTOTAL 1.00")
    Receipt.objects.filter(pk=receipt.pk).update(status=Receipt.Status.PARSING)
    with pytest.raises(services.ReceiptError):
        services.receipt_delete(actor=user, receipt=receipt)
    assert AuditEvent.objects.get(household=household, action="receipt.delete").outcome == "refused"
