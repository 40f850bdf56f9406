"""Receipt actions, split by stage: ingest (upload, OCR, parse), memory (matching, aliases, duplicates),
review (corrections, apply to inventory) and removal. Import them from here."""

from receipts.services.ingest import (
    NO_ITEMS_FOUND,
    NOT_A_RECEIPT,
    PASTED_TEXT_NAME,
    UNEXPECTED_FAILURE,
    ReceiptError,
    ReceiptUploadError,
    Upload,
    receipt_fail,
    receipt_parse,
    receipt_process_ocr,
    receipt_retry,
    receipt_upload,
)
from receipts.services.memory import find_duplicate, purchase_key, receipt_match, store_alias_learn
from receipts.services.removal import receipt_delete
from receipts.services.review import (
    BoughtOn,
    LineEdit,
    purchase_date_needs_confirmation,
    receipt_apply,
    receipt_lines_update,
)

__all__ = [
    "NOT_A_RECEIPT",
    "NO_ITEMS_FOUND",
    "PASTED_TEXT_NAME",
    "UNEXPECTED_FAILURE",
    "BoughtOn",
    "LineEdit",
    "ReceiptError",
    "ReceiptUploadError",
    "Upload",
    "find_duplicate",
    "purchase_date_needs_confirmation",
    "purchase_key",
    "receipt_apply",
    "receipt_delete",
    "receipt_fail",
    "receipt_lines_update",
    "receipt_match",
    "receipt_parse",
    "receipt_process_ocr",
    "receipt_retry",
    "receipt_upload",
    "store_alias_learn",
]
