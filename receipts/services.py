"""Receipt actions: upload, the worker stages (OCR, parse + match), review edits, retry and apply to inventory.

Each stage claims the receipt by its status before working on it, so a task delivered twice (a worker killed
mid-task and the message redelivered) does its work once: a redelivered OCR task finds the receipt still in
`ocr` and runs again; one that finds it further along returns quietly.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from grapefruit.encryption import blind_index
from ocr.errors import OcrError, TransientOcrError
from ocr.service import recognize_document
from receipts import matching
from receipts.models import (
    ALIAS_PURPOSE,
    CONTENT_PURPOSE,
    PURCHASE_PURPOSE,
    STORE_PURPOSE,
    Receipt,
    ReceiptLine,
    StoreAlias,
)

logger = logging.getLogger(__name__)

PASTED_TEXT_NAME = "pasted-text.txt"
UNEXPECTED_FAILURE = "Something went wrong while processing this receipt. Try again, or upload it once more."
NO_ITEMS_FOUND = "No purchased items were found in the text. Try a sharper photo of the whole receipt."


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


@dataclass(frozen=True)
class LineEdit:
    """A member's version of one receipt line from the review page."""

    line_id: int
    name: str
    quantity: Decimal
    unit: str
    total_price: Decimal | None
    action: str
    item_id: int | None
    new_item_name: str


# --- upload --------------------------------------------------------------------------------------------------


def receipt_upload(*, actor: Any, household: Any, uploads: Sequence[Upload]) -> list[Receipt]:
    """Store each document (encrypted) as a queued receipt and enqueue its OCR; all or none are accepted."""
    from ocr.documents import validate_upload

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
    from receipts.pipeline import understand_text

    receipt = Receipt.objects.filter(pk=receipt_id, status=Receipt.Status.PARSING).first()
    if receipt is None:
        return None
    # Parsing may call an LLM: it runs before the row is locked, not while holding the lock.
    parsed = understand_text(receipt.ocr_text)
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
        quantity=abs(line.quantity),
        unit=normalise_unit(line.unit),
        unit_price=line.unit_price,
        total_price=line.total_price,
        discount=line.discount or Decimal(0),
        is_return=line.is_return,
        flags=list(line.flags),
    )


def normalise_unit(unit: str) -> str:
    from inventory.units import UnitError, parse_unit

    try:
        return parse_unit(unit or "").code
    except UnitError:
        return "pcs"


def receipt_fail(*, receipt_id: int, reason: str) -> Receipt | None:
    """Mark an unfinished receipt failed with a reason the member can read; a finished one is left alone."""
    with transaction.atomic():
        receipt = (
            Receipt.objects.select_for_update()
            .filter(pk=receipt_id, status__in=list(Receipt.IN_PROGRESS))
            .first()
        )
        if receipt is None:
            return None
        receipt.status = Receipt.Status.FAILED
        receipt.failure_reason = reason
        receipt.save(update_fields=["status", "failure_reason", "updated_at"])
        audit_record(actor=None, household=receipt.household, action="receipt.fail", target=receipt)
    return receipt


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


# --- matching and duplicates -----------------------------------------------------------------------------------


def receipt_match(*, receipt: Receipt) -> None:
    """Suggest an action and item for every line a member has not chosen by hand."""
    from receipts.selectors import item_candidates

    candidates = item_candidates(household=receipt.household)
    aliases = _aliases(receipt)
    for line in receipt.lines.exclude(match_source=ReceiptLine.Source.MANUAL):
        if line.is_return:
            # A returned item left the house; it is not stock to add (the member corrects stock by hand).
            suggestion = matching.Suggestion(
                matching.Action.IGNORE, None, Decimal(1), matching.MatchSource.RULE
            )
        else:
            hit = aliases.get(matching.alias_key(line.printed_name))
            suggestion = matching.suggest(line.printed_name, line.unit, candidates, hit)
        line.action = suggestion.action.value
        line.item_id = suggestion.item_id
        line.confidence = suggestion.confidence
        line.match_source = suggestion.source.value
        line.new_item_name = suggestion.new_item_name
        if suggestion.item_id is not None:
            unit = next(c.unit for c in candidates if c.item_id == suggestion.item_id)
            line.quantity, line.unit = matching.fit_to_unit(line.printed_name, line.quantity, line.unit, unit)
        line.save(
            update_fields=[
                "action",
                "item",
                "confidence",
                "match_source",
                "new_item_name",
                "quantity",
                "unit",
            ]
        )


def _store_aliases(receipt: Receipt) -> Any:
    return StoreAlias.objects.filter(
        household_id=receipt.household_id,
        store_index=blind_index(receipt.merchant, purpose=STORE_PURPOSE),
    )


def _aliases(receipt: Receipt) -> dict[str, matching.AliasHit]:
    if not receipt.merchant:
        return {}
    return {
        row.alias_text: matching.AliasHit(matching.Action(row.action), row.item_id, row.times_confirmed)
        for row in _store_aliases(receipt)
    }


def purchase_key(receipt: Receipt) -> str | None:
    """What identifies a purchase: store, date, printed total and the lines with their prices."""
    lines = sorted(
        f"{matching.alias_key(line.printed_name)}={line.total_price}" for line in receipt.lines.all()
    )
    if receipt.printed_total is None or not lines:
        return None
    return "|".join([receipt.merchant, str(receipt.purchase_date or ""), str(receipt.printed_total), *lines])


def find_duplicate(receipt: Receipt) -> Receipt | None:
    """The earliest other receipt of the household with the same bytes or the same purchase fingerprint."""
    # Only earlier uploads count: of two copies, the first is the original whichever is parsed first.
    others = Receipt.objects.filter(household_id=receipt.household_id, pk__lt=receipt.pk)
    others = others.exclude(status=Receipt.Status.FAILED).order_by("pk")
    same_file = others.filter(
        content_index=blind_index(receipt.content_digest, purpose=CONTENT_PURPOSE)
    ).first()
    if same_file is not None or receipt.purchase_key is None:
        return same_file
    return others.filter(
        purchase_fingerprint=blind_index(receipt.purchase_key, purpose=PURCHASE_PURPOSE)
    ).first()


def _remember(receipt: Receipt, line: ReceiptLine) -> None:
    """Learn the member's choice for this printed text at this store; a repeated choice grows more certain."""
    if not receipt.merchant or line.action == ReceiptLine.Action.CREATE_NEW:
        return
    key = matching.alias_key(line.printed_name)
    alias = (
        _store_aliases(receipt)
        .select_for_update()
        .filter(alias_index=blind_index(key, purpose=ALIAS_PURPOSE))
        .first()
    )
    if alias is None:
        alias = StoreAlias(household_id=receipt.household_id, store_name=receipt.merchant, alias_text=key)
    same = alias.action == line.action and alias.item_id == line.item_id
    alias.times_confirmed = alias.times_confirmed + 1 if same else 1
    alias.action, alias.item_id = line.action, line.item_id
    alias.save()


# --- review and apply ------------------------------------------------------------------------------------------


def receipt_lines_update(*, actor: Any, receipt: Receipt, edits: Sequence[LineEdit]) -> Receipt:
    """Save a member's corrections; a changed match or action is remembered for this store."""
    with transaction.atomic():
        receipt = _lock_for_review(receipt)
        lines = {line.pk: line for line in receipt.lines.all()}
        item_ids = _household_item_ids(receipt)
        changed = 0
        for edit in edits:
            line = lines.get(edit.line_id)
            if line is None:
                raise ReceiptError("A line of this receipt no longer exists. Reload the page.")
            if edit.item_id is not None and edit.item_id not in item_ids:
                raise ReceiptError("The chosen item is not in your inventory.")
            changed += _apply_edit(receipt, line, edit)
        audit_record(
            actor=actor, household=receipt.household, action="receipt.review", target=receipt,
            details={"lines_changed": changed},
        )  # fmt: skip
    return receipt


def _apply_edit(receipt: Receipt, line: ReceiptLine, edit: LineEdit) -> int:
    rematched = (edit.action, edit.item_id) != (line.action, line.item_id)
    fields = {
        "name": edit.name, "quantity": edit.quantity, "unit": edit.unit, "total_price": edit.total_price,
        "action": edit.action, "item_id": edit.item_id, "new_item_name": edit.new_item_name,
    }  # fmt: skip
    if all(getattr(line, name) == value for name, value in fields.items()):
        return 0
    for name, value in fields.items():
        setattr(line, name, value)
    if rematched:
        line.match_source = ReceiptLine.Source.MANUAL
        line.confidence = Decimal(1)
    line.full_clean(exclude=["receipt", "item"])
    line.save()
    if rematched:
        _remember(receipt, line)
    return 1


def _lock_for_review(receipt: Receipt) -> Receipt:
    locked = Receipt.objects.select_for_update().select_related("household").get(pk=receipt.pk)
    if locked.status != Receipt.Status.NEEDS_REVIEW:
        raise ReceiptError(f"This receipt is {locked.get_status_display().lower()}; it cannot be changed.")
    return locked


def _household_item_ids(receipt: Receipt) -> set[int]:
    from receipts.selectors import household_items

    return set(household_items(household=receipt.household).values_list("pk", flat=True))


def receipt_apply(*, actor: Any, receipt: Receipt, allow_duplicate: bool = False) -> Receipt:
    """Add every accepted line to stock in one transaction: a failure on any line leaves stock untouched."""
    with transaction.atomic():
        receipt = _lock_for_review(receipt)
        if receipt.duplicate_of_id and not allow_duplicate:
            raise ReceiptError(
                f"This looks like receipt #{receipt.duplicate_of_id} uploaded again. "
                "Confirm it is a different purchase to apply it."
            )
        item_ids = _household_item_ids(receipt)
        added = 0
        for line in receipt.lines.select_related("item").order_by("position"):
            added += _apply_line(actor, receipt, line, item_ids)
        receipt.status = Receipt.Status.APPLIED
        receipt.applied_at = timezone.now()
        receipt.applied_by = actor
        receipt.save(update_fields=["status", "applied_at", "applied_by", "updated_at"])
        audit_record(
            actor=actor, household=receipt.household, action="receipt.apply", target=receipt,
            details={"lines_added": added, "duplicate_confirmed": bool(receipt.duplicate_of_id)},
        )  # fmt: skip
    return receipt


def _apply_line(actor: Any, receipt: Receipt, line: ReceiptLine, item_ids: set[int]) -> int:
    from inventory import services as inventory

    if line.action == ReceiptLine.Action.IGNORE:
        _remember(receipt, line)
        return 0
    try:
        if line.is_return:
            raise ReceiptError("a returned item is not added to stock; choose Ignore.")
        if line.action == ReceiptLine.Action.ADD_EXISTING:
            if line.item_id not in item_ids:
                raise ReceiptError("choose an item from your inventory.")
            item = line.item
        else:
            item = _new_item(actor, receipt, line)
            line.item, line.action = item, ReceiptLine.Action.ADD_EXISTING
            line.save(update_fields=["item", "action"])
        quantity, unit = matching.fit_to_unit(line.printed_name, line.quantity, line.unit, item.unit)
        inventory.stock_add(
            actor=actor,
            item=item,
            amount=quantity,
            unit=unit,
            kind="receipt",
            source=inventory.StockSource(type="receipts.receipt", id=str(receipt.pk)),
        )
    except (ValidationError, ReceiptError) as error:
        raise ReceiptError(f"Line {line.position} ({line.name}): {_message(error)}") from error
    _remember(receipt, line)
    return 1


def _new_item(actor: Any, receipt: Receipt, line: ReceiptLine) -> Any:
    """Create the line's new item, or reuse the one of that name (made earlier on this receipt, or meanwhile)."""
    from inventory import services as inventory
    from inventory.models import ITEM_NAME_PURPOSE, Item

    name = " ".join((line.new_item_name or line.name).split())
    existing = Item.objects.filter(
        household=receipt.household,
        name_index=blind_index(name, purpose=ITEM_NAME_PURPOSE),
    ).first()
    if existing is not None:
        return existing
    return inventory.item_create(actor=actor, household=receipt.household, name=name, unit=line.unit)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
