"""The pipeline on a real Celery worker (a subprocess on the Redis broker), including a SIGKILL mid-OCR."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from conftest import wait_for
from receipts import tasks
from receipts.models import Receipt
from receipts.pipeline import understand_text
from receipts.tests.documents import fixture_text, receipt_pdf, receipt_png
from receipts.tests.helpers import upload_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _status(receipt_id: int) -> str:
    return Receipt.objects.get(pk=receipt_id).status


def test_an_image_uploaded_through_the_page_is_read_by_a_real_worker(celery_worker, member_client, household):
    photo = SimpleUploadedFile("receipt.png", receipt_png(fixture_text("corner_shop_1.txt")))
    response = member_client.post(reverse("receipts:upload"), {"files": [photo]})
    assert response.status_code == 302
    receipt = Receipt.objects.get(household=household)
    wait_for(lambda: _status(receipt.pk) == Receipt.Status.NEEDS_REVIEW, timeout=60)
    receipt.refresh_from_db()
    assert receipt.ocr_engine == "rapidocr"
    assert "WHOLE MILK 1GAL" in [line.printed_name for line in receipt.lines.all()]
    status = member_client.get(reverse("receipts:status", args=[receipt.pk]), headers={"HX-Request": "true"})
    assert status["HX-Refresh"] == "true"  # the polling page reloads into the review form


def test_a_worker_killed_mid_ocr_loses_and_duplicates_nothing(celery_worker, user, household):
    # Five pages keep the worker busy with OCR for a few seconds: long enough to kill it in the middle,
    # shorter than the broker's 10 s visibility timeout in tests.
    document = receipt_pdf(fixture_text("corner_shop_1.txt"), pages=5)
    (receipt,) = tasks.services.receipt_upload(
        actor=user, household=household, uploads=[tasks.services.Upload("scan.pdf", document)]
    )
    wait_for(lambda: _status(receipt.pk) == Receipt.Status.OCR, timeout=30, interval=0.05)
    time.sleep(0.5)
    celery_worker.kill()
    assert _status(receipt.pk) == Receipt.Status.OCR  # killed in the middle: no text stored yet

    celery_worker.start()
    # Redelivery waits for the visibility timeout (10 s in tests) and the broker's next sweep for unacked
    # messages: every ~10 s with unacked_restore_throttle=1 in the transport options, ~100 s without it.
    wait_for(lambda: _status(receipt.pk) == Receipt.Status.NEEDS_REVIEW, timeout=150)
    receipt.refresh_from_db()
    assert receipt.ocr_attempts == 2
    assert Receipt.objects.filter(household=household).count() == 1
    assert receipt.lines.count() == len(understand_text(receipt.ocr_text, use_llm=False).items)
    for action in ("receipt.ocr", "receipt.parse"):
        assert AuditEvent.objects.filter(action=action, target_id=str(receipt.pk)).count() == 1


def test_text_that_is_not_a_receipt_ends_as_such_and_the_worker_carries_on(celery_worker, user, household):
    first = upload_text(user=user, household=household, text="Thank you for shopping with us")
    second = upload_text(user=user, household=household, text=fixture_text("corner_shop_2.txt"))
    wait_for(
        lambda: _status(first.pk) == Receipt.Status.NOT_A_RECEIPT and _status(second.pk) == "needs_review"
    )
    first.refresh_from_db()
    assert "does not look like a receipt" in first.failure_reason
