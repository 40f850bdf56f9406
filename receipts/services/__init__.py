"""Receipt actions, split by stage: ingest (upload, OCR, parse), memory (matching, aliases, duplicates) and
review (corrections, apply to inventory). Import them from here."""

from receipts.services.ingest import (
    NO_ITEMS_FOUND,
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
from receipts.services.review import LineEdit, receipt_apply, receipt_lines_update

__all__ = [
    "NO_ITEMS_FOUND",
    "PASTED_TEXT_NAME",
    "UNEXPECTED_FAILURE",
    "LineEdit",
    "ReceiptError",
    "ReceiptUploadError",
    "Upload",
    "find_duplicate",
    "purchase_key",
    "receipt_apply",
    "receipt_fail",
    "receipt_lines_update",
    "receipt_match",
    "receipt_parse",
    "receipt_process_ocr",
    "receipt_retry",
    "receipt_upload",
    "store_alias_learn",
]
