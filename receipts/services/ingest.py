"""Getting a receipt from upload to review: store the file, then the worker stages (OCR, parse + match).

Each stage claims the receipt by its status before working on it, so a task delivered twice (a worker killed
mid-task and the message redelivered) does its work once: a redelivered OCR task finds the receipt still in
`ocr` and runs again; one that finds it further along returns quietly.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from audit.services import audit_record, records_refusals
from inventory.units import UnitError, parse_unit
from ocr.documents import validate_upload
from ocr.errors import OcrError, TransientOcrError
from ocr.service import recognize_document
from receipts.models import Receipt, ReceiptLine
from receipts.pipeline import understand_text
from receipts.services.memory import find_duplicate, purchase_key, receipt_match

PASTED_TEXT_NAME = "pasted-text.txt"
UNEXPECTED_FAILURE = "Something went wrong while processing this receipt. Try again, or upload it once more."
NO_ITEMS_FOUND = "No purchased items were found in the text. Try a sharper photo of the whole receipt."
NOT_A_RECEIPT = (
    "This does not look like a receipt: no total, date or purchased items could be read in it. "
    "Upload a photo of the whole receipt, or paste its text."
)


class ReceiptError(Exception):
    """A receipt action was refused; str() is a message for the member."""


class ReceiptUploadError(ReceiptError):
    def __init__(self, filename: str, message: str) -> None:
        super().__init__(f"{filename}: {message}" if filename else message)
        self.filename = filename


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


# --- upload --------------------------------------------------------------------------------------------------


@records_refusals("receipt.upload", errors=(ReceiptError,))
def receipt_upload(*, actor: Any, household: Any, uploads: Sequence[Upload]) -> list[Receipt]:
    """Store each document (encrypted) as a queued receipt and enqueue its OCR; all or none are accepted."""
    if not uploads:
        raise ReceiptError("Choose at least one file or paste the receipt text.")
    kinds = []
    for upload in uploads:
        try:
            kinds.append(validate_upload(upload.data, upload.filename))
        except OcrError as error:
            raise ReceiptUploadError(upload.filename, str(error)) from None
    with transaction.atomic():
        receipts = [
            _store(actor=actor, household=household, upload=upload, kind=kind)
            for upload, kind in zip(uploads, kinds, strict=True)
        ]
    return receipts


def _store(*, actor: Any, household: Any, upload: Upload, kind: str) -> Receipt:
    receipt = Receipt(
        household=household,
        uploaded_by=actor,
        kind=kind,
        upload_token=secrets.token_hex(16),
        original_filename=upload.filename,
        content_digest=hashlib.sha256(upload.data).hexdigest(),
    )
    receipt.file.save(upload.filename or PASTED_TEXT_NAME, ContentFile(upload.data), save=False)
    receipt.full_clean()
    receipt.save()
    audit_record(
        actor=actor, household=household, action="receipt.upload", target=receipt, details={"kind": kind}
    )
    _enqueue_ocr(receipt.pk)
    return receipt


# receipts.tasks imports this package to call its services: the only import cycle in the app, broken here.
def _enqueue_ocr(receipt_id: int) -> None:
    from receipts.tasks import receipt_ocr_task

    transaction.on_commit(lambda: receipt_ocr_task.delay(receipt_id))


def _enqueue_parse(receipt_id: int) -> None:
    from receipts.tasks import receipt_parse_task

    transaction.on_commit(lambda: receipt_parse_task.delay(receipt_id))


# --- worker stages ---------------------------------------------------------------------------------------------


def _claim(receipt_id: int, *, from_statuses: Sequence[str], to_status: str) -> Receipt | None:
    """Move the receipt into `to_status` if it is in one of `from_statuses`; None when it is gone or past it."""
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().filter(pk=receipt_id, status__in=from_statuses).first()
        if receipt is None:
            return None
        receipt.status = to_status
        update = ["status", "updated_at"]
        if to_status == Receipt.Status.OCR:
            receipt.ocr_attempts += 1
            update.append("ocr_attempts")
        receipt.save(update_fields=update)
    return receipt


def receipt_process_ocr(*, receipt_id: int) -> Receipt | None:
    """Read the stored document's text. Raises TransientOcrError for the task to retry; other OCR errors fail
    the receipt with their readable message."""
    receipt = _claim(
        receipt_id, from_statuses=[Receipt.Status.QUEUED, Receipt.Status.OCR], to_status=Receipt.Status.OCR
    )
    if receipt is None:
        return None
    with receipt.file.open("rb") as handle:
        data = handle.read()
    try:
        document = recognize_document(data, filename=receipt.original_filename)
    except TransientOcrError:
        raise
    except OcrError as error:
        return receipt_fail(receipt_id=receipt.pk, reason=str(error))
    with transaction.atomic():
        receipt.ocr_text = document.text
        receipt.ocr_engine = document.engine[:100]
        receipt.ocr_seconds = round(document.seconds, 3)
        receipt.ocr_confidence = document.confidence
        receipt.status = Receipt.Status.PARSING
        receipt.save(
            update_fields=["ocr_text", "ocr_engine", "ocr_seconds", "ocr_confidence", "status", "updated_at"]
        )
        audit_record(
            actor=None,
            household=receipt.household,
            action="receipt.ocr",
            target=receipt,
            details={"engine": receipt.ocr_engine, "seconds": receipt.ocr_seconds},
        )
        _enqueue_parse(receipt.pk)
    return receipt


def receipt_parse(*, receipt_id: int) -> Receipt | None:
    """Turn the OCR text into lines, suggest a match for each, flag a duplicate, and wait for review."""
    receipt = (
        Receipt.objects.select_related("household", "uploaded_by")
        .filter(pk=receipt_id, status=Receipt.Status.PARSING)
        .first()
    )
    if receipt is None:
        return None
    # Parsing may call an LLM: it runs before the row is locked, not while holding the lock. The household and
    # member decide what may be sent (opt-out, budget, rate limit).
    parsed = understand_text(receipt.ocr_text, household=receipt.household, actor=receipt.uploaded_by)
    if not parsed.is_receipt:
        return receipt_fail(receipt_id=receipt.pk, reason=NOT_A_RECEIPT, status=Receipt.Status.NOT_A_RECEIPT)
    if not parsed.items:
        return receipt_fail(receipt_id=receipt.pk, reason=NO_ITEMS_FOUND)
    with transaction.atomic():
        receipt = (
            Receipt.objects.select_for_update().filter(pk=receipt_id, status=Receipt.Status.PARSING).first()
        )
        if receipt is None:
            return None
        _store_parsed(receipt, parsed)
        receipt_match(receipt=receipt)
        receipt.duplicate_of = find_duplicate(receipt)
        receipt.status = Receipt.Status.NEEDS_REVIEW
        receipt.save(update_fields=["duplicate_of", "status", "updated_at"])
        audit_record(
            actor=None,
            household=receipt.household,
            action="receipt.parse",
            target=receipt,
            details={"lines": len(parsed.items), "duplicate_of": receipt.duplicate_of_id},
        )
    return receipt


def _store_parsed(receipt: Receipt, parsed: Any) -> None:
    receipt.parsed = parsed.to_json()
    receipt.merchant = (parsed.merchant or "").strip()
    receipt.merchant_address = parsed.merchant_address or ""
    receipt.purchase_date = parsed.date
    receipt.printed_total = parsed.total
    receipt.save(
        update_fields=[
            "parsed", "merchant", "store_index", "merchant_address", "purchase_date", "printed_total",
        ]
    )  # fmt: skip
    receipt.lines.all().delete()  # a re-parse replaces the lines, never adds to them
    ReceiptLine.objects.bulk_create(
        [_line_from_parsed(receipt, position, line) for position, line in enumerate(parsed.items, start=1)]
    )
    receipt.purchase_key = purchase_key(receipt)
    receipt.save(update_fields=["purchase_key", "purchase_fingerprint"])


def _line_from_parsed(receipt: Receipt, position: int, line: Any) -> ReceiptLine:
    return ReceiptLine(
        receipt=receipt,
        position=position,
        printed_name=line.name,
        name=line.name,
        printed_quantity=abs(line.quantity),
        printed_unit=normalise_unit(line.unit),
        quantity=abs(line.quantity),
        unit=normalise_unit(line.unit),
        unit_price=line.unit_price,
        total_price=line.total_price,
        discount=line.discount or Decimal(0),
        is_return=line.is_return,
        flags=list(line.flags),
    )


def normalise_unit(unit: str) -> str:
    try:
        return parse_unit(unit or "").code
    except UnitError:
        return "pcs"


def receipt_fail(
    *, receipt_id: int, reason: str, status: Receipt.Status = Receipt.Status.FAILED
) -> Receipt | None:
    """End an unfinished receipt with a reason the member can read: failed, or (`status`) not a receipt at all.
    A finished one is left alone."""
    with transaction.atomic():
        receipt = (
            Receipt.objects.select_for_update()
            .filter(pk=receipt_id, status__in=list(Receipt.IN_PROGRESS))
            .first()
        )
        if receipt is None:
            return None
        receipt.status = status
        receipt.failure_reason = reason
        receipt.save(update_fields=["status", "failure_reason", "updated_at"])
        action = "receipt.not_a_receipt" if status == Receipt.Status.NOT_A_RECEIPT else "receipt.fail"
        audit_record(actor=None, household=receipt.household, action=action, target=receipt)
    return receipt


@records_refusals("receipt.retry", target="receipt", errors=(ReceiptError,))
def receipt_retry(*, actor: Any, receipt: Receipt) -> Receipt:
    """Send a failed receipt through the pipeline again from OCR."""
    with transaction.atomic():
        locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if locked.status != Receipt.Status.FAILED:
            raise ReceiptError("Only a failed receipt can be retried.")
        locked.status = Receipt.Status.QUEUED
        locked.failure_reason = ""
        locked.save(update_fields=["status", "failure_reason", "updated_at"])
        audit_record(actor=actor, household=locked.household, action="receipt.retry", target=locked)
        _enqueue_ocr(locked.pk)
    return locked
