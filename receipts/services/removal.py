"""Deleting a receipt a member does not want: failed, a duplicate, garbage, or simply unwanted."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import audit_record, records_refusals
from receipts.models import Receipt
from receipts.services.ingest import ReceiptError


@records_refusals("receipt.delete", target="receipt", errors=(ReceiptError,))
def receipt_delete(*, actor: Any, receipt: Receipt) -> None:
    """Delete the receipt, its lines and its stored file. Stock an applied receipt added stays: the journal
    entries keep pointing at the receipt's number. Refused while a worker is reading it."""
    with transaction.atomic():
        locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if locked.status in (Receipt.Status.OCR, Receipt.Status.PARSING):
            raise ReceiptError("This receipt is being read right now; delete it once that is done.")
        details = {"status": locked.status, "lines": locked.lines.count()}
        audit_record(
            actor=actor, household=locked.household, action="receipt.delete", target=locked, details=details
        )
        storage, name = locked.file.storage, locked.file.name
        locked.delete()
        # The encrypted file goes once the rows are gone for sure; a rolled-back delete keeps it.
        transaction.on_commit(lambda: storage.delete(name))
